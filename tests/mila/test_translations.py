"""Every string we wrote is translated into German, French and Italian."""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"


@pytest.mark.parametrize("language", ["de", "fr", "it", "en"])
def test_catalogue_is_complete(language: str) -> None:
    path = LOCALE / language / "LC_MESSAGES" / "django.po"
    with path.open("rb") as fh:
        catalog = read_po(fh)
    assert len(catalog) > 50
    if language == "en":
        return  # the source language; empty msgstr falls back to the msgid
    missing = [
        m.id
        for m in catalog
        if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))
    ]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert missing == [], f"{len(missing)} untranslated in {language}"
    assert fuzzy == [], f"{len(fuzzy)} fuzzy in {language}"


@pytest.mark.parametrize("language", ["de", "fr", "it", "en"])
def test_compiled_catalogue_is_current(language: str) -> None:
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    assert mo.exists(), "run `make install` (it compiles the messages)"
    assert mo.stat().st_mtime >= po.stat().st_mtime, "run `make install` to recompile messages"
