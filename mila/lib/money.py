"""Money is an integer number of Rappen (cents); this turns it into text people read."""

from django.conf import settings
from django.utils import translation

NBSP = "\u00a0"
# Swiss usage: an apostrophe groups thousands in German, French and Italian; English uses a comma.
THOUSANDS_SEPARATOR = {"de": "\u2019", "fr": "\u2019", "it": "\u2019", "en": ","}


def format_chf(rappen: int, language: str | None = None, currency: str | None = None) -> str:
    """12345 → 'CHF 123.45' (with a non-breaking space and the language's thousands separator)."""
    if isinstance(rappen, bool) or not isinstance(rappen, int):
        raise TypeError("money is an integer number of Rappen")
    language = (language or translation.get_language() or settings.LANGUAGE_CODE)[:2]
    separator = THOUSANDS_SEPARATOR.get(language, "\u2019")
    sign = "-" if rappen < 0 else ""
    francs, cents = divmod(abs(rappen), 100)
    grouped = f"{francs:,}".replace(",", separator)
    return f"{currency or settings.CURRENCY}{NBSP}{sign}{grouped}.{cents:02d}"
