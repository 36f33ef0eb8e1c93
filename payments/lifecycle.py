"""What payments do when a booking ends (called by the booking services, inside the booking's
transaction; provider calls run after commit, in the payments queue):

- completed: the helper's earning goes in the ledger; an invoice customer gets the invoice,
  a card customer's hold is captured for the final amount;
- cancelled or not there: a fee goes in the ledger (the helper's share); an invoice customer
  gets an invoice for it, a card hold is captured for the fee only or released;
- no helper found: a card hold is released.
"""

import logging
from datetime import datetime
from typing import Any

from django.db import transaction

from bookings.models import Booking
from payments.invoicing import invoice_issue
from payments.ledger import ledger_fee, ledger_job
from payments.models import Invoice, Payment
from payments.settle import Settlement, card_settle

logger = logging.getLogger(__name__)


def payments_visit_completed(
    *, booking: Booking, lines: list[dict[str, Any]], now: datetime
) -> None:
    """``lines``: the final quote's lines ({"code", "amount", "quantity"}), for the invoice."""
    ledger_job(booking=booking, at=now)
    if booking.payment_method == Payment.Method.INVOICE:
        invoice_issue(booking=booking, kind=Invoice.Kind.VISIT, lines=lines, now=now)
    elif booking.payment_method == Payment.Method.CARD:
        settle_after_commit(booking)


def payments_booking_ended(*, booking: Booking, now: datetime) -> None:
    """Cancelled (by anyone, with or without a fee), not there, or nobody found."""
    ledger_fee(booking=booking, at=now)
    if booking.payment_method == Payment.Method.INVOICE and booking.cancellation_fee > 0:
        code = "no_show_fee" if booking.no_show else "cancellation_fee"
        line = {"code": code, "amount": booking.cancellation_fee, "quantity": 1}
        invoice_issue(booking=booking, kind=Invoice.Kind.FEE, lines=[line], now=now)
    elif booking.payment_method == Payment.Method.CARD:
        settle_after_commit(booking)


def payments_settle_card(booking: Booking) -> Settlement:
    """Do on the card what the booking's outcome calls for (payments.card.card_settle), and
    invoice what no card covers. Run again, it does nothing more."""
    settlement = card_settle(booking)
    if settlement.to_invoice:
        with transaction.atomic():
            invoice_card_shortfall(booking=booking, amount=settlement.to_invoice)
    return settlement


def invoice_card_shortfall(*, booking: Booking, amount: int, now: datetime | None = None) -> None:
    """What the card did not cover is invoiced: all of it when there was no hold to capture
    (Stripe was away at booking, or the hold was released while nobody was found and staff
    found someone later), else the extra time the bank refused to charge without the
    customer."""
    if amount <= 0:
        return
    if booking.status == Booking.Status.CANCELLED:
        code = "no_show_fee" if booking.no_show else "cancellation_fee"
        lines = [{"code": code, "amount": amount, "quantity": 1}]
        invoice_issue(booking=booking, kind=Invoice.Kind.FEE, lines=lines, now=now)
        return
    units = _extra_units(booking)
    if amount == booking.price_total:
        lines = [{"code": code, "amount": part, "quantity": quantity} for code, part, quantity in (
            ("base", booking.price_base, 1), ("last_minute", booking.price_surcharge, 1),
            ("extra_time", booking.price_extra, units),
        ) if part]  # fmt: skip
    else:
        lines = [{"code": "extra_time", "amount": amount, "quantity": units}]
    invoice_issue(booking=booking, kind=Invoice.Kind.VISIT, lines=lines, now=now)


def _extra_units(booking: Booking) -> int:
    """How many units of extra time the helper reported (on the completion's event)."""
    done = booking.events.filter(to_status=Booking.Status.COMPLETED).order_by("-at").first()
    return max(int((done.data or {}).get("extra_units", 1)) if done else 1, 1)


def settle_after_commit(booking: Booking) -> None:
    """Capture, release or refund once the booking's change is committed. If the broker is
    down the booking stays due, and the payments sweep (payments.tasks) settles it later."""
    from payments.tasks import settle_booking  # the card services import the booking ones

    pk = booking.pk

    def enqueue() -> None:
        try:
            settle_booking.delay(pk)
        except Exception:
            # The broker refused it, or (eager, in development) the settlement itself failed.
            logger.exception("Could not enqueue or run the settlement of booking %s", pk)

    transaction.on_commit(enqueue)
