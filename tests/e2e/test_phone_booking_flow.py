"""Staff book for a caller in the admin, in Chromium: fills the one page, reads
the price out, presses "Book a Friend"; the booking is searching and the caller's account
waits for a password."""

from datetime import time, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, expect

from bookings.models import Booking
from helpers.models import HelperProfile
from tests.factories import (
    AvailabilityWindowFactory,
    HelperProfileFactory,
    ServiceFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_support_books_for_a_caller_and_reads_out_the_price(
    browser: Browser, browser_context_args: dict, live_server: Any, artifacts: Path
) -> None:
    service = ServiceFactory(name_en="Set up Wi-Fi")
    helper = HelperProfileFactory(
        tier=HelperProfile.Tier.PRO, radius_km=50, skills=[service.category]
    )
    for weekday in range(7):
        AvailabilityWindowFactory(helper=helper, weekday=weekday, starts=time(7), ends=time(21))
    # A superuser: this test's database is flushed between tests, which drops the roles the
    # migrations made (the Support role's access is tested in tests/staff/test_phone_booking.py).
    support = UserFactory(is_staff=True, is_superuser=True, preferred_language="en")
    client = Client()
    client.force_login(support)
    desktop = {**browser_context_args, "viewport": {"width": 1280, "height": 900},
               "is_mobile": False, "has_touch": False, "locale": "en-GB"}  # fmt: skip
    context = browser.new_context(**desktop)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                          "url": live_server.url}])  # fmt: skip
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    try:
        page.goto(live_server.url + reverse("admin:bookings_booking_changelist"))
        page.get_by_role("link", name="Book for a caller").click()
        page.get_by_label("Caller's e-mail address").fill("rosa@example.ch")
        page.get_by_label("First name").fill("Rosa")
        page.get_by_label("Service").select_option(label="Set up Wi-Fi")
        page.get_by_label("The problem, in the caller's words").fill(
            "The printer no longer prints from the laptop."
        )
        page.get_by_label("At a chosen time").check()
        day = timezone.localdate() + timedelta(days=2)
        page.get_by_label("Date").fill(day.isoformat())
        page.get_by_label("Start time").select_option("14:00")
        page.get_by_label("Street and number").fill("Bahnhofstrasse 1")
        page.get_by_label("Postcode").fill("8001")
        page.get_by_label("Phone number for the helper").fill("079 123 45 67")
        page.get_by_role("button", name="Show the price").click()
        expect(
            page.get_by_role("heading", name="Please read this out to the caller")
        ).to_be_visible()
        page.screenshot(path=str(artifacts / "phone-booking-quote.png"), full_page=True)
        page.get_by_role("button", name="Book a Friend").click()
        expect(page.locator(".messagelist")).to_contain_text("We opened an account for")
    finally:
        context.close()
    booking = Booking.objects.get()
    assert (booking.customer.email, booking.status) == ("rosa@example.ch", "searching")
    assert not booking.customer.has_usable_password()
    assert problems == []
