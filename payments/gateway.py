"""How a booking gets paid (DESIGN §7). Two gateways share one interface: Invoice (pay after
the visit, the default) and Stripe (card hold, from the payments issue on)."""

from dataclasses import dataclass
from typing import Any, Protocol


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


def payment_gateway() -> PaymentGateway:
    return InvoiceGateway()
