from django import template

from mila.lib.money import format_chf

register = template.Library()


@register.filter
def chf(rappen: int | None) -> str:
    """{{ 7900|chf }} → 'CHF 79.00' in the current language."""
    if rappen is None:
        return ""
    return format_chf(int(rappen))
