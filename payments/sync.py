"""Our Payment rows follow Stripe's PaymentIntents. Whatever tells us a PaymentIntent changed
(the confirm page, a webhook, the nightly reconciliation) re-fetches it and hands the current
state here, so the result is the same in any order and however often it is told."""

from django.db import transaction
from django.utils import timezone

from payments.models import Payment
from payments.stripe_api import IntentState

Status = Payment.Status

# Stripe's status → ours. "requires_payment_method" after an attempt means declined.
STRIPE_STATUS = {
    "requires_payment_method": Status.PENDING,
    "requires_confirmation": Status.PENDING,
    "processing": Status.PENDING,
    "requires_action": Status.REQUIRES_ACTION,
    "requires_capture": Status.AUTHORIZED,
    "succeeded": Status.CAPTURED,
    "canceled": Status.CANCELED,
}
FINAL = {Status.CAPTURED, Status.CANCELED}


def status_for(state: IntentState) -> str:
    if state.status == "requires_payment_method" and state.error:
        return Status.FAILED
    return STRIPE_STATUS.get(state.status, Status.PENDING)


@transaction.atomic
def payment_apply_intent(state: IntentState) -> tuple[Payment | None, str]:
    """Bring the payment of this PaymentIntent up to date. Returns (payment, its status
    before); (None, "") for a PaymentIntent that is not ours. A final status (charged,
    released) never goes back, whatever a late message claims."""
    payment = Payment.objects.select_for_update().filter(stripe_intent_id=state.id).first()
    if payment is None:
        return None, ""
    before = payment.status
    status = status_for(state)
    if before in FINAL and status != before:
        return payment, before
    payment.status = status
    if status == Status.AUTHORIZED:
        payment.amount = state.amount_capturable or state.amount
        payment.held_at = payment.held_at or timezone.now()
    if status == Status.CAPTURED:
        payment.captured = state.amount_received
    payment.failure_message = state.error if status == Status.FAILED else ""
    payment.save(
        update_fields=["status", "amount", "held_at", "captured", "failure_message", "updated_at"]
    )
    return payment, before
