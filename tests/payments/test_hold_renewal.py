"""A card hold lapses after about 7 days. One placed PAYMENT_HOLD_MAX_DAYS ago for a visit still
to come (the visit was moved further ahead, or the search ran long) is placed again on the same
card, and the old one released (DESIGN §7). Against localstripe."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from bookings.models import Booking
from notifications.models import Notification
from payments import stripe_api
from payments.models import Payment
from payments.settle import card_settle
from payments.stripe_api import ProviderError
from payments.tasks import authorize_upcoming
from tests.factories import BookingFactory, UserFactory
from tests.payments.test_card import Spy, finish, held

P = Payment.Status

pytestmark = pytest.mark.usefixtures("in_english")


@pytest.fixture
def booking(db: None) -> Booking:
    return BookingFactory.create(status=Booking.Status.REQUESTED, payment_method="card")


def moved_ahead(booking: Booking, *, held_days_ago: float) -> Payment:
    """Held by card three days ahead, then moved ten days ahead."""
    payment = held(booking)
    starts = timezone.now() + timedelta(days=10)
    Booking.objects.filter(pk=booking.pk).update(
        status=Booking.Status.CONFIRMED, starts_at=starts, ends_at=starts + timedelta(hours=1)
    )
    Payment.objects.filter(pk=payment.pk).update(
        held_at=timezone.now() - timedelta(days=held_days_ago)
    )
    payment.refresh_from_db()
    return payment


def test_a_hold_as_old_as_it_may_get_is_placed_again(
    stripe_on: str, booking: Booking, monkeypatch: pytest.MonkeyPatch
) -> None:
    payment = moved_ahead(booking, held_days_ago=6)
    old = payment.stripe_intent_id
    create = Spy(monkeypatch, "intent_create")

    assert authorize_upcoming() == 1
    assert authorize_upcoming() == 0

    payment.refresh_from_db()
    assert payment.status == P.AUTHORIZED and payment.stripe_intent_id != old
    assert payment.held_at and timezone.now() - payment.held_at < timedelta(minutes=1)
    assert payment.amount == booking.price_total
    assert create.keys == [f"booking:{booking.pk}:renew:{old}"]
    assert old and stripe_api.intent_retrieve(old).status == "canceled"
    assert stripe_api.intent_retrieve(payment.stripe_intent_id or "").status == "requires_capture"


def test_a_younger_hold_is_left_alone(stripe_on: str, booking: Booking) -> None:
    payment = moved_ahead(booking, held_days_ago=5.95)

    assert authorize_upcoming() == 0

    assert Payment.objects.get(pk=payment.pk).stripe_intent_id == payment.stripe_intent_id


def test_a_visit_under_way_keeps_its_hold(stripe_on: str, booking: Booking) -> None:
    payment = moved_ahead(booking, held_days_ago=6)
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.IN_PROGRESS)

    assert authorize_upcoming() == 0

    assert Payment.objects.get(pk=payment.pk).stripe_intent_id == payment.stripe_intent_id


def test_completion_captures_the_renewed_hold(stripe_on: str, booking: Booking) -> None:
    moved_ahead(booking, held_days_ago=6)
    authorize_upcoming()
    finish(booking, Booking.Status.COMPLETED)

    assert card_settle(booking).actions == ("capture",)

    payment = Payment.objects.get(booking=booking)
    assert (payment.status, payment.captured) == (P.CAPTURED, booking.price_total)


def test_a_refused_renewal_releases_the_hold_and_the_visit_is_invoiced(
    stripe_on: str, booking: Booking, monkeypatch: pytest.MonkeyPatch
) -> None:
    staff = UserFactory(is_staff=True)
    payment = moved_ahead(booking, held_days_ago=6)
    old = payment.stripe_intent_id or ""

    def bank_says_no(intent_id: str, **kwargs: Any) -> Any:
        raise ProviderError("Your card has insufficient funds.", declined=True)

    monkeypatch.setattr(stripe_api, "intent_confirm", bank_says_no)

    assert authorize_upcoming() == 0
    assert authorize_upcoming() == 0

    payment.refresh_from_db()
    assert (payment.status, payment.failure_message) == (
        P.FAILED, "Your card has insufficient funds.",
    )  # fmt: skip
    assert stripe_api.intent_retrieve(old).status == "canceled"
    told = Notification.objects.filter(context__reference=booking.reference)
    assert sorted(told.values_list("kind", "recipient")) == sorted(
        [
            (Notification.Kind.PAYMENT_HOLD_FAILED, booking.customer_id),
            (Notification.Kind.STAFF_PAYMENT_HOLD_FAILED, staff.pk),
        ]
    )
    booking.refresh_from_db()
    assert booking.payment_method == "invoice"
