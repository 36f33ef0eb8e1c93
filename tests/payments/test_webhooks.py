"""Stripe's webhook: signed, stored once, acted on with what Stripe says now (DESIGN §7).

Events are signed the way Stripe signs them (``t=<time>,v1=<HMAC-SHA256 of "t.body">``, by the
SDK's own WebhookSignature); the PaymentIntent the view re-fetches comes from a stand-in for
``stripe_api.intent_retrieve`` whose answer each test chooses."""

import itertools
import json
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
import stripe
from django.test import Client
from django.urls import reverse

from bookings.models import Booking, BookingEvent
from payments import stripe_api
from payments.models import Payment, StripeEvent
from payments.stripe_api import IntentState, ProviderError
from tests.concurrency import run_at_once
from tests.factories import BookingFactory

SECRET = "whsec_mila_test"
URL = "/payments/stripe/webhook/"
P = Payment.Status


@pytest.fixture(autouse=True)
def _secret(settings: Any) -> None:
    settings.STRIPE_WEBHOOK_SECRET = SECRET


def intent(
    intent_id: str = "pi_1", status: str = "requires_capture", **changes: Any
) -> IntentState:
    amount = 12000
    state = IntentState(
        id=intent_id,
        status=status,
        amount=amount,
        amount_capturable=amount if status == "requires_capture" else 0,
        amount_received=amount if status == "succeeded" else 0,
        currency="CHF",
        reference="",
        client_secret="",
        error="",
        redirect_url="",
    )
    return replace(state, **changes)


class Stripe:
    """What Stripe knows about each PaymentIntent now, and how often we asked."""

    def __init__(self) -> None:
        self.current: dict[str, IntentState] = {}
        self.calls: list[str] = []
        self.down = False

    def retrieve(self, intent_id: str) -> IntentState:
        self.calls.append(intent_id)
        if self.down:
            raise ProviderError("connection refused", retryable=True)
        return self.current[intent_id]


@pytest.fixture
def stripe_now(monkeypatch: pytest.MonkeyPatch) -> Stripe:
    fake = Stripe()
    monkeypatch.setattr("payments.stripe_api.intent_retrieve", fake.retrieve)
    return fake


def card_payment(
    intent_id: str = "pi_1",
    status: str = P.PENDING,
    booking_status: str = Booking.Status.REQUESTED,
) -> Payment:
    booking = BookingFactory(status=booking_status, payment_method="card")
    return Payment.objects.create(booking=booking, method=Payment.Method.CARD, status=status,
                                  amount=12000, stripe_intent_id=intent_id)  # fmt: skip


def event_body(
    event_id: str = "evt_1",
    event_type: str = "payment_intent.amount_capturable_updated",
    obj: dict[str, Any] | None = None,
) -> str:
    obj = obj if obj is not None else {"id": "pi_1", "object": "payment_intent"}
    return json.dumps({"id": event_id, "object": "event", "type": event_type,
                       "created": int(time.time()), "data": {"object": obj}})  # fmt: skip


def signature(body: str, *, age: int = 0, secret: str = SECRET) -> str:
    return stripe.WebhookSignature.generate_signature_header(
        body, secret, timestamp=int(time.time()) - age
    )


def deliver(body: str, header: str | None = None, client: Client | None = None) -> int:
    client = client or Client()
    extra = {"HTTP_STRIPE_SIGNATURE": header if header is not None else signature(body)}
    return client.post(URL, data=body, content_type="application/json", **extra).status_code


# --- Who may talk to it ---------------------------------------------------------------------


def test_the_webhook_lives_at_its_url() -> None:
    assert reverse("stripe_webhook") == URL


@pytest.mark.django_db
@pytest.mark.parametrize(
    "header",
    [
        pytest.param(None, id="missing"),
        pytest.param("", id="empty"),
        pytest.param("t=1,v1=nonsense", id="garbage"),
        pytest.param("wrong-secret", id="wrong-secret"),
    ],
)
def test_a_bad_signature_is_refused_and_nothing_stored(
    header: str | None, stripe_now: Stripe
) -> None:
    payment = card_payment()
    body = event_body()
    client = Client()
    if header == "wrong-secret":
        status = deliver(body, signature(body, secret="whsec_someone_else"), client)
    elif header is None:
        status = client.post(URL, data=body, content_type="application/json").status_code
    else:
        status = deliver(body, header, client)

    assert status == 400
    assert not StripeEvent.objects.exists()
    assert stripe_now.calls == []
    payment.refresh_from_db()
    assert payment.status == P.PENDING


@pytest.mark.django_db
def test_an_edited_body_is_refused(stripe_now: Stripe) -> None:
    card_payment()
    body = event_body()
    edited = body.replace("amount_capturable_updated", "succeeded")

    assert deliver(edited, signature(body)) == 400
    assert not StripeEvent.objects.exists()


@pytest.mark.django_db
def test_no_secret_configured_refuses_everything(settings: Any, stripe_now: Stripe) -> None:
    settings.STRIPE_WEBHOOK_SECRET = ""
    body = event_body()

    assert deliver(body, signature(body, secret="")) == 400
    assert not StripeEvent.objects.exists()


@pytest.mark.django_db
def test_an_event_signed_301_seconds_ago_is_refused(stripe_now: Stripe) -> None:
    card_payment()
    body = event_body()

    assert deliver(body, signature(body, age=301)) == 400
    assert not StripeEvent.objects.exists()


@pytest.mark.django_db
def test_an_event_signed_299_seconds_ago_is_accepted(stripe_now: Stripe) -> None:
    card_payment()
    stripe_now.current["pi_1"] = intent()
    body = event_body()

    assert deliver(body, signature(body, age=299)) == 200
    assert StripeEvent.objects.get().processed_at is not None


@pytest.mark.django_db
def test_get_is_not_allowed() -> None:
    assert Client().get(URL).status_code == 405
    assert not StripeEvent.objects.exists()


@pytest.mark.django_db
def test_no_csrf_token_is_needed(stripe_now: Stripe) -> None:
    card_payment()
    stripe_now.current["pi_1"] = intent()

    assert deliver(event_body(), client=Client(enforce_csrf_checks=True)) == 200


# --- What it does -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_finished_3d_secure_reserves_the_amount_and_starts_the_search(stripe_now: Stripe) -> None:
    payment = card_payment(status=P.REQUIRES_ACTION)
    stripe_now.current["pi_1"] = intent(status="requires_capture", amount_capturable=11000)

    assert deliver(event_body()) == 200

    payment.refresh_from_db()
    assert (payment.status, payment.amount) == (P.AUTHORIZED, 11000)
    assert Booking.objects.get(pk=payment.booking_id).status == Booking.Status.SEARCHING
    event = StripeEvent.objects.get()
    assert (event.id, event.type, event.intent_id) == (
        "evt_1", "payment_intent.amount_capturable_updated", "pi_1",
    )  # fmt: skip
    assert event.payload["data"]["object"]["id"] == "pi_1"
    assert event.processed_at is not None


@pytest.mark.django_db
def test_the_hold_of_an_extra_does_not_touch_the_booking(stripe_now: Stripe) -> None:
    payment = card_payment(status=P.REQUIRES_ACTION)
    Payment.objects.filter(pk=payment.pk).update(purpose=Payment.Purpose.EXTRA)
    stripe_now.current["pi_1"] = intent()

    assert deliver(event_body()) == 200

    assert Payment.objects.get(pk=payment.pk).status == P.AUTHORIZED
    assert Booking.objects.get(pk=payment.booking_id).status == Booking.Status.REQUESTED


@pytest.mark.django_db
def test_a_booking_past_requested_is_left_as_it_is(stripe_now: Stripe) -> None:
    payment = card_payment(status=P.REQUIRES_ACTION, booking_status=Booking.Status.CANCELLED)
    stripe_now.current["pi_1"] = intent()

    assert deliver(event_body()) == 200

    assert Payment.objects.get(pk=payment.pk).status == P.AUTHORIZED
    assert Booking.objects.get(pk=payment.booking_id).status == Booking.Status.CANCELLED


@pytest.mark.django_db
def test_the_re_fetched_intent_wins_over_the_events_copy(stripe_now: Stripe) -> None:
    payment = card_payment()
    # The event claims the money was taken; Stripe says the hold is waiting for 3-D Secure.
    copy = {"id": "pi_1", "object": "payment_intent", "status": "succeeded",
            "amount": 12000, "amount_received": 12000}  # fmt: skip
    stripe_now.current["pi_1"] = intent(status="requires_action")

    assert deliver(event_body(event_type="payment_intent.succeeded", obj=copy)) == 200

    payment.refresh_from_db()
    assert (payment.status, payment.captured) == (P.REQUIRES_ACTION, 0)
    assert stripe_now.calls == ["pi_1"]


@pytest.mark.django_db
def test_a_charge_event_re_fetches_its_payment_intent(stripe_now: Stripe) -> None:
    payment = card_payment(status=P.AUTHORIZED, booking_status=Booking.Status.COMPLETED)
    stripe_now.current["pi_1"] = intent(status="succeeded", amount_received=9000)
    charge = {"id": "ch_1", "object": "charge", "payment_intent": "pi_1", "refunded": True}

    assert deliver(event_body(event_type="charge.refunded", obj=charge)) == 200

    payment.refresh_from_db()
    assert (payment.status, payment.captured) == (P.CAPTURED, 9000)
    assert StripeEvent.objects.get().intent_id == "pi_1"


@pytest.mark.django_db
def test_an_unknown_event_type_is_stored_and_does_nothing(stripe_now: Stripe) -> None:
    body = event_body(event_type="customer.created", obj={"id": "cus_1", "object": "customer"})

    assert deliver(body) == 200

    event = StripeEvent.objects.get()
    assert (event.type, event.intent_id) == ("customer.created", "")
    assert event.processed_at is not None
    assert stripe_now.calls == []


@pytest.mark.django_db
def test_an_event_about_someone_elses_intent_is_stored_and_does_nothing(
    stripe_now: Stripe,
) -> None:
    body = event_body(obj={"id": "pi_not_ours", "object": "payment_intent"})

    assert deliver(body) == 200

    assert StripeEvent.objects.get().intent_id == "pi_not_ours"
    assert stripe_now.calls == []
    assert not Payment.objects.exists()


@pytest.mark.django_db
def test_the_intent_is_re_fetched_from_the_stripe_api(stripe_on: str) -> None:
    """Against localstripe, through the real adapter: no stand-in for the re-fetch."""
    api = stripe_api.client().v1
    card = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"}
    method = api.payment_methods.create(params={"type": "card", "card": card})
    hold = api.payment_intents.create(params={
        "amount": 12000, "currency": "chf", "capture_method": "manual",
        "payment_method": method.id, "confirm": True,
    })  # fmt: skip
    payment = card_payment(hold.id, status=P.REQUIRES_ACTION)
    stale = {"id": hold.id, "object": "payment_intent", "status": "requires_action"}

    assert deliver(event_body(obj=stale)) == 200

    payment.refresh_from_db()
    assert (payment.status, payment.amount) == (P.AUTHORIZED, 12000)
    assert Booking.objects.get(pk=payment.booking_id).status == Booking.Status.SEARCHING


# --- Once, and again after a failure ----------------------------------------------------------


@pytest.mark.django_db
def test_the_same_event_ten_times_is_stored_and_acted_on_once(stripe_now: Stripe) -> None:
    payment = card_payment(status=P.REQUIRES_ACTION)
    stripe_now.current["pi_1"] = intent()
    body = event_body()

    statuses = [deliver(body) for _ in range(10)]

    assert statuses == [200] * 10
    assert StripeEvent.objects.count() == 1
    assert stripe_now.calls == ["pi_1"]  # the nine repeats do not even ask Stripe
    assert Payment.objects.get(pk=payment.pk).status == P.AUTHORIZED
    searching = BookingEvent.objects.filter(booking=payment.booking_id, to_status="searching")
    assert searching.count() == 1


@pytest.mark.django_db
def test_a_redelivery_is_one_lookup_and_no_failed_insert(
    stripe_now: Stripe, django_assert_num_queries: Any
) -> None:
    card_payment(status=P.AUTHORIZED)
    stripe_now.current["pi_1"] = intent()
    body = event_body()
    deliver(body)

    with django_assert_num_queries(1) as queries:
        assert deliver(body) == 200

    assert "INSERT" not in queries.captured_queries[0]["sql"]


@pytest.mark.django_db
def test_stripe_unreachable_answers_500_and_the_retry_processes_the_event(
    stripe_now: Stripe,
) -> None:
    payment = card_payment(status=P.REQUIRES_ACTION)
    stripe_now.current["pi_1"] = intent()
    stripe_now.down = True
    body = event_body()

    assert deliver(body) == 500
    assert Payment.objects.get(pk=payment.pk).status == P.REQUIRES_ACTION
    assert StripeEvent.objects.get().processed_at is None

    stripe_now.down = False
    assert deliver(body) == 200  # Stripe's retry: same event id, signed anew
    assert Payment.objects.get(pk=payment.pk).status == P.AUTHORIZED
    assert StripeEvent.objects.get().processed_at is not None
    assert deliver(body) == 200
    assert stripe_now.calls == ["pi_1", "pi_1"]


# Four events of one PaymentIntent, each carrying its own (by now stale) copy. Stripe's current
# state is "succeeded": whatever the order they arrive in, that is where the payment ends.
EVENTS = [
    ("payment_intent.created", "requires_payment_method"),
    ("payment_intent.requires_action", "requires_action"),
    ("payment_intent.amount_capturable_updated", "requires_capture"),
    ("payment_intent.succeeded", "succeeded"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("order", list(itertools.permutations(range(4))), ids=str)
def test_every_order_of_four_events_ends_the_same(
    order: tuple[int, ...], stripe_now: Stripe
) -> None:
    payment = card_payment(status=P.PENDING, booking_status=Booking.Status.IN_PROGRESS)
    stripe_now.current["pi_1"] = intent(status="succeeded", amount_received=10500)

    for index in order:
        event_type, stale_status = EVENTS[index]
        copy = {"id": "pi_1", "object": "payment_intent", "status": stale_status}
        assert deliver(event_body(f"evt_{index}", event_type, copy)) == 200

    payment.refresh_from_db()
    assert (payment.status, payment.captured, payment.failure_message) == (P.CAPTURED, 10500, "")
    assert StripeEvent.objects.filter(processed_at__isnull=False).count() == 4


# --- At the same moment (PostgreSQL) ---------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.services
def test_the_same_event_ten_times_at_once_has_one_effect(
    postgres: None, stripe_now: Stripe, enqueued: list[int]
) -> None:
    """Ten deliveries of one event at the same moment: one row, one payment change, one
    search. (SQLite serialises writers, so only PostgreSQL shows the race.)"""
    payment = card_payment(status=P.REQUIRES_ACTION)
    stripe_now.current["pi_1"] = intent()
    body = event_body()
    header = signature(body)
    job: Callable[[], int] = lambda: deliver(body, header)  # noqa: E731

    results = run_at_once(*[job] * 10)

    assert results == [("ok", 200)] * 10, results
    assert StripeEvent.objects.count() == 1
    assert StripeEvent.objects.get().processed_at is not None
    assert Payment.objects.get(pk=payment.pk).status == P.AUTHORIZED
    booking = Booking.objects.get(pk=payment.booking_id)
    assert booking.status == Booking.Status.SEARCHING
    assert BookingEvent.objects.filter(booking=booking, to_status="searching").count() == 1
    assert enqueued == [booking.pk]
