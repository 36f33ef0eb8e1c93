"""The weekly-times form's selects, written in Python.

A helper's times page has up to 30 rows of three selects with some 120 options each; rendered
option by option through a template (or Django's Select widget) that was most of the page's
time. Here each field's options are escaped once per form, field and language in a process,
and a select is one join with the chosen value marked.
"""

from datetime import time
from functools import lru_cache
from typing import Any, cast

from django import template
from django.forms import BoundField
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()


@lru_cache(maxsize=64)
def _options(form_class: Any, name: str, language: str | None) -> str:
    """A field's options as HTML, from the form class's own field: the same for every form."""
    choices = form_class.base_fields[name].widget.choices
    return "".join(
        f'<option value="{escape(value)}">{escape(label)}</option>' for value, label in choices
    )


@register.simple_tag
def window_select(field: BoundField) -> SafeString:
    """One select of a weekly time row (day, from, until) with its label and error.

    Saved times come in as ``datetime.time``, posted ones as "08:00": either is chosen. The
    first option is "Choose" (the form's own), so an untouched empty row is skipped. The error
    goes below the select, so the selects of a row stay in line."""
    value = field.value()
    current = value.strftime("%H:%M") if isinstance(value, time) else str(value)
    options = _options(cast(Any, type(field.form)), field.name, get_language())
    marker = f'<option value="{escape(current)}">'
    if current and marker in options:
        options = options.replace(marker, f'<option value="{escape(current)}" selected>', 1)
    auto_id = field.auto_id
    invalid = (
        format_html(' aria-invalid="true" aria-describedby="{}_error"', auto_id)
        if field.errors
        else ""
    )
    return format_html(
        '<div class="window-field window-field-{name}">'
        '<label for="{id}">{label}</label>'
        '<select name="{html_name}" id="{id}"{invalid}>{options}</select>{errors}</div>',
        name=field.name, id=auto_id, label=field.label, html_name=field.html_name,
        invalid=invalid, options=mark_safe(options),  # noqa: S308 - escaped above
        errors=field.errors if field.errors else "",
    )  # fmt: skip
