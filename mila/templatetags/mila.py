from datetime import date, datetime
from typing import Any

import phonenumbers
from django import template
from django.conf import settings
from django.utils import translation

from mila.formats import format_when
from mila.lib.money import format_chf

register = template.Library()


@register.filter
def chf(rappen: int | None) -> str:
    """{{ 7900|chf }} → 'CHF 79.00' in the current language."""
    if rappen is None or rappen == "":
        return ""
    return format_chf(int(rappen))


@register.filter
def in_language(values: Any) -> str:
    """{{ notification.context.service|in_language }}: the current language's entry of a
    {"de": ..., "fr": ...} dict, falling back to German."""
    if not isinstance(values, dict):
        return "" if values is None else str(values)
    language = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    return values.get(language) or values.get(settings.LANGUAGE_CODE, "")


@register.filter
def when(value: date | datetime | None, name: str) -> str:
    """{{ booking.starts_at|when:"WEEKDAY_DATETIME" }} → 'Do., 10. Dez. 2026, 14:00': a date in
    one of the formats each language names in mila/formats/<language>/formats.py."""
    return format_when(value, name)


@register.filter
def fromiso(value: str | None) -> datetime | None:
    """An ISO 8601 string stored in JSON back to a datetime, for the |date filter."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None


@register.filter
def phone(value: object) -> str:
    """'+41791234567' → '079 123 45 67' (Swiss numbers), '+49 151 23456789' for others."""
    text = str(value or "")
    try:
        number = phonenumbers.parse(text, settings.PHONENUMBER_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return text
    region = phonenumbers.region_code_for_number(number)
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if region == settings.PHONENUMBER_DEFAULT_REGION
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)
