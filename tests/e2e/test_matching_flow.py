"""The core loop in two browsers: a customer books for tomorrow at 10:00, a helper nearby
sees the offer on their phone, accepts it inline, and the customer sees who is coming."""

from datetime import time, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from bookings.models import Booking, Service
from tests.factories import AvailabilityWindowFactory, HelperProfileFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("catalogue"),
]


def _logged_in(browser: Browser, live_server: Any, user: Any, **context: Any) -> Page:
    """A browser context already logged in as ``user`` (a session made by the test client)."""
    client = Client()
    client.force_login(user)
    browser_context = browser.new_context(**context)
    browser_context.add_cookies([{
        "name": "sessionid", "value": client.cookies["sessionid"].value,
        "url": live_server.url,
    }])  # fmt: skip
    return browser_context.new_page()


def test_a_booking_reaches_a_helper_who_accepts_it(
    browser: Browser, browser_context_args: dict, live_server: Any, artifacts: Path
) -> None:
    wifi = Service.objects.get(slug="wifi-setup")
    lena_user = UserFactory(first_name="Lena", preferred_language="de")
    helper = HelperProfileFactory(
        user=lena_user, skills=[wifi.category], lat=47.38, lng=8.54, radius_km=10
    )
    for weekday in range(7):
        AvailabilityWindowFactory(helper=helper, weekday=weekday, starts=time(7), ends=time(21))
    customer = UserFactory(first_name="Anna", preferred_language="de")
    tomorrow = timezone.localdate() + timedelta(days=1)

    # The customer books Wi-Fi help for tomorrow at 10:00.
    anna = _logged_in(browser, live_server, customer, **browser_context_args)
    anna.goto(live_server.url + "/book/start/wifi-setup/")
    anna.locator("textarea[name=problem]").fill("Das WLAN im Wohnzimmer fällt ständig aus.")
    anna.locator("main form button[type=submit]").last.click()
    anna.locator("input[name=street]").fill("Bahnhofstrasse 1")
    anna.locator("input[name=postcode]").fill("8001")
    anna.locator("input[name=phone]").fill("079 123 45 67")
    anna.locator("main form button[type=submit]").last.click()
    anna.locator("input[name=timing][value=scheduled]").check()
    anna.locator("input[name=date]").fill(tomorrow.isoformat())
    anna.locator("select[name=time]").select_option("10:00")
    anna.locator("main form button[type=submit]").last.click()
    anna.locator("main form button[name=tier][value=friend]").click()  # book a Friend
    booking = Booking.objects.get(customer=customer)
    assert booking.status == Booking.Status.SEARCHING

    # The helper sees the offer (no street yet) and accepts it on the card.
    lena = _logged_in(browser, live_server, helper.user, **browser_context_args)
    lena.goto(live_server.url + "/helper/")
    card = lena.locator(f"#offer-{booking.reference}")
    expect(card).to_contain_text("8001 Zürich")
    expect(card).not_to_contain_text("Bahnhofstrasse")
    lena.screenshot(path=str(artifacts / "matching-offer.png"), full_page=True)
    card.locator("form[action$='/accept/'] button").click()  # htmx: no page load
    job = lena.locator(f"#job-{booking.reference}")
    expect(job).to_contain_text("Bahnhofstrasse 1")
    expect(job).to_contain_text("Anna")
    expect(lena.locator(f"#offer-{booking.reference}")).to_have_count(0)
    lena.screenshot(path=str(artifacts / "matching-job.png"), full_page=True)

    # The customer sees who is coming.
    anna.goto(live_server.url + f"/bookings/{booking.reference}/")
    expect(anna.locator("main")).to_contain_text("Lena")
    booking.refresh_from_db()
    assert (booking.status, booking.helper) == (Booking.Status.CONFIRMED, helper)
    for person in (anna, lena):  # stop the dashboard's polling before the database goes
        person.context.close()
