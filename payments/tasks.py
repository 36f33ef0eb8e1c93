"""Thin Celery wrappers (queue ``payments``). A task retries only what may succeed a moment
later (Stripe unreachable, ProviderError.retryable), always with the same idempotency keys:
the services decide again from the rows each time."""

import logging

from celery import shared_task

from bookings.models import Booking
from payments import card
from payments.lifecycle import payments_settle_card
from payments.models import Payment
from payments.settle import bookings_to_settle
from payments.stripe_api import ProviderError

logger = logging.getLogger(__name__)


class RetryableProviderError(ProviderError):
    """Only for autoretry_for: a ProviderError that is worth another try."""


@shared_task(
    autoretry_for=(RetryableProviderError,), retry_backoff=10, retry_backoff_max=600,
    retry_jitter=True, max_retries=5,
)  # fmt: skip
def settle_booking(booking_id: int) -> str:
    """Capture, release or refund what the booking's outcome calls for, and invoice what no
    card covers (payments_settle_card)."""
    booking = Booking.objects.filter(pk=booking_id).first()
    if booking is None:
        return ""
    try:
        settlement = payments_settle_card(booking)
    except ProviderError as error:
        if error.retryable:
            raise RetryableProviderError(error.message, retryable=True) from error
        raise
    return ",".join(settlement.actions)


@shared_task
def authorize_upcoming() -> int:
    """Hold the price of visits booked far ahead, PAYMENT_LATE_AUTHORIZE_DAYS before they
    start, on the card saved at booking; and place again the holds about to lapse before
    their visit. One that Stripe does not answer is tried again at the next run."""
    held = 0
    work = [(pk, card.card_authorize_late) for pk in card.card_payments_to_hold()]
    work += [(pk, card.card_renew_hold) for pk in card.card_holds_to_renew()]
    for payment_id, hold in work:
        try:
            payment = hold(Payment.objects.get(pk=payment_id))
        except ProviderError as error:
            logger.warning("card hold for payment %s failed: %s", payment_id, error)
            continue
        if payment.status == Payment.Status.AUTHORIZED:
            held += 1
    return held


@shared_task
def settle_due() -> int:
    """The sweep behind settle_booking: every ended booking whose card is not settled yet."""
    booking_ids = bookings_to_settle()
    for booking_id in booking_ids:
        settle_booking.delay(booking_id)
    return len(booking_ids)
