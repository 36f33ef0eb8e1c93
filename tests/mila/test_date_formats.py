"""Dates read the way each language writes them (issue 9, item 5): "Do., 10. Dez. 2026, 14:00",
"jeu. 10 déc. 2026, 14:00", "gio 10 dic 2026, 14:00", "Thu 10 Dec 2026, 14:00" – decided in one
place, mila/formats/<language>/formats.py, on pages, in e-mails and in the inbox."""

import re
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from bookings.models import Booking
from bookings.texts import live_sentence
from mila.formats import NAMES, format_when
from notifications.models import Notification
from notifications.services import render_notification_email
from tests.factories import BookingFactory, NotificationFactory, UserFactory

ZURICH = ZoneInfo("Europe/Zurich")
# Thursday 10 December 2026, 14:00 in Zürich (13:00 UTC).
THURSDAY = datetime(2026, 12, 10, 13, 0, tzinfo=ZoneInfo("UTC"))
MONDAY = datetime(2026, 12, 14, 14, 0, tzinfo=ZURICH)

EXPECTED = {
    "de": {
        "WEEKDAY_DATETIME": "Do., 10. Dez. 2026, 14:00",
        "WEEKDAY_DATETIME_NO_YEAR": "Do., 10. Dez., 14:00",
        "WEEKDAY_DATE": "Do., 10. Dez. 2026",
        "LONG_DATE": "10. Dezember 2026",
        "MONTH_YEAR": "Dezember 2026",
    },
    "fr": {
        "WEEKDAY_DATETIME": "jeu. 10 déc. 2026, 14:00",
        "WEEKDAY_DATETIME_NO_YEAR": "jeu. 10 déc., 14:00",
        "WEEKDAY_DATE": "jeu. 10 déc. 2026",
        "LONG_DATE": "10 décembre 2026",
        "MONTH_YEAR": "décembre 2026",
    },
    "it": {
        "WEEKDAY_DATETIME": "gio 10 dic 2026, 14:00",
        "WEEKDAY_DATETIME_NO_YEAR": "gio 10 dic, 14:00",
        "WEEKDAY_DATE": "gio 10 dic 2026",
        "LONG_DATE": "10 dicembre 2026",
        "MONTH_YEAR": "dicembre 2026",
    },
    "en": {
        "WEEKDAY_DATETIME": "Thu 10 Dec 2026, 14:00",
        "WEEKDAY_DATETIME_NO_YEAR": "Thu 10 Dec, 14:00",
        "WEEKDAY_DATE": "Thu 10 Dec 2026",
        "LONG_DATE": "10 December 2026",
        "MONTH_YEAR": "December 2026",
    },
}
LANGUAGES = [code for code, _name in settings.LANGUAGES]


def test_every_language_defines_every_named_format() -> None:
    assert sorted(EXPECTED) == sorted(LANGUAGES)
    for language in LANGUAGES:
        assert sorted(EXPECTED[language]) == sorted(NAMES)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", sorted(NAMES))
def test_named_formats_in_each_language(language: str, name: str) -> None:
    assert format_when(THURSDAY, name, language=language) == EXPECTED[language][name]
    with translation.override(language):
        assert format_when(THURSDAY, name) == EXPECTED[language][name]


def test_the_german_reference_formats_are_the_documented_ones() -> None:
    for name, example in NAMES.items():
        assert format_when(THURSDAY, name, language="de") == example


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("de", "Mo., 14. Dez. 2026, 14:00"),
        ("fr", "lun. 14 déc. 2026, 14:00"),
        ("it", "lun 14 dic 2026, 14:00"),
        ("en", "Mon 14 Dec 2026, 14:00"),
    ],
)
def test_a_monday(language: str, expected: str) -> None:
    assert format_when(MONDAY, "WEEKDAY_DATETIME", language=language) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        # Short month names take a dot only where the language shortens them.
        ("de", ["Mo., 4. Mai 2026", "Do., 3. Sept. 2026", "Mo., 2. März 2026"]),
        ("fr", ["lun. 4 mai 2026", "jeu. 3 sept. 2026", "lun. 2 mars 2026"]),
        ("it", ["lun 4 mag 2026", "gio 3 set 2026", "lun 2 mar 2026"]),
    ],
)
def test_short_month_names_are_each_languages_own(language: str, expected: list[str]) -> None:
    days = [date(2026, 5, 4), date(2026, 9, 3), date(2026, 3, 2)]
    assert [format_when(day, "WEEKDAY_DATE", language=language) for day in days] == expected


def test_aware_datetimes_are_shown_in_zurich_time_and_empty_values_as_nothing() -> None:
    summer = datetime(2026, 7, 6, 7, 30, tzinfo=ZoneInfo("UTC"))
    assert format_when(summer, "WEEKDAY_DATETIME", language="de") == "Mo., 6. Juli 2026, 09:30"
    assert format_when(None, "WEEKDAY_DATE") == ""


def test_an_unknown_name_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown date format"):
        format_when(THURSDAY, "D, j. M Y")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_template_filter_follows_the_active_language(language: str) -> None:
    template = Template(
        '{% load mila %}{{ at|when:"WEEKDAY_DATETIME" }}|{{ iso|fromiso|when:"WEEKDAY_DATE" }}'
    )
    with translation.override(language):
        text = template.render(Context({"at": THURSDAY, "iso": THURSDAY.isoformat()}))
    assert text == f"{EXPECTED[language]['WEEKDAY_DATETIME']}|{EXPECTED[language]['WEEKDAY_DATE']}"


def test_django_english_formats_are_swiss_not_american() -> None:
    template = Template("{{ at }}|{{ day }}")
    with translation.override("en"):
        text = template.render(Context({"at": THURSDAY, "day": date(2026, 12, 10)}))
    assert text == "10 December 2026, 14:00|10 December 2026"


# --- Pages, e-mails and the inbox ---------------------------------------------------------------

PAGE = {
    # The visit (when.html), when it was booked, and the status sentence (bookings.texts).
    "de": (
        "Mo., 14. Dez., 14:00–15:00",
        "Do., 10. Dez. 2026, 14:00",
        "Lena kommt am Mo., 14. Dez., 14:00",
    ),
    "fr": (
        "lun. 14 déc., 14:00–15:00",
        "jeu. 10 déc. 2026, 14:00",
        "Lena vient le lun. 14 déc., 14:00",
    ),
    "it": (
        "lun 14 dic, 14:00–15:00",
        "gio 10 dic 2026, 14:00",
        "Lena viene da lei il lun 14 dic, 14:00",
    ),
    "en": ("Mon 14 Dec, 14:00–15:00", "Thu 10 Dec 2026, 14:00", "Lena comes on Mon 14 Dec, 14:00"),
}


def _confirmed_booking(language: str) -> Booking:
    customer = UserFactory(preferred_language=language)
    booking: Booking = BookingFactory.create(
        customer=customer,
        status="confirmed",
        starts_at=MONDAY,
        ends_at=MONDAY + timedelta(hours=1),
        created_at=THURSDAY,
    )
    assert booking.helper is not None
    booking.helper.user.first_name = "Lena"
    booking.helper.user.save()
    return booking


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_booking_detail_page_dates_in_each_language(client, language: str) -> None:
    booking = _confirmed_booking(language)
    client.force_login(booking.customer)
    response = client.get(reverse("bookings:detail", args=[booking.reference]))
    assert response.status_code == 200
    body = response.content.decode()
    visit, booked, sentence = PAGE[language]
    assert visit in body
    assert booked in body
    assert sentence in body


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_status_sentence_date_in_each_language(language: str) -> None:
    booking = _confirmed_booking(language)
    with translation.override(language):
        assert PAGE[language][2] in live_sentence(booking, now=THURSDAY)


EMAIL = {
    "de": ("Do., 10. Dez. 2026, 14:00", "Mo., 14. Dez. 2026, 14:00", "Mo., 14. Dez., 14:00"),
    "fr": ("jeu. 10 déc. 2026, 14:00", "lun. 14 déc. 2026, 14:00", "lun. 14 déc., 14:00"),
    "it": ("gio 10 dic 2026, 14:00", "lun 14 dic 2026, 14:00", "lun 14 dic, 14:00"),
    "en": ("Thu 10 Dec 2026, 14:00", "Mon 14 Dec 2026, 14:00", "Mon 14 Dec, 14:00"),
}
SERVICE = {"de": "WLAN", "fr": "Wi-Fi", "it": "Wi-Fi", "en": "Wi-Fi"}


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_email_dates_speak_the_recipients_language(language: str) -> None:
    recipient = UserFactory(preferred_language=language)
    moved = NotificationFactory(
        recipient=recipient,
        kind=Notification.Kind.BOOKING_RESCHEDULED,
        context={
            "reference": "M-1",
            "url": "/bookings/M-1/",
            "service": SERVICE,
            "previous_starts_at": THURSDAY.isoformat(),
            "starts_at": MONDAY.isoformat(),
        },
    )
    before, after, _short = EMAIL[language]
    with translation.override("de" if language != "de" else "en"):  # whatever the sender's
        message = render_notification_email(moved)
    assert before in message.body and after in message.body
    assert after in message.alternatives[0][0]


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_reminder_subject_and_inbox_dates(client, language: str) -> None:
    recipient = UserFactory(preferred_language=language)
    reminder = NotificationFactory(
        recipient=recipient,
        kind=Notification.Kind.BOOKING_REMINDER,
        context={
            "reference": "M-1",
            "url": "/bookings/M-1/",
            "service": SERVICE,
            "audience": "customer",
            "before": "24h",
            "starts_at": MONDAY.isoformat(),
        },
    )
    short = EMAIL[language][2]
    assert short in render_notification_email(reminder).subject
    client.force_login(recipient)
    assert short in client.get(reverse("notifications:inbox")).content.decode()


# --- No hand-written date formats -----------------------------------------------------------------

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Formats for machines (a <time datetime="…"> attribute, comparing two instants) and the
# copyright year: the same in every language.
MACHINE_DATE_FORMATS = {"c", "Y-m-d", "Y"}
# The 24-hour clock reads the same in all four languages.
TIME_FORMATS = {"H:i"}
ARGUMENT = re.compile(r"""\|(date|time|when):(["'])(.*?)\2""")
NOW = re.compile(r"""{%\s*now\s+(["'])(.*?)\1""")


def _template_formats() -> list[tuple[str, str, str]]:
    found = []
    for path in sorted(TEMPLATES.rglob("*")):
        if path.is_file() and path.suffix in {".html", ".txt"}:
            text = path.read_text()
            for filter_name, _quote, argument in ARGUMENT.findall(text):
                found.append((str(path.relative_to(TEMPLATES)), filter_name, argument))
            for _quote, argument in NOW.findall(text):
                found.append((str(path.relative_to(TEMPLATES)), "date", argument))
    return found


def test_templates_use_named_date_formats_only() -> None:
    """A date a person reads is written ``|when:"WEEKDAY_DATE"`` (mila/formats): a format
    spelled out in a template (``|date:"D, j. M Y"``) looks German in every language."""
    found = _template_formats()
    assert any(name == "when" for _path, name, _arg in found)  # the scan sees the templates
    wrong = [
        (path, f"|{name}:{argument!r}")
        for path, name, argument in found
        if (name == "date" and argument not in MACHINE_DATE_FORMATS)
        or (name == "time" and argument not in TIME_FORMATS)
        or (name == "when" and argument not in NAMES)
    ]
    assert wrong == []


def test_templates_use_no_date_filter_without_a_format() -> None:
    """``|date`` alone is Django's DATE_FORMAT: fine, but say which named one is meant."""
    bare = re.compile(r"\|(date|time)(?![:\w])")
    wrong = [
        str(path.relative_to(TEMPLATES))
        for path in sorted(TEMPLATES.rglob("*"))
        if path.is_file() and path.suffix in {".html", ".txt"} and bare.search(path.read_text())
    ]
    assert wrong == []


APPS = ["bookings", "customers", "helpers", "notifications", "payments", "reviews", "mila"]
# Formatting a date with date parts in Python: Django's format characters or strftime's.
PYTHON_DATE_FORMAT = re.compile(
    r"""(date_format|dateformat\.format|time_format)\([^)]*["'][^"']*[DjMFNlYdmbn][^"']*["']"""
    r"""|strftime\(["'][^"']*%[aAbBdejmyY]"""
)
# Staff-only, not yet on the named formats (a separate change in the admin).
PYTHON_NOT_YET: set[str] = set()


def test_python_uses_named_date_formats_only() -> None:
    base = Path(settings.BASE_DIR)
    wrong = []
    for app in APPS:
        for path in sorted((base / app).rglob("*.py")):
            relative = str(path.relative_to(base))
            if "migrations" in path.parts or relative in PYTHON_NOT_YET:
                continue
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if PYTHON_DATE_FORMAT.search(line):
                    wrong.append(f"{relative}:{number}: {line.strip()}")
    assert wrong == []
