"""The weekly-times form's selects, written in Python.

A helper's times page has up to 30 rows of three selects with some 120 options each; rendered
option by option through a template (or Django's Select widget) that was most of the page's
time. Here each list of options is escaped once per language and process, and a select is one
join plus the chosen value marked.
"""

from collections.abc import Iterable
from datetime import time
from functools import lru_cache

from django import template
from django.forms import BoundField
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()


@lru_cache(maxsize=64)
def _options(choices: tuple[tuple[str, str], ...], language: str | None) -> str:
    return "".join(
        f'<option value="{escape(value)}">{escape(label)}</option>' for value, label in choices
    )


@register.simple_tag
def window_options(
    field: BoundField, choices: Iterable[tuple[object, object]], blank: bool = False
) -> SafeString:
    """The <option>s for ``field``'s select, its current value selected (a saved time comes as
    ``datetime.time``, posted data as "08:00"); ``blank`` puts "Choose" first (new rows)."""
    pairs = tuple((str(value), str(label)) for value, label in choices)
    html = _options(pairs, get_language())
    value = field.value()
    current = value.strftime("%H:%M") if isinstance(value, time) else str(value)
    marker = f'<option value="{escape(current)}">'
    if current and marker in html:
        html = html.replace(marker, f'<option value="{escape(current)}" selected>', 1)
    if blank:
        html = f'<option value="">{escape(_("Choose"))}</option>{html}'
    return mark_safe(html)  # noqa: S308 - every value and label is escaped above
