"""How a booking gets paid (DESIGN §7). Two gateways share one interface: Invoice (pay after
the visit, the default) and Stripe (a card hold, when a Stripe key is set)."""

import logging
from dataclasses import dataclass
from typing import Any, Protocol

from payments import stripe_api

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Authorization:
    approved: bool
    method: str
    note: str = ""


class PaymentGateway(Protocol):
    method: str  # what customers are told: "invoice" or "card"

    def authorize(self, booking: Any) -> Authorization:
        """Secure the payment for a booking the customer has just confirmed.

        Called outside any database transaction; a provider call carries the idempotency
        key ``booking:<id>:authorize`` so a retry never holds the money twice."""


class InvoiceGateway:
    """The customer pays by invoice after the visit: nothing to secure up front."""

    method = "invoice"

    def authorize(self, booking: Any) -> Authorization:
        return Authorization(approved=True, method="invoice", note="invoice")


class StripeGateway:
    """The customer pays by card: the booking's price is held on it (capture_method=manual)
    and charged when the visit is done (payments.card).

    Approved once the money is held. Until then — the customer still has to enter and
    confirm their card (Payment Element), or the visit is too far ahead for a hold and the
    card is only saved now — the booking waits; ``note`` says which."""

    method = "card"

    def authorize(self, booking: Any) -> Authorization:
        from payments.card import card_authorize
        from payments.models import Payment

        try:
            payment = card_authorize(booking)
        except stripe_api.ProviderError as error:
            # The booking is kept; the confirm page asks Stripe again (card_client_secret).
            logger.warning("card hold for booking %s not created: %s", booking.pk, error)
            return Authorization(approved=False, method=self.method, note="card_unavailable")
        if payment.status == Payment.Status.AUTHORIZED:
            return Authorization(approved=True, method=self.method, note="card_hold")
        note = "card_save" if payment.stripe_setup_intent_id else "card_confirm"
        return Authorization(approved=False, method=self.method, note=note)


GATEWAYS: dict[str, type[InvoiceGateway] | type[StripeGateway]] = {
    "card": StripeGateway,
    "invoice": InvoiceGateway,
}


def available_methods() -> tuple[str, ...]:
    """The ways a customer may pay: by card only with a Stripe key."""
    return ("card", "invoice") if stripe_api.enabled() else ("invoice",)


def payment_gateway(method: str | None = None) -> PaymentGateway:
    """The gateway for ``method``; without one, the default: invoice (DESIGN §7)."""
    method = method or "invoice"
    if method not in available_methods():
        raise ValueError(f"payment method {method!r} is not available")
    return GATEWAYS[method]()
