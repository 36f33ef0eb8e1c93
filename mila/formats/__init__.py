"""How dates read in each language, decided in one place: ``mila/formats/<language>/formats.py``.

Those are Django format modules (``FORMAT_MODULE_PATH``): besides Django's own names
(``DATE_FORMAT``…, used by the admin and ``{{ value }}``) each names the formats Mila's pages
and e-mails use, as CLDR patterns. Django's format characters cannot write them: its
abbreviations are one table per language with no dots, where German writes "Dez." but "Mai"
and French "déc." but "mars". Babel fills the patterns with each language's own names.

Templates: ``{{ booking.starts_at|when:"WEEKDAY_DATETIME" }}`` (``mila`` template library);
Python: ``format_when(booking.starts_at, "WEEKDAY_DATETIME")``. Both follow the active
language, which e-mails and notifications set to the recipient's.
"""

from datetime import date, datetime

from babel.dates import format_date, format_datetime
from django.conf import settings
from django.utils import formats, timezone, translation

# The names every language module defines, with what they read like in German.
NAMES = {
    "WEEKDAY_DATETIME": "Do., 10. Dez. 2026, 14:00",
    "WEEKDAY_DATETIME_NO_YEAR": "Do., 10. Dez., 14:00",
    "WEEKDAY_DATE": "Do., 10. Dez. 2026",
    "LONG_DATE": "10. Dezember 2026",
    "MONTH_YEAR": "Dezember 2026",
}


def format_when(value: date | datetime | None, name: str, *, language: str | None = None) -> str:
    """``value`` in the named format of ``language`` (the active one by default); an aware
    datetime is shown in the current time zone (Europe/Zurich), as ``|date`` does."""
    if value is None or value == "":
        return ""
    if name not in NAMES:
        raise ValueError(f"unknown date format {name!r}; the names are {sorted(NAMES)}")
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    pattern = formats.get_format(name, lang=language)
    locale = formats.get_format("BABEL_LOCALE", lang=language)
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return format_datetime(value, pattern, tzinfo=value.tzinfo, locale=locale)
    return format_date(value, pattern, locale=locale)
