"""Invoices with a Swiss QR-bill (DESIGN §7): issued when a visit paid by invoice is done or
a fee is due, marked paid by staff, reminded of once when unpaid.

An invoice's number counts up within its year ("2026-000123"): the next one is the year's
highest plus one, and the unique number makes a concurrent issue that picked the same one
fail in its savepoint and take the next. Its QR reference is derived from the booking and
the kind, of which there is one invoice each, so it is unique without a counter.

The e-mails carry the invoice as a PDF, rendered when the e-mail is sent, in the
recipient's language (see ``invoice_attachments``).
"""

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.models import Booking
from bookings.notices import service_names
from notifications.models import Notification
from notifications.services import Attachment, notify
from payments.models import Invoice

logger = logging.getLogger(__name__)

Kind = Invoice.Kind
Status = Invoice.Status
LINE_CODES = {
    Kind.VISIT: frozenset({"base", "last_minute", "extra_time"}),
    Kind.FEE: frozenset({"cancellation_fee", "no_show_fee"}),
}
# The QR reference's last two digits before the check digit: which invoice of the booking.
REFERENCE_KIND_DIGITS = {Kind.VISIT: "01", Kind.FEE: "02"}
# Modulo 10, recursive (the ESR/QR reference check digit, SIX Implementation Guidelines).
_MOD10_TABLE = (0, 9, 4, 6, 8, 2, 7, 1, 3, 5)
NUMBER_DIGITS = 6
NUMBER_ATTEMPTS = 5
PDF_MIMETYPE = "application/pdf"


class InvoiceError(Exception):
    """A change to an invoice that is not allowed; ``message`` is for the person who tried."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- Pure parts ---------------------------------------------------------------------------


def qr_check_digit(digits: str) -> str:
    """The modulo-10-recursive check digit of a string of digits."""
    carry = 0
    for digit in digits:
        carry = _MOD10_TABLE[(carry + int(digit)) % 10]
    return str((10 - carry) % 10)


def qr_reference(*, booking_id: int, kind: str) -> str:
    """The 27-digit QR reference of a booking's invoice of this kind: 24 digits of the
    booking's id, 2 of the kind, the check digit."""
    body = f"{booking_id:024d}{REFERENCE_KIND_DIGITS[Kind(kind)]}"
    return body + qr_check_digit(body)


def format_qr_reference(reference: str) -> str:
    """The reference as printed for people: in blocks of five from the right."""
    head = len(reference) % 5
    blocks = [reference[:head]] if head else []
    blocks += [reference[i : i + 5] for i in range(head, len(reference), 5)]
    return " ".join(blocks)


def invoice_number(year: int, sequence: int) -> str:
    return f"{year}-{sequence:0{NUMBER_DIGITS}d}"


def invoice_filename(invoice: Invoice) -> str:
    return f"Mila-invoice-{invoice.number}.pdf"


def clean_lines(kind: str, lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The lines as stored: known codes for the kind, whole Rappen, at least one of each."""
    cleaned = []
    for line in lines:
        code, amount, quantity = line["code"], line["amount"], line.get("quantity", 1)
        if code not in LINE_CODES[Kind(kind)]:
            raise ValueError(f"{code!r} is not a line of a {kind} invoice")
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
            raise ValueError("a line's amount is a whole, non-negative number of Rappen")
        if not isinstance(quantity, int) or quantity < 1:
            raise ValueError("a line's quantity is a whole number, at least 1")
        cleaned.append({"code": code, "amount": amount, "quantity": quantity})
    return cleaned


# --- Reads --------------------------------------------------------------------------------


def invoices_for_customer(user: Any) -> QuerySet[Invoice]:
    """The invoices a customer may see: those of their own bookings."""
    if not user.is_authenticated:
        return Invoice.objects.none()
    return Invoice.objects.filter(booking__customer=user)


def _invoice_for_pdf(invoice_id: Any) -> Invoice | None:
    return (
        Invoice.objects.select_related("booking__service", "booking__customer")
        .filter(pk=invoice_id)
        .first()
    )


# --- Writes -------------------------------------------------------------------------------


def _next_number(year: int) -> str:
    prefix = f"{year}-"
    last = Invoice.objects.filter(number__startswith=prefix).aggregate(Max("number"))
    highest = last["number__max"]
    return invoice_number(year, int(highest.removeprefix(prefix)) + 1 if highest else 1)


@transaction.atomic
def invoice_issue(
    *, booking: Booking, kind: str, lines: list[dict[str, Any]], now: datetime | None = None
) -> Invoice | None:
    """Bill the customer for a visit (its final quote's lines) or a fee, once: a booking has
    at most one invoice of each kind, and a second call returns the first. Nothing is
    billed when the lines add up to nothing (None). The customer gets an e-mail with the PDF.
    Called in the caller's transaction (the booking's completion or cancellation)."""
    existing = Invoice.objects.filter(booking=booking, kind=kind).first()
    if existing is not None:
        return existing
    cleaned = clean_lines(kind, lines)
    amount = sum(line["amount"] for line in cleaned)
    if amount <= 0:
        return None
    now = now or timezone.now()
    fields = {
        "booking": booking, "kind": kind, "lines": cleaned, "amount": amount, "issued_at": now,
        "due_at": now + timedelta(days=settings.INVOICE_DUE_DAYS),
        "reference": qr_reference(booking_id=booking.pk, kind=kind),
    }  # fmt: skip
    for _attempt in range(NUMBER_ATTEMPTS):
        try:
            with transaction.atomic():
                invoice = Invoice.objects.create(
                    number=_next_number(timezone.localtime(now).year), **fields
                )
        except IntegrityError:
            existing = Invoice.objects.filter(booking=booking, kind=kind).first()
            if existing is not None:
                return existing  # issued at the same moment by someone else
            continue  # another invoice took the number: take the next one
        _tell_customer(invoice, Notification.Kind.INVOICE_ISSUED)
        return invoice
    raise RuntimeError(f"no free invoice number after {NUMBER_ATTEMPTS} attempts")


def invoice_context(invoice: Invoice) -> dict[str, Any]:
    """Plain values for the inbox; e-mails also get the invoice and its booking."""
    booking = invoice.booking
    return {
        "booking_id": booking.pk,
        "invoice_id": invoice.pk,
        "invoice_kind": invoice.kind,
        "number": invoice.number,
        "amount": invoice.amount,
        "due_at": invoice.due_at.isoformat(),
        "payment_reference": invoice.reference,
        "payment_reference_text": format_qr_reference(invoice.reference),
        "reference": booking.reference,
        "service": service_names(booking.service),
        "url": reverse("bookings:detail", args=[booking.reference]),
        "pdf_url": reverse("payments:invoice_pdf", args=[invoice.number]),
    }


def _tell_customer(invoice: Invoice, kind: str) -> None:
    notify(recipient=invoice.booking.customer, kind=kind, context=invoice_context(invoice))


@transaction.atomic
def invoice_mark_paid(*, invoice: Invoice, actor: Any, now: datetime | None = None) -> Invoice:
    """Staff record that the money came in. Marking a paid invoice again changes nothing; a
    cancelled invoice cannot be paid."""
    locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if locked.status == Status.VOID:
        raise InvoiceError(_("This invoice was cancelled, so it cannot be marked as paid."))
    if locked.status == Status.OPEN:
        locked.status = Status.PAID
        locked.paid_at = now or timezone.now()
        locked.marked_paid_by = actor
        locked.save(update_fields=["status", "paid_at", "marked_paid_by"])
        logger.info("Invoice %s marked paid by %s", locked.number, getattr(actor, "pk", None))
    return locked


@transaction.atomic
def invoice_void(*, invoice: Invoice, actor: Any, reason: str) -> Invoice:
    """Staff cancel an invoice sent by mistake: the customer owes nothing on it and gets no
    reminder. A paid invoice stays paid (give the money back instead). The model has no
    field for the reason yet, so it goes to the log."""
    locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if locked.status == Status.PAID:
        raise InvoiceError(_("This invoice is paid, so it cannot be cancelled."))
    if locked.status == Status.OPEN:
        locked.status = Status.VOID
        locked.save(update_fields=["status"])
        logger.info(
            "Invoice %s cancelled by %s: %s", locked.number, getattr(actor, "pk", None), reason
        )
    return locked


def invoices_remind(now: datetime | None = None) -> int:
    """Remind the customer of each invoice still open INVOICE_REMINDER_AFTER_DAYS after it
    was issued, once: the reminder is claimed with a compare-and-set on reminder_sent_at,
    in the same transaction as its e-mail, so two sweeps never both send it. Returns how
    many reminders were written."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.INVOICE_REMINDER_AFTER_DAYS)
    due = Invoice.objects.filter(
        status=Status.OPEN, reminder_sent_at__isnull=True, issued_at__lt=cutoff
    )
    sent = 0
    for pk in due.order_by("issued_at", "pk").values_list("pk", flat=True):
        with transaction.atomic():
            claimed = due.filter(pk=pk).update(reminder_sent_at=now)
            if claimed:
                invoice = Invoice.objects.select_related("booking__service", "booking__customer")
                _tell_customer(invoice.get(pk=pk), Notification.Kind.INVOICE_REMINDER)
                sent += 1
    return sent


# --- E-mails ------------------------------------------------------------------------------


def load_invoice(invoice_id: Any) -> dict[str, Any]:
    """The context loader for ``invoice_id`` (registered in PaymentsConfig.ready)."""
    return {"invoice": _invoice_for_pdf(invoice_id)}


def invoice_attachments(notification: Notification, context: dict[str, Any]) -> list[Attachment]:
    """The invoice's PDF for its e-mails, in the recipient's language (the active one when
    the e-mail is rendered), as the invoice stands when the e-mail leaves."""
    from payments.invoice_pdf import invoice_pdf

    invoice = context.get("invoice")
    if not isinstance(invoice, Invoice):
        return []
    return [(invoice_filename(invoice), invoice_pdf(invoice), PDF_MIMETYPE)]
