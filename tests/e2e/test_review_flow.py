"""A customer whose visit was just completed rates it in the browser: five stars (a real
radio group, chosen with the keyboard) and a comment; the helper's public profile then shows
the new average, the count and the comment."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, expect

from bookings.services.visit import VisitReportInput, visit_complete
from reviews.services import review_create
from tests.factories import BookingFactory, HelperProfileFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _completed(helper: Any, customer: Any) -> Any:
    start = timezone.now() - timedelta(hours=2)
    booking = BookingFactory(status="in_progress", helper=helper, customer=customer,
                             starts_at=start, ends_at=start + timedelta(hours=1))  # fmt: skip
    report = VisitReportInput("Router neu gestartet und eingerichtet.")
    return visit_complete(booking=booking, user=helper.user, worked_minutes=60, report=report)


def test_a_customer_rates_five_stars_and_the_profile_shows_the_new_average(
    browser: Browser, browser_context_args: dict, live_server: Any, settings: Any
) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    helper = HelperProfileFactory(user=UserFactory(first_name="Lena", preferred_language="en"))
    earlier = _completed(helper, UserFactory(preferred_language="en"))
    review_create(booking=earlier, user=earlier.customer, stars=3, comment="Okay.")
    customer = UserFactory(first_name="Anna", last_name="Muster", preferred_language="en")
    booking = _completed(helper, customer)

    client = Client()
    client.force_login(customer)
    context = browser.new_context(**browser_context_args)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                          "url": live_server.url}])  # fmt: skip
    problems: list[str] = []
    page = context.new_page()
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    try:
        page.goto(live_server.url + reverse("bookings:detail", args=[booking.reference]))
        expect(page.get_by_role("heading", name="How was your visit with Lena?")).to_be_visible()
        group = page.get_by_role("group", name="Your rating")
        group.get_by_role("radio", name="1 star", exact=True).focus()
        for _ in range(4):
            page.keyboard.press("ArrowRight")  # the keyboard moves along the radio group
        expect(group.get_by_role("radio", name="5 stars")).to_be_checked()
        page.get_by_label("What went well").fill("Sehr geduldig, alles <b>super</b> erklärt.")
        page.get_by_role("button", name="Send my rating").click()
        expect(page.locator("#review")).to_contain_text("Your review")
        expect(page.locator("#review")).to_contain_text("5 stars out of 5")

        page.goto(live_server.url + reverse("helpers:public", args=[helper.public_id]))
        expect(page.locator(".rating-summary")).to_contain_text("4.0")
        expect(page.locator(".rating-summary")).to_contain_text("of 5 stars from 2 ratings")
        expect(page.locator(".review-list")).to_contain_text("Sehr geduldig, alles <b>super</b>")
        expect(page.locator(".review-list")).to_contain_text("Anna M.")
    finally:
        context.close()
    assert problems == []
