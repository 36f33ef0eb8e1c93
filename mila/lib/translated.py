"""Catalogue texts are stored once per language (``name_de``, ``name_fr`` ...); this picks the
one for the current language, falling back to German, the default."""

from django.conf import settings
from django.utils import translation


def translated(obj: object, field: str, language: str | None = None) -> str:
    language = (language or translation.get_language() or settings.LANGUAGE_CODE)[:2]
    value = getattr(obj, f"{field}_{language}", "") or ""
    return value or getattr(obj, f"{field}_{settings.LANGUAGE_CODE}", "")
