"""The nightly reconciliation (DESIGN §7): webhooks can be missed (our site was down longer
than Stripe retries, an endpoint misconfigured), so once a night every recent PaymentIntent is
compared with its payment, and a payment that fell behind is brought up to date the same way
a webhook would have done it."""

import logging
from dataclasses import dataclass
from datetime import datetime

from payments import stripe_api
from payments.models import Payment
from payments.sync import status_for
from payments.webhooks import payment_intent_changed

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReconcileResult:
    checked: int  # PaymentIntents of ours that were compared
    repaired: int  # payments whose status was behind Stripe's and was brought up to date


def payments_reconcile(*, since: datetime) -> ReconcileResult:
    """Bring every payment whose PaymentIntent was created since ``since`` to the status
    Stripe has for it. PaymentIntents that are not ours (another integration on the same
    account) are left alone. Each repair is logged: it means an event went missing."""
    checked = repaired = 0
    for state in stripe_api.intents_since(since):
        payment = (
            Payment.objects.filter(stripe_intent_id=state.id).select_related("booking").first()
        )
        if payment is None:
            continue
        checked += 1
        if payment.status == status_for(state):
            continue
        updated, before = payment_intent_changed(state)
        if updated is not None and updated.status != before:
            repaired += 1
            logger.warning(
                "payment of booking %s repaired from Stripe: %s → %s",
                payment.booking.reference, before, updated.status,
            )  # fmt: skip
    return ReconcileResult(checked=checked, repaired=repaired)
