"""A whole visit in two browsers: a customer books Wi-Fi help for a little later today, a
helper nearby accepts it, sets off with an arrival time, says the door code the customer sees
on their booking page, starts the visit, completes it with 30 minutes of extra time and a
report, and the customer reads the report and the final price."""

import re
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Response, expect

from bookings.models import Booking, Service
from bookings.policy import BookingPolicy, asap_available, start_problem
from bookings.services.visit import completion_quote
from mila.lib.money import format_chf
from tests.factories import AvailabilityWindowFactory, HelperProfileFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("catalogue"),
]

REPORT = "Router in den Flur gestellt, neues WLAN-Passwort gesetzt und beide Handys verbunden."
DEVICES = "Router Swisscom Internet-Box 3\nSamsung Galaxy A52"


class Walk:
    """The browser contexts of the test (closed at the end, so no page keeps polling a
    database that is gone) and what went wrong in them: console errors, page errors, 5xx."""

    def __init__(self, browser: Browser, live_server: Any, context_args: dict) -> None:
        self.browser, self.live_server, self.context_args = browser, live_server, context_args
        self.contexts: list[BrowserContext] = []
        self.problems: list[str] = []

    def logged_in(self, user: Any) -> Page:
        """A page already logged in as ``user`` (a session made by the test client)."""
        client = Client()
        client.force_login(user)
        context = self.browser.new_context(**self.context_args)
        self.contexts.append(context)
        context.add_cookies([{
            "name": "sessionid", "value": client.cookies["sessionid"].value,
            "url": self.live_server.url,
        }])  # fmt: skip
        page = context.new_page()
        name = user.first_name
        page.on("console", lambda message: self._console(name, message))
        page.on("pageerror", lambda error: self.problems.append(f"{name}: page error {error}"))
        page.on("response", lambda response: self._response(name, response))
        return page

    def _console(self, name: str, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.problems.append(f"{name}: console error {message.text} ({message.location})")

    def _response(self, name: str, response: Response) -> None:
        if response.status >= 500:
            self.problems.append(
                f"{name}: {response.status} {response.request.method} {response.url}"
            )

    def close(self) -> None:
        while self.contexts:
            self.contexts.pop().close()


@pytest.fixture
def walk(browser: Browser, browser_context_args: dict, live_server: Any) -> Iterator[Walk]:
    walk = Walk(browser, live_server, browser_context_args)
    yield walk
    walk.close()


def _visit_start(now: datetime) -> datetime | None:
    """The first bookable half hour that is also late enough to book and early enough to set
    off for at once: between 2 h (the booking lead) and 3 h ("On my way" lead) from now.
    None if that falls outside the opening hours (then only "as soon as possible" may do)."""
    policy = BookingPolicy.from_settings()
    tz = ZoneInfo(settings.TIME_ZONE)
    earliest = (now + policy.min_lead + timedelta(minutes=5)).astimezone(tz)
    start = earliest.replace(minute=0, second=0, microsecond=0)
    while start < earliest:
        start += timedelta(minutes=policy.slot_minutes)
    if start - now > policy.en_route_lead - timedelta(minutes=5):
        return None
    wifi_setup_minutes = 60  # the service _book books (bookings/catalogue.py)
    if start_problem(start, duration_minutes=wifi_setup_minutes, now=now, tz=tz, policy=policy):
        return None
    return start


def _book(page: Page, url: str, starts_at: datetime | None) -> None:
    """The wizard: service → problem → address → time → quote → confirm."""
    page.goto(url + "/book/start/wifi-setup/")
    page.locator("textarea[name=problem]").fill("Das WLAN im Wohnzimmer fällt ständig aus.")
    page.locator("main form button[type=submit]").last.click()
    page.locator("input[name=street]").fill("Bahnhofstrasse 1")
    page.locator("input[name=postcode]").fill("8001")
    page.locator("input[name=phone]").fill("079 123 45 67")
    page.locator("main form button[type=submit]").last.click()
    if starts_at is None:
        page.locator("input[name=timing][value=asap]").check()
    else:
        page.locator("input[name=timing][value=scheduled]").check()
        page.locator("input[name=date]").fill(starts_at.date().isoformat())
        page.locator("select[name=time]").select_option(f"{starts_at:%H:%M}")
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator("main")).to_contain_text("CHF")  # the quote
    page.locator("main form button[name=tier][value=friend]").click()  # book a Friend
    expect(page).to_have_url(re.compile(r"/bookings/[^/]+/$"))  # the new booking's page


def test_a_whole_visit_from_booking_to_report(
    walk: Walk, live_server: Any, artifacts: Path
) -> None:
    now = timezone.now()
    starts_at = _visit_start(now)
    tz = ZoneInfo(settings.TIME_ZONE)
    policy = BookingPolicy.from_settings()
    late = starts_at is None and not asap_available(now, tz=tz, policy=policy)
    if late:
        # Too late in the day to book a visit a helper may set off for at once: book tomorrow
        # morning, and once the helper has accepted, let the day come (the start moves to
        # half an hour from now, as if the clock had run on).
        tomorrow = (timezone.localtime(now, tz) + timedelta(days=1)).date()
        starts_at = datetime.combine(tomorrow, time(10), tzinfo=tz)
    wifi = Service.objects.get(slug="wifi-setup")
    helper = HelperProfileFactory(
        user=UserFactory(first_name="Lena", preferred_language="de"),
        skills=[wifi.category], lat=47.38, lng=8.54, radius_km=10,
    )  # fmt: skip
    for weekday in range(7):
        AvailabilityWindowFactory(helper=helper, weekday=weekday, starts=time(6), ends=time(23))
    customer = UserFactory(first_name="Anna", preferred_language="de")
    url = live_server.url

    # 1. The customer books.
    anna = walk.logged_in(customer)
    _book(anna, url, starts_at)
    booking = Booking.objects.get(customer=customer)
    assert booking.status == Booking.Status.SEARCHING
    reference = booking.reference

    # 2. The helper, on their own phone, accepts the offer on /helper/.
    lena = walk.logged_in(helper.user)
    lena.goto(url + "/helper/")
    lena.locator(f"#offer-{reference} form[action$='/accept/'] button").click()  # htmx
    job_card = lena.locator(f"#job-{reference}")
    expect(job_card).to_contain_text("Bahnhofstrasse 1")
    if late:
        soon = timezone.now() + timedelta(minutes=30)
        Booking.objects.filter(pk=booking.pk).update(
            starts_at=soon, ends_at=soon + (booking.ends_at - booking.starts_at)
        )

    # 3. They open the job and set off, arriving in about 20 minutes.
    job_card.locator(f".button-row a[href$='/helper/jobs/{reference}/']").click()
    expect(lena).to_have_url(f"{url}/helper/jobs/{reference}/")
    en_route = lena.locator("form[action$='/on-my-way/']")
    en_route.locator("input[name=eta_minutes]").fill("20")
    en_route.locator("button[type=submit]").click()  # htmx: the job is swapped in place

    # 4. The code the helper says at the door is the one the customer sees.
    door_code = lena.locator("#job [data-door-code]")
    expect(door_code).to_be_visible()
    code = door_code.inner_text().strip()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.EN_ROUTE
    assert code and code == booking.visit_code, (code, booking.visit_code)
    anna.goto(url + f"/bookings/{reference}/")  # instead of waiting for the 15 s poll
    expect(anna.locator("[data-door-code]")).to_have_text(code)
    expect(anna.locator("main")).to_contain_text("Lena")
    lena.screenshot(path=str(artifacts / "visit-door-code-helper.png"), full_page=True)
    anna.screenshot(path=str(artifacts / "visit-door-code-customer.png"), full_page=True)

    # 5. Let in, the helper starts the visit, then completes it: 90 minutes and a report.
    start = lena.locator("form[action$='/start/']")
    start.locator("input[name=door_checked]").check()
    start.locator("button[type=submit]").click()
    complete = lena.locator("form[action$='/complete/']")
    expect(complete).to_be_visible()
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.IN_PROGRESS
    expect(lena.locator("#job [data-door-code]")).to_have_count(0)
    final = completion_quote(booking, 90)
    assert final.extra_time > 0
    with translation.override("de"):
        extra, total = format_chf(final.extra_time), format_chf(final.total)
    option = complete.locator("select[name=worked_minutes] option[value='90']")
    expect(option).to_contain_text(extra)
    expect(option).to_contain_text(total)
    complete.locator("select[name=worked_minutes]").select_option("90")
    complete.locator("textarea[name=work_done]").fill(REPORT)
    complete.locator("textarea[name=devices]").fill(DEVICES)
    # The long duration choices must not make the page wider than the phone.
    assert lena.evaluate("document.documentElement.scrollWidth") <= 390
    complete.locator("button[type=submit]").click()
    expect(lena.locator("#job .visit-report")).to_contain_text(REPORT)
    booking.refresh_from_db()
    assert (booking.status, booking.worked_minutes) == (Booking.Status.COMPLETED, 90)
    assert (booking.price_extra, booking.price_total) == (final.extra_time, final.total)
    lena.screenshot(path=str(artifacts / "visit-completed-helper.png"), full_page=True)

    # 6. The customer reads the report and the final price with the extra time.
    anna.reload()
    report = anna.locator(".visit-report-card")
    expect(report).to_contain_text(REPORT)
    expect(report).to_contain_text("Samsung Galaxy A52")
    expect(anna.locator("[data-door-code]")).to_have_count(0)
    prices = anna.locator(".price-table")
    expect(prices.locator(".price-line")).to_have_count(4 if booking.price_surcharge else 3)
    expect(prices.locator(".price-line").filter(has_text=extra)).to_have_count(1)
    expect(prices.locator(".price-total")).to_contain_text(total)
    anna.screenshot(path=str(artifacts / "visit-completed-customer.png"), full_page=True)

    walk.close()  # stop the pages' polling before looking at what they logged
    assert not walk.problems, "\n".join(walk.problems)
