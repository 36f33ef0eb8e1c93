"""A new visitor books Wi-Fi help on a phone, in German, signing up at the last step."""

import re
from pathlib import Path

import pytest
from django.core import mail
from django.utils import translation
from playwright.sync_api import Page, expect

from bookings.models import Booking, Service
from customers.models import User
from tests.factories import HelperProfileFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("catalogue"),
]


def _confirmation_link(live_server_url: str) -> str:
    message = next(m for m in reversed(mail.outbox) if m.to == ["vreni@example.ch"])
    path = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", message.body)
    assert path, message.body
    return live_server_url + path.group(1)


def test_new_visitor_books_wifi_setup_asap(
    page: Page, live_server, artifacts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "As soon as possible" is offered 07:00–20:00; the test must not depend on the clock.
    monkeypatch.setattr("bookings.forms.asap_available", lambda *args, **kwargs: True)
    monkeypatch.setattr("bookings.services.creation.asap_available", lambda *a, **k: True)
    # Someone in Zürich does Wi-Fi jobs, so the address is one we serve.
    HelperProfileFactory(skills=[Service.objects.get(slug="wifi-setup").category])
    url = live_server.url

    page.goto(url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    page.locator("main a[href='/services/']").first.click()
    page.get_by_role("link", name="WLAN einrichten").first.click()
    page.locator("main a[href='/book/start/wifi-setup/']").first.click()

    page.locator("textarea[name=problem]").fill("Das WLAN im Schlafzimmer bricht immer wieder ab.")
    page.locator("main form button[type=submit]").last.click()

    page.locator("input[name=street]").fill("Bahnhofstrasse 1")
    page.locator("input[name=postcode]").fill("8001")
    page.locator("input[name=phone]").fill("079 123 45 67")
    page.locator("main form button[type=submit]").last.click()

    page.locator("input[name=timing][value=asap]").check()
    page.locator("main form button[type=submit]").last.click()

    # The quote shows the price before anything is booked; a visitor must sign up first.
    expect(page.locator("main")).to_contain_text("CHF")
    assert Booking.objects.count() == 0
    page.locator("main a[href^='/accounts/signup/']").first.click()
    page.locator("input[name=first_name]").fill("Vreni")
    page.locator("input[name=email]").fill("vreni@example.ch")
    page.locator("input[name=password1]").fill("Ein-sicheres-Passwort-42")
    page.locator("input[name=password2]").fill("Ein-sicheres-Passwort-42")
    page.locator("main form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))

    page.goto(_confirmation_link(url))
    page.locator("main form button[type=submit]").last.click()
    # Verified and logged in, back at the quote with everything still filled in.
    expect(page).to_have_url(re.compile(r"/book/quote/$"))
    page.locator("main form button[name=tier][value=friend]").click()  # book a Friend

    booking = Booking.objects.get()
    assert booking.customer == User.objects.get(email="vreni@example.ch")
    # The search started (the helper has no weekly times, so it may end at once).
    assert booking.events.filter(to_status=Booking.Status.SEARCHING).exists()
    assert (booking.postcode, booking.city, booking.service.slug) == (
        "8001",
        "Zürich",
        "wifi-setup",
    )

    page.goto(url + "/bookings/")
    booking.refresh_from_db()
    with translation.override("de"):
        status = str(Booking.Status(booking.status).label)
    expect(page.locator("main")).to_contain_text(status)
    expect(page.locator("main")).to_contain_text("WLAN einrichten")
    page.screenshot(path=str(artifacts / "booking-flow-my-bookings.png"), full_page=True)
