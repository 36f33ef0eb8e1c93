"""A new visitor's whole first booking, in French and in German, in a phone's browser: home →
catalogue → service → wizard → sign-up → e-mail confirmation → confirm → my bookings.

On every page: no console errors (the Content-Security-Policy holds, htmx needs no inline
style), no English on the page beyond brand words, dates in the locale's own format; in the
outbox: subjects as plain text (an apostrophe in a name or a service stays an apostrophe)."""

import re
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone, translation
from playwright.sync_api import Browser, ConsoleMessage, expect

from bookings.models import Booking, ServiceCategory
from mila.formats import format_when
from tests.factories import AvailabilityWindowFactory, HelperProfileFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("catalogue"),
]

# Words that are English only (not also German or French words), as a page would show them.
ENGLISH = {
    "the", "and", "your", "you", "please", "book", "booking", "bookings", "now", "with",
    "sign", "email", "password", "continue", "back", "next", "step", "when", "where", "help",
    "log", "my", "cancel", "change", "confirm", "price", "from", "of", "is", "are", "what",
    "who", "how", "this", "that", "for", "search", "filter", "add", "save", "delete", "remove",
    "run", "choose", "all", "remember", "verify", "address", "here", "there", "about", "our",
    "us", "we", "week", "day", "today", "tomorrow", "soon", "time", "phone",
    "street", "postcode", "town", "describe", "should", "come", "helper", "helpers",
    "account", "create", "login", "logout", "submit", "send", "thank", "thanks", "hours",
    "hour", "surcharge", "invoice", "after", "before", "visit",
}  # fmt: skip
BRAND = {"friend", "friends", "pro", "pros", "mila", "twint", "e-banking", "wi-fi", "wlan"}
WHO = {"fr": "Sinéad O'Brien", "de": "Jean-Luc D'Amico"}


class Visitor:
    """One phone, in one language; what went wrong on it."""

    def __init__(self, browser: Browser, context_args: dict, language: str) -> None:
        locale = {"fr": "fr-CH", "de": "de-CH"}[language]
        self.context = browser.new_context(**{**context_args, "locale": locale})
        self.page = self.context.new_page()
        self.language = language
        self.problems: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"page error {error}"))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type in ("error", "warning") and "favicon" not in message.text:
            self.problems.append(f"console {message.type}: {message.text} {message.location}")

    def look(self, what: str) -> str:
        """The page's visible text, after checking it has no English words in it."""
        text = self.page.locator("body").inner_text()
        # Whole words only: "US" inside a booking reference such as "US4K-7XQP" is no word.
        words = {w.lower() for w in re.findall(r"\b[^\W\d_]+(?:['-][^\W\d_]+)*\b", text)}
        english = sorted(words & ENGLISH - BRAND)
        if english:
            self.problems.append(f"English on the {self.language} page {what}: {english}")
        return text


@pytest.fixture
def helper_nearby() -> Any:
    """Someone in Zürich for every kind of job, every day 07:00–21:00."""
    helper = HelperProfileFactory(skills=list(ServiceCategory.objects.all()))
    for weekday in range(7):
        AvailabilityWindowFactory(helper=helper, weekday=weekday, starts=time(7), ends=time(21))
    return helper


@pytest.fixture
def visitors(browser: Browser, browser_context_args: dict) -> Iterator[list[Visitor]]:
    made: list[Visitor] = []
    yield made
    for visitor in made:
        visitor.context.close()


def _confirmation_link(url: str, email: str) -> str:
    message = next(m for m in reversed(mail.outbox) if m.to == [email])
    path = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", message.body)
    assert path, message.body
    return url + path.group(1)


@pytest.mark.parametrize("language", ["fr", "de"])
def test_first_booking_in_french_and_german(
    language: str, live_server: Any, browser: Browser, browser_context_args: dict,
    visitors: list[Visitor], helper_nearby: Any, artifacts: Path,
) -> None:  # fmt: skip
    visitor = Visitor(browser, browser_context_args, language)
    visitors.append(visitor)
    page, url = visitor.page, live_server.url
    email = f"walk-{language}@example.ch"
    tz = ZoneInfo(settings.TIME_ZONE)
    day = timezone.localdate() + timedelta(days=3)
    starts_at = datetime.combine(day, time(10), tzinfo=tz)

    page.goto(url + "/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    visitor.look("home")
    page.locator("main a[href='/services/']").first.click()
    visitor.look("catalogue")
    page.locator("main a[href='/services/printer-setup/']").first.click()
    visitor.look("service")
    page.locator("main a[href='/book/start/printer-setup/']").first.click()

    page.locator("textarea[name=problem]").fill("Le nouveau Canon n'imprime rien & clignote.")
    visitor.look("problem step")
    page.locator("main form button[type=submit]").last.click()
    # Typing before htmx has loaded would not look the postcode up (the server still fills
    # the town on Continue); a person cannot type that fast, so the test waits as they do.
    expect(page).to_have_url(re.compile(r"/book/address/$"))
    page.wait_for_load_state("load")
    page.locator("input[name=street]").fill("Bahnhofstrasse 1")
    page.locator("input[name=postcode]").fill("8001")
    expect(page.locator("input[name=city]")).to_have_value("Zürich")  # filled from the postcode
    page.locator("input[name=phone]").fill("079 123 45 67")
    visitor.look("address step")
    page.locator("main form button[type=submit]").last.click()
    page.locator("input[name=timing][value=scheduled]").check()
    page.locator("input[name=date]").fill(day.isoformat())
    page.locator("select[name=time]").select_option("10:00")
    visitor.look("time step")
    page.locator("main form button[type=submit]").last.click()

    expect(page).to_have_url(re.compile(r"/book/quote/$"))
    with translation.override(language):
        when = format_when(starts_at, "WEEKDAY_DATETIME")  # "jeu. 10 déc. 2026, 10:00"
        when_short = format_when(starts_at, "WEEKDAY_DATETIME_NO_YEAR")
    quote = visitor.look("quote")
    assert when in quote, (when, quote)
    page.locator("main a[href^='/accounts/signup/']").first.click()
    page.locator("input[name=first_name]").fill(WHO[language])
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password1]").fill("Ein-sicheres-Passwort-42")
    page.locator("input[name=password2]").fill("Ein-sicheres-Passwort-42")
    visitor.look("sign-up")
    page.locator("main form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    visitor.look("check your inbox")

    page.goto(_confirmation_link(url, email))
    visitor.look("confirm e-mail")
    page.locator("main form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/book/quote/$"))
    page.locator("main form button[name=tier][value=friend]").click()
    expect(page).to_have_url(re.compile(r"/bookings/[^/]+/$"))
    detail = visitor.look("booking")
    assert when_short in detail, (when_short, detail)
    booking = Booking.objects.get(customer__email=email)
    assert booking.service.slug == "printer-setup" and booking.status == Booking.Status.SEARCHING

    page.goto(url + "/bookings/")
    mine = visitor.look("my bookings")
    assert booking.reference in mine
    page.screenshot(path=str(artifacts / f"check-walk-{language}.png"), full_page=True)

    subjects = [message.subject for message in mail.outbox if email in message.to]
    assert len(subjects) >= 2, subjects  # the confirmation and the booking
    escaped = [s for s in subjects if "&#x27;" in s or "&amp;" in s or "&quot;" in s]
    assert not escaped, escaped
    assert any("'" in s for s in subjects), subjects  # the name or the service, as typed
    assert not visitor.problems, "\n".join(visitor.problems)
