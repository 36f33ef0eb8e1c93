"""Every string we wrote is translated into German, French and Italian."""

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.contrib import admin
from django.urls import reverse

from bookings.catalogue import CATEGORIES
from tests.factories import BookingFactory, NotificationFactory, UserFactory

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


@pytest.mark.parametrize("language", ["de", "it"])
def test_admin_javascript_catalogue_is_compiled(language: str) -> None:
    po = LOCALE / language / "LC_MESSAGES" / "djangojs.po"
    mo = po.with_suffix(".mo")
    assert mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime, "run `make install`"


@pytest.mark.parametrize("language", ["de", "fr", "it", "en"])
def test_compiled_catalogue_is_current(language: str) -> None:
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    assert mo.exists(), "run `make install` (it compiles the messages)"
    assert mo.stat().st_mtime >= po.stat().st_mtime, "run `make install` to recompile messages"


# --- what people see: no English left on German, French and Italian pages ---------------------


class _VisibleText(HTMLParser):
    """Text nodes plus the attributes a person reads or hears (button values, titles,
    placeholders, aria-labels); scripts and styles are skipped."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template"):
            self._hidden += 1
        values = dict(attrs)
        for name in ("title", "placeholder", "aria-label", "alt"):
            if values.get(name):
                self.parts.append(str(values[name]))
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(str(values["value"]))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.parts.append(" ".join(data.split()))


def visible_text(html: str) -> list[str]:
    parser = _VisibleText()
    parser.feed(html)
    return parser.parts


# Words of Django's and allauth's English UI; none of them is German, French or Italian.
ENGLISH_UI = re.compile(
    r"\b(Run|Search|Filter by|Choose all|Add|Save|Delete|History|Authenticators|Remove|"
    r"Select an option|Logout|Password-based|Set password|Enabled|Disabled)\b"
)


@pytest.fixture
def admin_objects(db: None) -> None:
    """One row behind every admin page, so each change form can be opened."""
    from allauth.mfa.models import Authenticator
    from django.contrib.auth.models import Group

    booking = BookingFactory(status="confirmed")
    NotificationFactory()
    Group.objects.get_or_create(name="Support")  # the roles migration made it
    Authenticator.objects.create(user=booking.customer, type="recovery_codes", data={})


def admin_urls() -> list[str]:
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls += [reverse(f"{prefix}_changelist"), reverse(f"{prefix}_add")]
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(reverse(f"{prefix}_change", args=[first.pk]))
    return urls


@pytest.mark.parametrize("language", ["de", "fr", "it"])
def test_admin_pages_have_no_english(client: Any, admin_objects: None, language: str) -> None:
    staff = UserFactory(is_staff=True, is_superuser=True, preferred_language=language)
    client.force_login(staff)
    english = {}
    for url in admin_urls():
        response = client.get(url)
        if response.status_code == 403:  # no add form (bookings and offers are made elsewhere)
            continue
        assert response.status_code == 200, url
        found = [t for t in visible_text(response.content.decode()) if ENGLISH_UI.search(t)]
        if found:
            english[url] = found
    assert english == {}


@pytest.mark.parametrize(
    ("language", "chosen"), [("de", "Alle %s auswählen"), ("it", "Scegli tutti: %s")]
)
@pytest.mark.django_db
def test_admin_javascript_is_translated(client: Any, language: str, chosen: str) -> None:
    """The two-box selector ("Choose all Fachgebiete") takes its words from the admin's
    JavaScript catalogue, which Django 6.1 ships without these strings for de and it."""
    client.force_login(UserFactory(is_staff=True, is_superuser=True, preferred_language=language))
    catalogue = client.get(reverse("admin:jsi18n")).content.decode()
    assert json.dumps(chosen)[1:-1] in catalogue


@pytest.mark.django_db
@pytest.mark.usefixtures("catalogue")
@pytest.mark.parametrize("language", ["de", "fr", "it", "en"])
def test_the_home_page_names_categories_as_the_catalogue_does(client: Any, language: str) -> None:
    text = visible_text(client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE=language).content.decode())
    for category in CATEGORIES:
        names: dict[str, str] = category["name"]  # type: ignore[assignment]
        assert names[language] in text, (names[language], language)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["home", "about", "imprint", "privacy"])
def test_italian_pages_say_note_legali(client: Any, name: str) -> None:
    response = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE="it")
    text = " ".join(visible_text(response.content.decode()))
    assert "Impressum" not in text
    assert "Note legali" in text
