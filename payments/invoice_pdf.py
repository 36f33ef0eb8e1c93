"""An invoice as an A4 PDF (reportlab) with the Swiss QR-bill payment part at its foot
(package ``qrbill``, drawn as SVG and placed with svglib), in the active language.

The QR-bill is drawn in Helvetica (svglib's stand-in for the "Arial,Helvetica" qrbill asks
for), one of the fonts the SIX style guide allows. Only an open invoice carries the payment
part: a paid or cancelled one says so instead, so nobody pays it twice.
"""

import io
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from qrbill import QRBill
from reportlab.graphics import renderPDF
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas
from stdnum.iso7064 import mod_97_10
from svglib.svglib import svg2rlg

from bookings.pricing import PricingPolicy
from mila.formats import format_when
from mila.lib.money import format_chf
from payments.models import EarningEntry, Invoice

QR_LANGUAGES = ("de", "fr", "it", "en")
PAGE_WIDTH, PAGE_HEIGHT = A4
LEFT = 20 * mm
RIGHT = PAGE_WIDTH - 20 * mm
ADDRESS_LEFT = 120 * mm  # the window of a Swiss C5 envelope, on the right
PAYMENT_PART_HEIGHT = 106 * mm  # qrbill's part: 105 mm and the scissors line above it
FONT, BOLD = "Helvetica", "Helvetica-Bold"
SIZE = 10
LEADING = 13.5


def _language() -> str:
    language = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    return language if language in QR_LANGUAGES else "en"


def _amount_text(rappen: int) -> str:
    francs, cents = divmod(rappen, 100)
    return f"{francs}.{cents:02d}"


def creditor_lines() -> list[str]:
    creditor = settings.INVOICE_CREDITOR
    return [
        creditor["name"],
        f"{creditor['street']} {creditor['house_num']}".strip(),
        f"{creditor['pcode']} {creditor['city']}",
    ]


def debtor_address(invoice: Invoice) -> dict[str, str]:
    """The customer as the QR-bill's debtor: their name at the visit's address (structured,
    cut to the lengths the standard allows)."""
    booking = invoice.booking
    customer = booking.customer
    name = customer.get_full_name() or customer.email
    return {
        "name": name[:70], "street": booking.street[:70], "pcode": booking.postcode[:16],
        "city": booking.city[:35], "country": booking.country,
    }  # fmt: skip


def is_qr_iban(account: str) -> bool:
    """A QR-IBAN (institution id 30000–31999) takes QR references, any other IBAN none."""
    institution = account.replace(" ", "")[4:9]
    return institution.isdigit() and 30000 <= int(institution) <= 31999


def bill_reference(invoice: Invoice) -> str:
    """The QR reference with a QR-IBAN, as the standard requires; with an ordinary IBAN (a
    misconfigured INVOICE_IBAN) the same digits as an ISO 11649 creditor reference, so the
    invoices still go out."""
    if is_qr_iban(settings.INVOICE_IBAN):
        return invoice.reference
    digits = invoice.reference.lstrip("0")
    return "RF" + mod_97_10.calc_check_digits(digits + "RF") + digits


def qr_bill(invoice: Invoice, *, language: str | None = None) -> QRBill:
    """The invoice's QR-bill: Mila's account, the amount in CHF, the QR reference."""
    language = language or _language()
    with translation.override(language):
        message = _("Invoice %(number)s") % {"number": invoice.number}
    return QRBill(
        account=settings.INVOICE_IBAN,
        creditor=settings.INVOICE_CREDITOR,
        debtor=debtor_address(invoice),
        amount=_amount_text(invoice.amount),
        currency=invoice.booking.currency or "CHF",
        reference_number=bill_reference(invoice),
        additional_information=message,
        language=language,
    )


def line_label(line: dict[str, Any], invoice: Invoice) -> str:
    """What a line is, in the active language, with the numbers it depends on."""
    code, quantity = line["code"], line.get("quantity", 1)
    if code == "base":
        minutes = invoice.booking.service.duration_minutes
        return ngettext(
            "Visit (about %(minutes)s minute)", "Visit (about %(minutes)s minutes)", minutes
        ) % {"minutes": minutes}
    if code == "last_minute":
        policy = PricingPolicy.from_settings()
        hours = int(policy.last_minute_window.total_seconds() // 3600)
        return ngettext(
            "Last-minute surcharge (+%(percent)s%%, visit within %(hours)s hour)",
            "Last-minute surcharge (+%(percent)s%%, visit within %(hours)s hours)",
            hours,
        ) % {"percent": policy.last_minute_percent, "hours": hours}
    if code == "extra_time":
        minutes = quantity * PricingPolicy.from_settings().extra_time_unit_minutes
        return ngettext(
            "Extra time (%(minutes)s minute)", "Extra time (%(minutes)s minutes)", minutes
        ) % {"minutes": minutes}
    if code == "cancellation_fee":
        return str(EarningEntry.Kind.CANCELLATION_FEE.label)
    if code == "no_show_fee":
        return str(EarningEntry.Kind.NO_SHOW_FEE.label)
    return code


def _date(value: datetime) -> str:
    return format_when(value, "LONG_DATE")


class _Page:
    """A cursor down the page: each call writes at ``y`` and moves it below what it wrote."""

    def __init__(self, canvas: Canvas, top: float) -> None:
        self.canvas = canvas
        self.y = top

    def text(self, x: float, text: str, *, font: str = FONT, size: float = SIZE) -> None:
        self.canvas.setFont(font, size)
        self.canvas.drawString(x, self.y, text)

    def paragraph(self, text: str, *, width: float = RIGHT - LEFT, size: float = SIZE) -> None:
        for line in simpleSplit(text, FONT, size, width):
            self.text(LEFT, line, size=size)
            self.down(size * 1.35)

    def row(self, label: str, value: str, *, font: str = FONT) -> None:
        """A line of the table: the label wrapped on the left, the amount on the right."""
        lines = simpleSplit(label, font, SIZE, RIGHT - LEFT - 40 * mm)
        self.canvas.setFont(font, SIZE)
        self.canvas.drawRightString(RIGHT, self.y, value)
        for line in lines:
            self.text(LEFT, line, font=font)
            self.down(LEADING)

    def fact(self, label: str, value: str) -> None:
        self.text(LEFT, label, font=BOLD)
        for line in simpleSplit(value, FONT, SIZE, RIGHT - LEFT - 45 * mm) or [""]:
            self.text(LEFT + 45 * mm, line)
            self.down(LEADING)

    def rule(self) -> None:
        self.canvas.setLineWidth(0.5)
        self.canvas.line(LEFT, self.y + LEADING - 3, RIGHT, self.y + LEADING - 3)

    def down(self, points: float) -> None:
        self.y -= points


def _letterhead(page: _Page, invoice: Invoice) -> None:
    page.text(LEFT, "Mila", font=BOLD, size=20)
    page.down(8 * mm)
    for line in creditor_lines():
        page.text(LEFT, line, size=9)
        page.down(11)
    page.y = PAGE_HEIGHT - 50 * mm
    address = debtor_address(invoice)
    for line in (address["name"], address["street"], f"{address['pcode']} {address['city']}"):
        page.text(ADDRESS_LEFT, line)
        page.down(LEADING)


def _facts(page: _Page, invoice: Invoice) -> None:
    booking = invoice.booking
    page.y = PAGE_HEIGHT - 88 * mm
    page.text(LEFT, _("Invoice %(number)s") % {"number": invoice.number}, font=BOLD, size=16)
    page.down(9 * mm)
    page.fact(_("Invoice date"), _date(invoice.issued_at))
    page.fact(_("Payable by"), _date(invoice.due_at))
    page.fact(_("Booking"), booking.reference)
    page.fact(_("Service"), booking.service.name)
    page.fact(_("Visit"), format_when(booking.starts_at, "WEEKDAY_DATETIME"))
    page.fact(_("Visit address"), f"{booking.street}, {booking.postcode} {booking.city}")
    page.down(LEADING / 2)


def _lines(page: _Page, invoice: Invoice) -> None:
    page.row(_("Description"), _("Amount"), font=BOLD)
    page.rule()
    for line in invoice.lines:
        page.row(line_label(line, invoice), format_chf(line["amount"]))
    page.rule()
    page.row(_("Total"), format_chf(invoice.amount), font=BOLD)
    page.down(LEADING / 2)


def _terms(page: _Page, invoice: Invoice) -> None:
    if invoice.status == Invoice.Status.PAID and invoice.paid_at:
        page.paragraph(_("Paid on %(date)s. Thank you!") % {"date": _date(invoice.paid_at)})
    elif invoice.status == Invoice.Status.VOID:
        page.paragraph(_("This invoice was cancelled: you owe nothing on it."))
    else:
        page.paragraph(
            _(
                "Please pay the total by %(date)s with the payment part below: scan its QR "
                "code with your banking app, or take it to the post office."
            )
            % {"date": _date(invoice.due_at)}
        )
    page.paragraph(settings.INVOICE_VAT_NOTE, size=8.5)


def _payment_part(canvas: Canvas, invoice: Invoice) -> None:
    svg = io.StringIO()
    qr_bill(invoice).as_svg(svg)
    drawing = svg2rlg(io.BytesIO(svg.getvalue().encode()))
    if drawing is None:
        raise RuntimeError("svglib could not read the QR-bill")
    renderPDF.draw(drawing, canvas, 0, 0)


def invoice_pdf(invoice: Invoice, *, language: str | None = None) -> bytes:
    """The invoice as a one-page A4 PDF, in ``language`` or else the active language."""
    with translation.override(language or translation.get_language()):
        buffer = io.BytesIO()
        canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
        canvas.setTitle(_("Invoice %(number)s") % {"number": invoice.number})
        canvas.setAuthor(settings.INVOICE_CREDITOR["name"])
        page = _Page(canvas, PAGE_HEIGHT - 20 * mm)
        _letterhead(page, invoice)
        _facts(page, invoice)
        _lines(page, invoice)
        _terms(page, invoice)
        if invoice.status == Invoice.Status.OPEN:
            _payment_part(canvas, invoice)
        canvas.showPage()
        canvas.save()
    return buffer.getvalue()
