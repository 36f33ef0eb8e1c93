"""Settling a card booking once it is over (DESIGN §7): capture the final amount, only the fee,
or nothing; charge extra time beyond the hold; give back what was charged beyond what is due.
Like every card service, it decides from the rows, then calls Stripe with keys that name the
booking and the action, so running it again (a retry, the sweep) does nothing twice."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from bookings.models import Booking
from payments import stripe_api
from payments.card import (
    confirm_off_session,
    off_session_intent,
    payment_fresh,
    payment_locked,
)
from payments.models import Payment, Refund
from payments.refunds import IN_FLIGHT, in_flight, payment_refund, refunds_follow_up
from payments.stripe_api import ProviderError
from payments.sync import payment_apply_intent

Status = Payment.Status
BookingStatus = Booking.Status


@dataclass(frozen=True)
class Settlement:
    actions: tuple[str, ...]  # what this run did: "capture", "cancel", "refund", "extra"
    to_invoice: int = 0  # the part of what is due that no card payment covers (Rappen)


def bookings_to_settle() -> list[int]:
    """Ended bookings whose card still holds money or an open PaymentIntent, or whose refund
    was not sent: what settle_after_commit could not enqueue, or a settlement that failed."""
    open_hold = Payment.objects.filter(
        method=Payment.Method.CARD, stripe_intent_id__isnull=False,
        status__in=(Status.PENDING, Status.REQUIRES_ACTION, Status.AUTHORIZED, Status.FAILED),
        booking__status__in=Booking.FINAL_STATUSES,
    )  # fmt: skip
    unsent = Refund.objects.filter(status__in=IN_FLIGHT)
    ids = set(open_hold.values_list("booking_id", flat=True))
    return sorted(ids | set(unsent.values_list("payment__booking_id", flat=True)))


def amount_due(booking: Booking) -> int | None:
    """What the customer owes once the booking is over: the final price of a completed visit,
    the fee of a cancellation or a missed visit (0 when free), nothing if no helper was
    found; None while the visit is still to come."""
    if booking.status == BookingStatus.COMPLETED:
        return booking.price_total
    if booking.status == BookingStatus.CANCELLED:
        return booking.cancellation_fee
    if booking.status == BookingStatus.UNFULFILLED:
        return 0
    return None


def card_settle(booking: Booking) -> Settlement:
    """Do what the booking's outcome calls for on its card: capture the final amount (the hold
    at most; extra time beyond it is charged on the saved card as a second payment), capture
    only the fee of a late cancellation or a missed visit, release the hold when nothing is
    due, refund what was charged beyond what is due. Run again, it does nothing more; what no
    card payment covers comes back as ``to_invoice``."""
    booking = Booking.objects.get(pk=booking.pk)
    actions = refunds_follow_up(booking.pk)
    due = amount_due(booking)
    visit = Payment.objects.filter(
        booking=booking, purpose=Payment.Purpose.VISIT, method=Payment.Method.CARD
    ).first()
    if due is None or visit is None:
        return Settlement(tuple(actions), due or 0)
    actions += _settle_hold(visit, due)
    charged, net = _charged(booking)
    if due > charged and booking.status == BookingStatus.COMPLETED:
        actions += _charge_extra(booking, payment_fresh(visit), due - charged)
    elif net > due:
        actions += _refund_excess(booking, net - due)
    return Settlement(tuple(actions), max(due - _charged(booking)[0], 0))


def _charged(booking: Booking) -> tuple[int, int]:
    """What the booking's card payments charged, and that less what was (or is being)
    refunded. Charging more looks at the first (a goodwill refund is not charged again),
    refunding the excess at the second."""
    charged = net = 0
    for payment in Payment.objects.filter(
        booking=booking, method=Payment.Method.CARD, status=Status.CAPTURED
    ):
        charged += payment.captured
        net += payment.captured - payment.refunded - in_flight(payment)
    return charged, net


def _settle_hold(visit: Payment, due: int) -> list[str]:
    with transaction.atomic():
        visit = payment_locked(visit)
        if visit.status in (Status.CAPTURED, Status.CANCELED) or not visit.stripe_intent_id:
            return []
        amount = min(due, visit.amount) if visit.status == Status.AUTHORIZED else 0
    if amount > 0:
        _provider(visit, "capture", amount)
        return ["capture"]
    _provider(visit, "cancel", 0)  # nothing due, or never held: let go of it
    return ["cancel"]


def _provider(payment: Payment, action: str, amount: int) -> None:
    """Capture or release the hold. If Stripe refuses because it was done meanwhile (another
    worker, a lost answer), what it says now is applied just the same."""
    assert payment.stripe_intent_id
    key = payment.idempotency_key(action)
    try:
        if action == "capture":
            state = stripe_api.intent_capture(payment.stripe_intent_id, amount=amount,
                                              idempotency_key=key)  # fmt: skip
        else:
            state = stripe_api.intent_cancel(payment.stripe_intent_id, idempotency_key=key)
    except ProviderError as error:
        if error.retryable:
            raise
        state = stripe_api.intent_retrieve(payment.stripe_intent_id)
        if state.status not in ("succeeded", "canceled"):
            raise
    payment_apply_intent(state)


def _charge_extra(booking: Booking, visit: Payment, amount: int) -> list[str]:
    """Extra time beyond the hold, charged on the card the customer held the visit with,
    without them (``booking:<id>:extra:…``). If the bank refuses, it is left to an invoice."""
    if visit.status != Status.CAPTURED or not visit.stripe_intent_id:
        return []
    extra, _created = Payment.objects.get_or_create(
        booking=booking, purpose=Payment.Purpose.EXTRA,
        defaults={"method": Payment.Method.CARD, "amount": amount, "currency": visit.currency},
    )  # fmt: skip
    if extra.status in (Status.FAILED, Status.REQUIRES_ACTION, Status.CAPTURED, Status.CANCELED):
        return []
    if extra.stripe_intent_id is None:
        card = stripe_api.intent_retrieve(visit.stripe_intent_id)
        extra = off_session_intent(
            extra,
            amount=extra.amount,
            reference=booking.reference,
            customer=card.customer,
            payment_method=card.payment_method,
        )
    if extra.status == Status.PENDING:
        extra, _error = confirm_off_session(extra, key=extra.idempotency_key("confirm"))
    if extra.status != Status.AUTHORIZED:
        return []
    _provider(extra, "capture", extra.amount)
    return ["extra"]


def _refund_excess(booking: Booking, excess: int) -> list[str]:
    """Charged more than is due (the fee was lowered after the capture): give back the rest,
    from the extra-time payment first."""
    actions = []
    payments = Payment.objects.filter(
        booking=booking, method=Payment.Method.CARD, status=Status.CAPTURED
    )
    for payment in sorted(payments, key=lambda p: p.purpose != Payment.Purpose.EXTRA):
        amount = min(excess, payment.captured - payment.refunded - in_flight(payment))
        if amount <= 0:
            continue
        reason = _("Charged more than was due for booking %(reference)s.") % {
            "reference": booking.reference
        }
        payment_refund(payment=payment, amount=amount, reason=reason, actor=None)
        actions.append("refund")
        excess -= amount
    return actions
