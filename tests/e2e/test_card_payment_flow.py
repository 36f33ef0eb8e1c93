"""A customer pays by card on the card page, in Chromium, against localstripe: a good card
reserves the amount and the search starts; a declined card shows the bank's words and the
booking keeps waiting; a visit far ahead saves the card instead.

Stripe.js cannot be loaded here (no internet): the page gets tests/e2e/fake_stripe.js in its
place, and what that script sends to Stripe's API is answered from localstripe."""

import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, Route, expect

from bookings.models import Booking, ServiceCategory
from helpers.models import HelperProfile
from payments.models import Payment
from tests.bookings.quote_form import confirm_data, fill_wizard
from tests.factories import AvailabilityWindowFactory, HelperProfileFactory, UserFactory

# localstripe and stripe_on are the payment tests' fixtures, used here too.
from tests.payments.conftest import TEST_SECRET_KEY, localstripe, stripe_on  # noqa: F401
from tests.payments.test_card import DECLINED, VISA

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("catalogue", "stripe_on"),
]

FAKE_STRIPE_JS = Path(__file__).with_name("fake_stripe.js")
STRIPE_API = "https://api.stripe.com"
CONFIRM = re.compile(re.escape(STRIPE_API) + r"/v1/(payment_intents|setup_intents)/(\w+)/confirm")
CARD_FIELDS = ("number", "exp_month", "exp_year", "cvc")


class StripeApi:
    """Stripe's API as the card page's script sees it, answered from localstripe.

    localstripe does not let the publishable key confirm a PaymentIntent, nor take the card
    in the same call. So this checks the key and the client secret as Stripe would, then
    makes the card, sets it on the intent and confirms it with the secret key."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self.confirmed: list[str] = []  # the intents the page confirmed (or tried to)

    def call(self, path: str, params: dict[str, str] | None = None) -> tuple[int, Any]:
        data = None if params is None else urlencode(params).encode()
        request = urllib.request.Request(
            self.base + path, data=data, headers={"Authorization": f"Bearer {TEST_SECRET_KEY}"}
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as error:
            return error.code, json.load(error)

    def confirm(self, kind: str, intent_id: str, form: dict[str, str]) -> tuple[int, Any]:
        status, intent = self.call(f"/v1/{kind}/{intent_id}")
        if (
            status != 200
            or form.get("key") != settings.STRIPE_PUBLISHABLE_KEY
            or form.get("client_secret") != intent["client_secret"]
        ):
            return 401, {"error": {"type": "invalid_request_error", "message": "Unauthorized"}}
        card = {f"card[{name}]": form[f"payment_method_data[card][{name}]"] for name in CARD_FIELDS}
        status, method = self.call("/v1/payment_methods", {"type": "card", **card})
        if status != 200:
            return status, method
        self.confirmed.append(intent_id)
        if kind == "setup_intents":
            return self.call(
                f"/v1/setup_intents/{intent_id}/confirm", {"payment_method": method["id"]}
            )
        status, intent = self.call(
            f"/v1/payment_intents/{intent_id}", {"payment_method": method["id"]}
        )
        if status != 200:
            return status, intent
        return self.call(f"/v1/payment_intents/{intent_id}/confirm", {})

    def handle(self, route: Route) -> None:
        request = route.request
        match = CONFIRM.fullmatch(request.url)
        if request.method == "POST" and match:
            form = dict(parse_qsl(request.post_data or ""))
            status, body = self.confirm(match[1], match[2], form)
        else:
            status, body = 404, {"error": {"message": f"not in the fake: {request.url}"}}
        # The page's own origin may read the answer, as with Stripe.
        origin = request.headers.get("origin", "*")
        route.fulfill(status=status, json=body, headers={"Access-Control-Allow-Origin": origin})


@pytest.fixture
def customer(catalogue: None) -> Any:
    """A customer in Zürich, where a helper works every day from 7 to 21."""
    helper = HelperProfileFactory(tier=HelperProfile.Tier.PRO, radius_km=50,
                                  skills=list(ServiceCategory.objects.all()))  # fmt: skip
    for weekday in range(7):
        AvailabilityWindowFactory(helper=helper, weekday=weekday, starts=time(7), ends=time(21))
    return UserFactory(first_name="Vreni", preferred_language="en")


@pytest.fixture
def stripe_api(request: pytest.FixtureRequest) -> StripeApi:
    """What the fake Stripe.js sends to Stripe's API goes to localstripe."""
    return StripeApi(request.getfixturevalue("stripe_on"))


@pytest.fixture
def card_page(
    browser: Browser,
    browser_context_args: dict,
    live_server: Any,
    settings: Any,
    stripe_api: StripeApi,
) -> Iterator[Page]:
    """A browser page in English, with the fake Stripe.js in place of Stripe's and Stripe's API
    answered from localstripe."""
    # Stripe sends the customer back to the site's address: here, the live server.
    settings.SITE_URL = live_server.url
    context = browser.new_context(**{**browser_context_args, "locale": "en-GB"})
    page = context.new_page()
    page.route(settings.STRIPE_JS_URL, lambda route: route.fulfill(
        path=FAKE_STRIPE_JS, content_type="application/javascript"))  # fmt: skip
    page.route(STRIPE_API + "/**", stripe_api.handle)
    try:
        yield page
    finally:
        context.close()


def book_by_card(page: Page, user: Any, live_server: Any, when: datetime | None = None) -> Booking:
    """The customer books Wi-Fi help and chooses to pay by card (through the test client, whose
    session the browser then takes over)."""
    client = Client()
    client.force_login(user)
    fill_wizard(client, when=when)
    response = client.post(reverse("bookings:quote"), {**confirm_data(client), "method": "card"})
    booking = Booking.objects.get()
    assert response["Location"] == reverse("bookings:pay", args=[booking.reference])
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])  # fmt: skip
    return booking


def open_card_page(page: Page, booking: Booking, live_server: Any) -> list[str]:
    """Open the card page; the page errors seen from then on."""
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(live_server.url + reverse("bookings:pay", args=[booking.reference]))
    expect(page.get_by_role("heading", name="Pay by card")).to_be_visible()
    return problems


def test_a_good_card_reserves_the_amount_and_the_search_starts(
    card_page: Page,
    customer: Any,
    live_server: Any,
    stripe_api: StripeApi,
    enqueued: list[int],
    artifacts: Path,
) -> None:
    booking = book_by_card(card_page, customer, live_server)
    problems = open_card_page(card_page, booking, live_server)
    # The Payment Element is on the page (here the fake's one card field).
    expect(card_page.locator("#payment-element")).to_have_attribute("data-type", "payment")
    card = card_page.get_by_label("Card number")
    expect(card).to_be_visible()
    card.fill(VISA)
    card_page.get_by_role("button", name=re.compile(r"^Reserve CHF")).click()

    # Back from Stripe through pay_done, on the booking's page.
    detail = live_server.url + reverse("bookings:detail", args=[booking.reference])
    expect(card_page).to_have_url(detail)
    expect(card_page.locator(".messages")).to_contain_text(
        f"The amount is reserved on your card and your booking {booking.reference} is in."
    )
    expect(card_page.locator("#live")).to_contain_text("Looking for a helper")
    expect(card_page.get_by_role("link", name="Enter your card")).to_have_count(0)
    card_page.screenshot(path=str(artifacts / "card-payment-reserved.png"), full_page=True)

    payment = Payment.objects.get(booking=booking)
    assert stripe_api.confirmed == [payment.stripe_intent_id]
    assert payment.status == Payment.Status.AUTHORIZED
    booking.refresh_from_db()
    assert booking.status == Booking.Status.SEARCHING
    assert enqueued == [booking.pk]
    assert problems == []


def test_a_declined_card_shows_the_banks_words_and_the_booking_waits(
    card_page: Page, customer: Any, live_server: Any, stripe_api: StripeApi, enqueued: list[int]
) -> None:
    booking = book_by_card(card_page, customer, live_server)
    problems = open_card_page(card_page, booking, live_server)
    pay_url = card_page.url
    submit = card_page.get_by_role("button", name=re.compile(r"^Reserve CHF"))
    card_page.get_by_label("Card number").fill(DECLINED)
    submit.click()

    expect(card_page.locator("#card-errors")).to_have_text("Your card was declined.")
    # The customer can try another card or pay by invoice. (localstripe cannot confirm a hold
    # again after a declined card, so the second try is not made here.)
    expect(submit).to_be_enabled()
    expect(
        card_page.get_by_role("button", name="Pay by invoice after the visit instead")
    ).to_be_visible()
    assert card_page.url == pay_url
    payment = Payment.objects.get(booking=booking)
    assert stripe_api.confirmed == [payment.stripe_intent_id]
    assert payment.status == Payment.Status.PENDING
    booking.refresh_from_db()
    assert booking.status == Booking.Status.REQUESTED
    assert enqueued == []
    assert problems == []


def test_a_visit_far_ahead_saves_the_card(
    card_page: Page, customer: Any, live_server: Any, stripe_api: StripeApi, enqueued: list[int]
) -> None:
    day = timezone.localdate() + timedelta(days=settings.PAYMENT_HOLD_MAX_DAYS + 4)
    when = datetime.combine(day, time(10), tzinfo=ZoneInfo(settings.TIME_ZONE))
    booking = book_by_card(card_page, customer, live_server, when=when)
    problems = open_card_page(card_page, booking, live_server)
    expect(card_page.locator("main")).to_contain_text("we save your card now")
    card_page.get_by_label("Card number").fill(VISA)
    card_page.get_by_role("button", name="Save my card").click()

    expect(card_page).to_have_url(
        live_server.url + reverse("bookings:detail", args=[booking.reference])
    )
    expect(card_page.locator("#live")).to_contain_text("Looking for a helper")
    payment = Payment.objects.get(booking=booking)
    assert stripe_api.confirmed == [payment.stripe_setup_intent_id]
    # Nothing is reserved yet: that happens a day before the visit.
    assert payment.status == Payment.Status.PENDING
    booking.refresh_from_db()
    assert booking.status == Booking.Status.SEARCHING
    assert enqueued == [booking.pk]
    assert problems == []
