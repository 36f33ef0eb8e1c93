"""Refunds on a charged card (DESIGN §7): by staff with a reason, or when a booking was
charged more than is due.

A refund is reserved first (a PENDING row, under the payment's lock, never more than was
charged less what was refunded or is on its way back), then sent with its own idempotency
key, then booked as Stripe answers: at once (succeeded), later (pending at the bank:
PROCESSING until a webhook or the settle sweep finds it succeeded or failed), or refused.
Only a refund that succeeded counts in the payment's ``refunded`` and in the helper's ledger.
"""

from typing import Any

from django.db import transaction
from django.db.models import F, Sum
from django.utils.translation import gettext as _

from mila.lib.money import format_chf
from payments import stripe_api
from payments.card import PaymentError, payment_locked
from payments.ledger import ledger_refund
from payments.models import Payment, Refund
from payments.stripe_api import ProviderError, RefundState

IN_FLIGHT = (Refund.Status.PENDING, Refund.Status.PROCESSING)
# Stripe's refund status → ours. "requires_action": the bank needs details from the customer
# (Stripe e-mails them); the money is still on its way.
STRIPE_STATUS = {
    "succeeded": Refund.Status.SUCCEEDED,
    "pending": Refund.Status.PROCESSING,
    "requires_action": Refund.Status.PROCESSING,
    "failed": Refund.Status.FAILED,
    "canceled": Refund.Status.FAILED,
}


def payment_refund(*, payment: Payment, amount: int, reason: str, actor: Any) -> Refund:
    """Give money back on a charged card, in part or in full, never more than was charged
    less what was refunded (or is on its way back). A reason is required; the helper's
    earnings entry follows the refund once it succeeded. Asked again while a refund of the
    same amount is still waiting to be sent, it sends that one again (same key) instead of a
    second one."""
    if not reason.strip():
        raise PaymentError(_("Please give a reason for the refund."))
    if amount <= 0:
        raise PaymentError(_("The amount to refund must be more than CHF 0."))
    refund = _refund_reserve(payment, amount, reason.strip(), actor)
    try:
        _refund_send(refund)
    except ProviderError as error:
        if error.retryable:
            raise PaymentError(
                _("Stripe could not be reached. The refund was not sent yet; please try again.")
            ) from error
        raise PaymentError(error.message) from error
    refund.refresh_from_db()
    return refund


def in_flight(payment: Payment) -> int:
    """What is reserved for refunds not yet sent, or sent and not yet through."""
    pending = payment.refunds.filter(status__in=IN_FLIGHT).aggregate(s=Sum("amount"))
    return int(pending["s"] or 0)


@transaction.atomic
def _refund_reserve(payment: Payment, amount: int, reason: str, actor: Any) -> Refund:
    payment = payment_locked(payment)
    if payment.status != Payment.Status.CAPTURED or not payment.stripe_intent_id:
        raise PaymentError(_("Only a card payment that was charged can be refunded."))
    waiting = payment.refunds.filter(status=Refund.Status.PENDING, amount=amount).first()
    if waiting is not None:
        return waiting
    available = payment.captured - payment.refunded - in_flight(payment)
    if amount > available:
        raise PaymentError(
            _("At most %(amount)s can be refunded.") % {"amount": format_chf(max(available, 0))}
        )
    number = payment.refunds.count()
    return Refund.objects.create(
        payment=payment, amount=amount, reason=reason, actor=actor,
        idempotency_key=f"{payment.idempotency_key('refund')}:{number}",
    )  # fmt: skip


def _refund_send(refund: Refund) -> None:
    """Send the refund to Stripe with its own key and book the answer. A connection problem
    leaves it PENDING, to be sent again with the same key; a refusal marks it FAILED."""
    payment = refund.payment
    assert payment.stripe_intent_id
    try:
        state = stripe_api.refund_create(payment.stripe_intent_id, amount=refund.amount,
                                         idempotency_key=refund.idempotency_key,
                                         reference=payment.booking.reference)  # fmt: skip
    except ProviderError as error:
        if not error.retryable:
            Refund.objects.filter(pk=refund.pk, status=Refund.Status.PENDING).update(
                status=Refund.Status.FAILED
            )
        raise
    refund_book(refund, state)


@transaction.atomic
def refund_book(refund: Refund, state: RefundState) -> Refund:
    """Book what Stripe says of the refund. Succeeded: the payment's ``refunded`` and the
    ledger follow, once, however often it is told. A refund that is through (succeeded or
    failed) stays so."""
    payment_locked(refund.payment)
    status = STRIPE_STATUS.get(state.status, Refund.Status.PROCESSING)
    changed = Refund.objects.filter(pk=refund.pk, status__in=IN_FLIGHT).update(
        status=status, stripe_refund_id=state.id or None
    )
    refund.refresh_from_db()
    if changed and status == Refund.Status.SUCCEEDED:
        # The check constraint payment_refund_within_capture guards this sum, too.
        Payment.objects.filter(pk=refund.payment_id).update(refunded=F("refunded") + refund.amount)
        ledger_refund(refund)
    return refund


def refund_changed(refund_id: str) -> Refund | None:
    """A webhook says a refund changed (the bank finished it, or returned it): ask Stripe
    and book it. None for a refund that is not ours."""
    refund = Refund.objects.filter(stripe_refund_id=refund_id).select_related("payment").first()
    if refund is None or refund.status not in IN_FLIGHT:
        return refund
    return refund_book(refund, stripe_api.refund_retrieve(refund_id))


def refunds_follow_up(booking_id: int) -> list[str]:
    """The settle sweep's part: send again what was not sent, ask after what is underway."""
    actions = []
    refunds = Refund.objects.filter(payment__booking_id=booking_id, status__in=IN_FLIGHT)
    for refund in refunds.select_related("payment__booking"):
        if refund.status == Refund.Status.PENDING:
            _refund_send(refund)
        else:
            assert refund.stripe_refund_id
            refund_book(refund, stripe_api.refund_retrieve(refund.stripe_refund_id))
        actions.append("refund")
    return actions
