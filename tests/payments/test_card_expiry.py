"""A card booking whose card never comes through (the customer left the card page, the bank's
check never finished) does not wait for ever: PAYMENT_CARD_WAIT_MINUTES after booking it is
cancelled free of charge, its hold released, and the customer told why. Against localstripe."""

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from bookings.models import Booking
from bookings.tasks import expire_card_unconfirmed
from notifications.models import Notification
from payments import stripe_api
from payments.gateway import StripeGateway
from payments.models import Payment
from payments.tasks import settle_due
from payments.webhooks import payment_intent_changed
from tests.factories import BookingFactory, UserFactory
from tests.payments.test_card import VISA, a_card

P = Payment.Status

pytestmark = pytest.mark.usefixtures("in_english")


@pytest.fixture
def waiting(db: None, stripe_on: str) -> Booking:
    """A card booking left on the card page, its hold waiting for the card."""
    customer = UserFactory(preferred_language="en", first_name="Anna")
    booking = BookingFactory.create(
        status=Booking.Status.REQUESTED, payment_method="card", customer=customer
    )
    StripeGateway().authorize(booking)
    return booking


def booked_ago(booking: Booking, minutes: int) -> None:
    Booking.objects.filter(pk=booking.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes)
    )


def test_an_hour_without_the_card_cancels_free_of_charge(
    waiting: Booking, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    assert settings.PAYMENT_CARD_WAIT_MINUTES == 60
    booked_ago(waiting, 61)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert expire_card_unconfirmed() == 1
    assert expire_card_unconfirmed() == 0

    waiting.refresh_from_db()
    assert (waiting.status, waiting.cancellation_fee) == (Booking.Status.CANCELLED, 0)
    assert waiting.cancellation_reason.startswith("The card payment was not completed")
    payment = Payment.objects.get(booking=waiting)
    assert payment.status == P.CANCELED
    assert stripe_api.intent_retrieve(payment.stripe_intent_id or "").status == "canceled"
    [told] = Notification.objects.filter(kind=Notification.Kind.BOOKING_CANCELLED)
    assert (told.recipient_id, told.context["why"]) == (waiting.customer_id, "card_not_confirmed")
    [email] = [m for m in mail.outbox if m.to == [waiting.customer.email]]
    assert "the card payment was not completed, so no helper was asked" in email.body
    assert "You pay nothing" in email.body


def test_the_customer_has_the_hour(waiting: Booking) -> None:
    booked_ago(waiting, 59)

    assert expire_card_unconfirmed() == 0

    waiting.refresh_from_db()
    assert waiting.status == Booking.Status.REQUESTED


def test_a_booking_whose_card_came_through_is_left_alone(waiting: Booking) -> None:
    payment = Payment.objects.get(booking=waiting)
    confirmed = stripe_api.intent_confirm(
        payment.stripe_intent_id or "", payment_method=a_card(VISA), return_url="",
        idempotency_key="test:confirm",
    )  # fmt: skip
    payment_intent_changed(confirmed)
    booked_ago(waiting, 120)

    assert expire_card_unconfirmed() == 0

    waiting.refresh_from_db()
    assert waiting.status == Booking.Status.SEARCHING
    assert Payment.objects.get(booking=waiting).status == P.AUTHORIZED


def test_a_card_that_comes_through_after_the_cancellation_is_released(waiting: Booking) -> None:
    payment = Payment.objects.get(booking=waiting)
    booked_ago(waiting, 61)
    Booking.objects.filter(pk=waiting.pk).update(status=Booking.Status.CANCELLED)  # a race
    Payment.objects.filter(pk=payment.pk).update(status=P.AUTHORIZED)

    settle_due()

    waiting.refresh_from_db()
    assert waiting.status == Booking.Status.CANCELLED  # no search started
    assert Payment.objects.get(pk=payment.pk).status == P.CANCELED
