"""Card payments against localstripe (DESIGN §7): the hold, 3-D Secure, a declined card, the
capture of the final amount or of a fee, the release, refunds, retries with the same key.

localstripe ignores idempotency keys, so idempotency is asserted through our own rows and the
keys we pass to the adapter."""

import json
import urllib.request
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from bookings.models import Booking
from notifications.models import Notification
from payments import card, stripe_api
from payments.card import PaymentError, card_confirm
from payments.gateway import InvoiceGateway, StripeGateway, available_methods, payment_gateway
from payments.models import EarningEntry, Invoice, Payment, Refund
from payments.refunds import payment_refund
from payments.settle import Settlement, card_settle
from payments.stripe_api import ProviderError
from payments.sync import payment_apply_intent
from payments.tasks import authorize_upcoming, settle_booking, settle_due
from tests.factories import BookingFactory, HelperProfileFactory, UserFactory

P = Payment.Status

pytestmark = pytest.mark.usefixtures("in_english")
VISA = "4242424242424242"
DECLINED = "4000000000000341"  # localstripe: accepted when saved, declined when charged
THREE_D_SECURE = "4000002760003184"


def a_card(number: str) -> str:
    """A PaymentMethod at localstripe, made the way the Payment Element would make it."""
    method = stripe_api.client().v1.payment_methods.create(
        params={
            "type": "card",
            "card": {"number": number, "exp_month": 12, "exp_year": 2034, "cvc": "123"},
        }
    )
    return str(method.id)


class Spy:
    """Wraps an adapter function: the keys it was called with, and how often it ran."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, name: str, fail_first: int = 0) -> None:
        self.real: Callable[..., Any] = getattr(stripe_api, name)
        self.keys: list[str] = []
        self.ran = 0
        self.fail_first = fail_first
        monkeypatch.setattr(stripe_api, name, self)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.keys.append(kwargs.get("idempotency_key", ""))
        if self.fail_first:
            self.fail_first -= 1
            raise ProviderError("Connection to Stripe timed out", retryable=True)
        self.ran += 1
        return self.real(*args, **kwargs)


@pytest.fixture
def booking(db: None) -> Booking:
    """A visit three days ahead, just booked, to be paid by card."""
    return BookingFactory.create(status=Booking.Status.REQUESTED, payment_method="card")


def held(booking: Booking) -> Payment:
    StripeGateway().authorize(booking)
    payment = Payment.objects.get(booking=booking)
    result = card_confirm(payment=payment, payment_method=a_card(VISA))
    assert result.payment.status == P.AUTHORIZED
    return result.payment


def finish(booking: Booking, status: str, **fields: Any) -> Booking:
    """The visit is over (the helper earns from it, and gives back from refunds)."""
    helper = booking.helper or HelperProfileFactory()
    Booking.objects.filter(pk=booking.pk).update(status=status, helper=helper, **fields)
    booking.refresh_from_db()
    return booking


def test_idempotency_keys_name_the_booking_and_the_action() -> None:
    visit = Payment(booking_id=7, purpose=Payment.Purpose.VISIT)
    extra = Payment(booking_id=7, purpose=Payment.Purpose.EXTRA)
    assert visit.idempotency_key("authorize") == "booking:7:authorize"
    assert visit.idempotency_key("capture") == "booking:7:capture"
    assert extra.idempotency_key("capture") == "booking:7:extra:capture"


def test_card_is_offered_only_with_a_stripe_key(settings: Any) -> None:
    settings.STRIPE_SECRET_KEY = ""
    assert available_methods() == ("invoice",)
    assert isinstance(payment_gateway(), InvoiceGateway)
    with pytest.raises(ValueError, match="not available"):
        payment_gateway("card")
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    assert available_methods() == ("card", "invoice")
    assert isinstance(payment_gateway("card"), StripeGateway)
    assert isinstance(payment_gateway("invoice"), InvoiceGateway)


def test_without_a_key_stripe_is_never_called(settings: Any) -> None:
    """A card payment settled after Stripe was turned off fails at once, without a network
    call to api.stripe.com (and its retries) inside the request that ended the booking."""
    settings.STRIPE_SECRET_KEY = ""
    with pytest.raises(ProviderError) as refused:
        stripe_api.intent_cancel("pi_left_over", idempotency_key="booking:1:cancel")
    assert not refused.value.retryable
    assert "STRIPE_SECRET_KEY" in refused.value.message


def test_authorize_creates_a_hold_that_waits_for_the_card(
    stripe_on: str, booking: Booking, monkeypatch: pytest.MonkeyPatch
) -> None:
    create = Spy(monkeypatch, "intent_create")
    authorization = StripeGateway().authorize(booking)
    again = StripeGateway().authorize(booking)

    assert (authorization.approved, authorization.method) == (False, "card")
    assert again == authorization
    payment = Payment.objects.get(booking=booking)
    assert (payment.purpose, payment.method, payment.status) == ("visit", "card", P.PENDING)
    assert payment.amount == booking.price_total
    assert create.keys == [f"booking:{booking.pk}:authorize"]  # once, with the booking's key
    intent = stripe_api.intent_retrieve(payment.stripe_intent_id or "")
    assert intent.reference == booking.reference
    assert card.card_client_secret(payment) == intent.client_secret != ""


def test_confirmed_card_holds_the_price_then_completion_captures_it(
    stripe_on: str, booking: Booking
) -> None:
    payment = held(booking)
    assert payment.amount == booking.price_total
    assert StripeGateway().authorize(booking).approved

    finish(booking, Booking.Status.COMPLETED)
    settlement = card_settle(booking)

    payment.refresh_from_db()
    assert settlement.actions == ("capture",)
    assert settlement.to_invoice == 0
    assert (payment.status, payment.captured) == (P.CAPTURED, booking.price_total)


def test_free_cancellation_releases_the_hold(stripe_on: str, booking: Booking) -> None:
    payment = held(booking)
    finish(booking, Booking.Status.CANCELLED, cancellation_fee=0)

    assert card_settle(booking).actions == ("cancel",)
    payment.refresh_from_db()
    assert (payment.status, payment.captured) == (P.CANCELED, 0)
    assert stripe_api.intent_retrieve(payment.stripe_intent_id or "").status == "canceled"


def test_late_cancellation_or_missed_visit_captures_only_the_fee(
    stripe_on: str, booking: Booking
) -> None:
    payment = held(booking)
    fee = booking.price_base // 2
    finish(booking, Booking.Status.CANCELLED, cancellation_fee=fee, no_show=True)

    assert card_settle(booking).actions == ("capture",)
    payment.refresh_from_db()
    assert (payment.status, payment.captured) == (P.CAPTURED, fee)
    # What Stripe says later (a webhook, the reconciliation) agrees.
    payment_apply_intent(stripe_api.intent_retrieve(payment.stripe_intent_id or ""))
    payment.refresh_from_db()
    assert payment.captured == fee


def test_extra_time_beyond_the_hold_is_charged_as_a_second_payment(
    stripe_on: str, booking: Booking, monkeypatch: pytest.MonkeyPatch
) -> None:
    hold = held(booking).amount
    finish(booking, Booking.Status.COMPLETED, price_extra=3000, price_total=hold + 3000)
    create, capture = Spy(monkeypatch, "intent_create"), Spy(monkeypatch, "intent_capture")

    settlement = card_settle(booking)

    assert settlement.actions == ("capture", "extra")
    assert settlement.to_invoice == 0
    visit = Payment.objects.get(booking=booking, purpose=Payment.Purpose.VISIT)
    extra = Payment.objects.get(booking=booking, purpose=Payment.Purpose.EXTRA)
    assert (visit.captured, extra.captured, extra.status) == (hold, 3000, P.CAPTURED)
    assert create.keys == [f"booking:{booking.pk}:extra:authorize"]
    assert capture.keys == [f"booking:{booking.pk}:capture", f"booking:{booking.pk}:extra:capture"]


def test_settling_five_times_captures_once(
    stripe_on: str, booking: Booking, monkeypatch: pytest.MonkeyPatch
) -> None:
    held(booking)
    finish(booking, Booking.Status.COMPLETED)
    capture, cancel = Spy(monkeypatch, "intent_capture"), Spy(monkeypatch, "intent_cancel")

    runs = [card_settle(booking).actions for _ in range(5)]

    assert runs == [("capture",), (), (), (), ()]
    assert (capture.ran, cancel.ran) == (1, 0)


def test_fee_lowered_after_the_capture_is_refunded_once(
    stripe_on: str, booking: Booking, monkeypatch: pytest.MonkeyPatch
) -> None:
    payment = held(booking)
    finish(booking, Booking.Status.CANCELLED, cancellation_fee=4000)
    card_settle(booking)
    finish(booking, Booking.Status.CANCELLED, cancellation_fee=1000)  # staff waived part of it
    refund = Spy(monkeypatch, "refund_create")

    runs = [card_settle(booking).actions for _ in range(5)]

    assert runs == [("refund",), (), (), (), ()]
    assert refund.keys == [f"booking:{booking.pk}:refund:0"]
    payment.refresh_from_db()
    assert (payment.captured, payment.refunded) == (4000, 3000)


def test_a_lost_connection_on_capture_is_retried_with_the_same_key(
    stripe_on: str, booking: Booking, monkeypatch: pytest.MonkeyPatch
) -> None:
    payment = held(booking)
    finish(booking, Booking.Status.COMPLETED)
    capture = Spy(monkeypatch, "intent_capture", fail_first=1)

    # Eager, Celery runs the retry at once (it would hand the Retry to the caller if eager
    # tasks propagated their exceptions, which the tests' settings do).
    result = settle_booking.apply((booking.pk,), throw=False)

    assert result.get() == "capture"
    assert capture.keys == [f"booking:{booking.pk}:capture"] * 2
    assert capture.ran == 1
    payment.refresh_from_db()
    assert (payment.status, payment.captured) == (P.CAPTURED, booking.price_total)


def test_staff_refund_part_of_a_charged_card(stripe_on: str, booking: Booking) -> None:
    payment = held(booking)
    finish(booking, Booking.Status.COMPLETED)
    card_settle(booking)
    staff = booking.customer  # any user: who refunded is recorded

    first = payment_refund(payment=payment, amount=2000, reason="Slow internet", actor=staff)
    second = payment_refund(payment=payment, amount=500, reason="Goodwill", actor=staff)

    payment.refresh_from_db()
    assert payment.refunded == 2500
    assert (first.status, first.amount, first.actor) == (Refund.Status.SUCCEEDED, 2000, staff)
    assert first.stripe_refund_id
    assert [first.idempotency_key, second.idempotency_key] == [
        f"booking:{booking.pk}:refund:0", f"booking:{booking.pk}:refund:1",
    ]  # fmt: skip
    entry = EarningEntry.objects.get(refund=first)
    assert (entry.kind, entry.gross) == (EarningEntry.Kind.REFUND, -2000)
    # Settling again neither charges the goodwill back nor refunds more.
    assert card_settle(booking) == Settlement(actions=(), to_invoice=0)


def test_refund_beyond_what_was_charged_is_refused(stripe_on: str, booking: Booking) -> None:
    payment = held(booking)
    finish(booking, Booking.Status.COMPLETED)
    card_settle(booking)
    payment.refresh_from_db()

    with pytest.raises(PaymentError) as refused:
        payment_refund(payment=payment, amount=payment.captured + 5, reason="Too much", actor=None)
    assert "At most" in refused.value.message
    with pytest.raises(PaymentError) as no_reason:
        payment_refund(payment=payment, amount=100, reason="  ", actor=None)
    assert "reason" in no_reason.value.message
    assert not Refund.objects.exists()


def test_declined_card_fails_with_the_banks_words(stripe_on: str, booking: Booking) -> None:
    StripeGateway().authorize(booking)
    payment = Payment.objects.get(booking=booking)

    result = card_confirm(payment=payment, payment_method=a_card(DECLINED))

    assert result.payment.status == P.FAILED
    assert result.payment.failure_message == "Your card was declined."
    assert not result.secured
    booking.refresh_from_db()
    assert booking.status == Booking.Status.REQUESTED


def test_three_d_secure_waits_for_the_bank(stripe_on: str, booking: Booking) -> None:
    StripeGateway().authorize(booking)
    payment = Payment.objects.get(booking=booking)

    result = card_confirm(payment=payment, payment_method=a_card(THREE_D_SECURE),
                          return_url="https://mila.test/back")  # fmt: skip

    assert result.payment.status == P.REQUIRES_ACTION
    assert not result.secured
    # The customer passes the bank's check (localstripe's stand-in for it); what Stripe then
    # says is applied like a webhook would.
    intent_id = payment.stripe_intent_id or ""
    _authenticate(stripe_on, intent_id, card.card_client_secret(payment))
    payment_apply_intent(stripe_api.intent_retrieve(intent_id))
    payment.refresh_from_db()
    assert payment.status == P.AUTHORIZED


def _authenticate(base: str, intent_id: str, client_secret: str) -> None:
    body = json.dumps({"client_secret": client_secret, "success": True}).encode()
    request = urllib.request.Request(
        f"{base}/v1/payment_intents/{intent_id}/_authenticate", data=body, method="POST",
        headers={"Content-Type": "application/json", "Authorization": "Bearer sk_test_x"},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200


@pytest.fixture
def far_ahead(db: None) -> Booking:
    starts = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0) + timedelta(days=20)
    return BookingFactory.create(
        status=Booking.Status.SEARCHING,
        payment_method="card",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
    )


def _a_day_before(booking: Booking) -> None:
    Booking.objects.filter(pk=booking.pk).update(starts_at=timezone.now() + timedelta(hours=20))


def test_visit_far_ahead_saves_the_card_and_holds_a_day_before(
    stripe_on: str, far_ahead: Booking, monkeypatch: pytest.MonkeyPatch
) -> None:
    authorization = StripeGateway().authorize(far_ahead)
    payment = Payment.objects.get(booking=far_ahead)
    assert (authorization.approved, authorization.note) == (False, "card_save")
    assert payment.stripe_intent_id is None and payment.stripe_setup_intent_id
    assert card.card_client_secret(payment).startswith(payment.stripe_setup_intent_id)

    saved = card_confirm(payment=payment, payment_method=a_card(VISA))
    assert saved.card_saved and saved.secured
    assert authorize_upcoming() == 0  # still too far ahead for a hold

    _a_day_before(far_ahead)
    create = Spy(monkeypatch, "intent_create")
    assert authorize_upcoming() == 1
    assert authorize_upcoming() == 0

    payment.refresh_from_db()
    assert (payment.status, payment.amount) == (P.AUTHORIZED, far_ahead.price_total)
    assert create.keys == [f"booking:{far_ahead.pk}:authorize"]


def test_a_failed_late_hold_tells_customer_and_staff(stripe_on: str, far_ahead: Booking) -> None:
    staff = UserFactory(is_staff=True)
    StripeGateway().authorize(far_ahead)
    payment = Payment.objects.get(booking=far_ahead)
    card_confirm(payment=payment, payment_method=a_card(DECLINED))  # saved; the bank says no later
    _a_day_before(far_ahead)

    assert authorize_upcoming() == 0
    assert authorize_upcoming() == 0

    payment.refresh_from_db()
    assert (payment.status, payment.failure_message) == (P.FAILED, "Your card was declined.")
    told = Notification.objects.filter(context__reference=far_ahead.reference)
    assert sorted(told.values_list("kind", "recipient")) == sorted(
        [
            (Notification.Kind.PAYMENT_HOLD_FAILED, far_ahead.customer_id),
            (Notification.Kind.STAFF_PAYMENT_HOLD_FAILED, staff.pk),
        ]
    )  # once each, however often the sweep runs
    far_ahead.refresh_from_db()
    assert far_ahead.payment_method == "invoice"  # the visit goes ahead, paid by invoice


def test_no_saved_card_fails_the_late_hold(stripe_on: str, far_ahead: Booking) -> None:
    StripeGateway().authorize(far_ahead)
    _a_day_before(far_ahead)

    authorize_upcoming()

    payment = Payment.objects.get(booking=far_ahead)
    assert (payment.status, payment.failure_message) == (
        P.FAILED, "No card was saved for this visit.",
    )  # fmt: skip


def test_the_sweep_settles_ended_bookings_left_unsettled(stripe_on: str, booking: Booking) -> None:
    payment = held(booking)
    assert settle_due() == 0  # the visit is still to come
    finish(booking, Booking.Status.COMPLETED)

    assert settle_due() == 1
    assert settle_due() == 0

    payment.refresh_from_db()
    assert payment.status == P.CAPTURED


def test_what_no_card_covers_is_invoiced_once(stripe_on: str, booking: Booking) -> None:
    """Nobody was found, so the hold was released; staff found someone later and the visit
    was done: the customer gets an invoice for it instead of a card charge."""
    payment = held(booking)
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.UNFULFILLED)
    settle_booking.apply(args=[booking.pk])
    payment.refresh_from_db()
    assert payment.status == P.CANCELED
    assert not Invoice.objects.exists()
    finish(booking, Booking.Status.COMPLETED, price_surcharge=1580, price_total=9480)

    settle_booking.apply(args=[booking.pk])
    settle_booking.apply(args=[booking.pk])

    invoice = Invoice.objects.get(booking=booking)
    assert (invoice.kind, invoice.amount) == (Invoice.Kind.VISIT, 9480)
    assert [line["code"] for line in invoice.lines] == ["base", "last_minute"]
    payment.refresh_from_db()
    assert (payment.status, payment.captured) == (P.CANCELED, 0)
