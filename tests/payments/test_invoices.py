"""Invoices with a Swiss QR-bill (DESIGN §7): what the customer gets when a visit paid by
invoice is done or a fee is due (one invoice, its e-mail with the PDF, the QR payment part),
the PDF on their booking page, staff marking it paid, and the one reminder."""

import base64
import re
import zlib
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from stdnum import iso11649
from stdnum.ch import esr

from bookings.models import Booking
from customers.models import User
from mila.formats import format_when
from notifications.models import Notification
from payments.invoice_pdf import invoice_pdf, qr_bill
from payments.invoicing import (
    InvoiceError,
    format_qr_reference,
    invoice_issue,
    invoice_mark_paid,
    invoice_void,
    invoices_remind,
    qr_check_digit,
    qr_reference,
)
from payments.models import Invoice
from payments.tasks_invoices import send_invoice_reminders
from tests.concurrency import run_at_once
from tests.factories import ZURICH, BookingFactory, UserFactory

pytestmark = pytest.mark.django_db

VISIT = [{"code": "base", "amount": 7900, "quantity": 1}]
FEE = [{"code": "cancellation_fee", "amount": 3950, "quantity": 1}]
ISSUED = datetime(2026, 12, 10, 9, 0, tzinfo=ZURICH)
IBAN = "CH4431999123000889012"


@pytest.fixture
def customer() -> Any:
    return UserFactory(first_name="Ruth", last_name="Keller", preferred_language="de")


@pytest.fixture
def booking(customer: User) -> Any:
    return BookingFactory(customer=customer, status=Booking.Status.COMPLETED, reference="MK7Q-3PXA")


@pytest.fixture
def sent(django_capture_on_commit_callbacks: Callable) -> Iterator[None]:
    """Run what commits enqueue (the e-mails' delivery, eager) when the test's block ends."""
    with django_capture_on_commit_callbacks(execute=True):
        yield


def issue(booking: Booking, lines: list[dict[str, Any]] = VISIT, **kwargs: Any) -> Any:
    kwargs.setdefault("now", ISSUED)
    fee = bool(lines) and lines[0]["code"] in ("cancellation_fee", "no_show_fee")
    kwargs.setdefault("kind", Invoice.Kind.FEE if fee else Invoice.Kind.VISIT)
    return invoice_issue(booking=booking, lines=lines, **kwargs)


def issued_with_email(
    booking: Booking, capture: Callable, lines: list[dict[str, Any]] = VISIT
) -> Invoice:
    with capture(execute=True):
        invoice = issue(booking, lines)
    return invoice


def pdf_strings(pdf: bytes) -> str:
    """The text drawn on the PDF's pages (its compressed content streams' string operands)."""
    texts = []
    for stream in re.findall(rb"stream\r?\n(.*?)\s*endstream", pdf, re.S):
        try:  # reportlab writes ASCII85 of deflated content
            content = zlib.decompress(base64.a85decode(stream.strip().removesuffix(b"~>")))
        except (ValueError, zlib.error):
            continue
        for literal in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", content):
            unescaped = re.sub(rb"\\([()\\])", rb"\1", literal)
            unescaped = re.sub(rb"\\(\d{3})", lambda m: bytes([int(m[1], 8)]), unescaped)
            texts.append(unescaped.decode("cp1252"))
    return "\n".join(texts)


# --- Issuing ------------------------------------------------------------------------------


def test_a_done_visit_is_billed_once(booking: Booking, sent: None) -> None:
    first = issue(booking)
    second = issue(booking, now=ISSUED + timedelta(hours=1))

    assert second == first
    invoice = Invoice.objects.get()
    assert (invoice.booking, invoice.kind, invoice.amount) == (booking, "visit", 7900)
    assert invoice.status == Invoice.Status.OPEN
    assert invoice.lines == VISIT
    assert Notification.objects.filter(kind=Notification.Kind.INVOICE_ISSUED).count() == 1


def test_a_visit_and_its_fee_are_two_invoices(booking: Booking) -> None:
    visit = issue(booking, [{"code": "base", "amount": 7900, "quantity": 1},
                            {"code": "last_minute", "amount": 1580, "quantity": 1},
                            {"code": "extra_time", "amount": 7900, "quantity": 2}],
                  kind=Invoice.Kind.VISIT)  # fmt: skip
    fee = issue(booking, FEE)

    assert visit.amount == 7900 + 1580 + 7900
    assert fee.amount == 3950
    assert visit.reference != fee.reference


def test_nothing_is_billed_when_the_lines_add_up_to_nothing(booking: Booking) -> None:
    assert issue(booking, [{"code": "base", "amount": 0, "quantity": 1}]) is None
    assert issue(booking, []) is None
    assert not Invoice.objects.exists()
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    "lines",
    [[{"code": "no_show_fee", "amount": 100}], [{"code": "base", "amount": -5}],
     [{"code": "base", "amount": 7.9}]],
)  # fmt: skip
def test_lines_that_do_not_belong_to_a_visit_invoice_are_refused(
    booking: Booking, lines: list[dict[str, Any]]
) -> None:
    with pytest.raises(ValueError, match="line"):
        issue(booking, lines, kind=Invoice.Kind.VISIT)
    assert not Invoice.objects.exists()


def test_numbers_count_up_within_the_year_and_start_again_in_the_next() -> None:
    numbers = [issue(BookingFactory(status="completed")).number for _ in range(3)]
    next_year = issue(
        BookingFactory(status="completed"), now=datetime(2027, 1, 1, 0, 5, tzinfo=ZURICH)
    )

    assert numbers == ["2026-000001", "2026-000002", "2026-000003"]
    assert next_year.number == "2027-000001"  # 1 January in Zürich, 31 December in UTC
    assert all(re.fullmatch(r"\d{4}-\d{6}", n) for n in numbers)


def test_the_payment_reference_is_a_valid_qr_reference(booking: Booking) -> None:
    invoice = issue(booking)

    assert re.fullmatch(r"\d{27}", invoice.reference)
    assert invoice.reference == f"{booking.pk:024d}01" + invoice.reference[-1]
    assert esr.is_valid(invoice.reference)  # python-stdnum's own check, as qrbill uses it
    assert invoice.reference == qr_reference(booking_id=booking.pk, kind="visit")


def test_the_check_digit_is_modulo_10_recursive() -> None:
    # The example of the SIX implementation guidelines: 21 00000 00003 13947 14300 09017.
    assert qr_check_digit("21000000000313947143000901") == "7"
    assert qr_check_digit("0" * 26) == "0"
    assert all(esr.is_valid(qr_reference(booking_id=n, kind="fee")) for n in range(1, 300))
    assert format_qr_reference("210000000003139471430009017") == "21 00000 00003 13947 14300 09017"


def test_the_invoice_is_due_after_the_payment_term(booking: Booking) -> None:
    invoice = issue(booking)

    assert invoice.issued_at == ISSUED
    assert invoice.due_at == ISSUED + timedelta(days=settings.INVOICE_DUE_DAYS)


# --- The PDF and its QR-bill --------------------------------------------------------------


def test_the_pdf_has_the_qr_payment_part_in_the_customers_language(booking: Booking) -> None:
    invoice = issue(booking)

    pdf = invoice_pdf(invoice, language="de")

    assert pdf.startswith(b"%PDF")
    text = pdf_strings(pdf).replace("\xa0", " ")  # reportlab draws the no-break space as one
    for shown in ("Zahlteil", "Empfangsschein", "Konto / Zahlbar an", "CH44 3199 9123 0008 8901 2",
                  "Mila Hilfe GmbH", "Ruth Keller", "Limmatquai 1", "79.00", invoice.number,
                  "MK7Q-3PXA", format_qr_reference(invoice.reference),
                  format_when(invoice.due_at, "LONG_DATE", language="de"),
                  "CHF 79.00", settings.INVOICE_VAT_NOTE):  # fmt: skip
        assert shown in text, shown
    assert "Section paiement" in pdf_strings(invoice_pdf(invoice, language="fr"))


def test_the_qr_code_carries_the_amount_the_account_and_the_reference(booking: Booking) -> None:
    invoice = issue(booking)

    fields = qr_bill(invoice, language="de").qr_data().split("\r\n")

    assert fields[:4] == ["SPC", "0200", "1", IBAN]
    assert fields[4:11] == ["S", "Mila Hilfe GmbH", "Bahnhofstrasse", "1", "8001", "Zürich", "CH"]
    assert fields[11:18] == [""] * 7  # no ultimate creditor
    assert fields[18:20] == ["79.00", "CHF"]
    assert fields[20:27] == ["S", "Ruth Keller", "Limmatquai 1", "", "8001", "Zürich", "CH"]
    assert fields[27:29] == ["QRR", invoice.reference]
    assert invoice.number in fields[29]  # the message the bank statement shows
    assert fields[30] == "EPD"
    assert len(fields) == 31


def test_with_an_ordinary_iban_the_bill_has_a_creditor_reference(
    booking: Booking, settings: Any
) -> None:
    settings.INVOICE_IBAN = "CH93 0076 2011 6238 5295 7"
    invoice = issue(booking)

    fields = qr_bill(invoice).qr_data().split("\r\n")

    assert fields[3] == "CH9300762011623852957"
    assert fields[27] == "SCOR"
    assert iso11649.is_valid(fields[28])
    assert fields[28].endswith(invoice.reference.lstrip("0"))
    assert invoice_pdf(invoice).startswith(b"%PDF")


def test_a_paid_invoice_has_no_payment_part(booking: Booking, customer: User) -> None:
    invoice = invoice_mark_paid(invoice=issue(booking), actor=UserFactory(is_staff=True))

    text = pdf_strings(invoice_pdf(invoice, language="de"))

    assert "Zahlteil" not in text
    assert format_when(invoice.paid_at, "LONG_DATE", language="de") in text


# --- The e-mail ---------------------------------------------------------------------------


def test_the_customer_gets_the_invoice_as_a_pdf_in_their_language(
    booking: Booking, django_capture_on_commit_callbacks: Callable
) -> None:
    invoice = issued_with_email(booking, django_capture_on_commit_callbacks)

    (message,) = mail.outbox
    assert message.to == [booking.customer.email]
    assert invoice.number in message.subject
    assert format_when(invoice.due_at, "LONG_DATE", language="de") in message.subject  # 9. Januar
    assert "9. Januar 2027" in message.subject
    ((filename, content, mimetype),) = message.attachments
    assert (filename, mimetype) == (f"Mila-invoice-{invoice.number}.pdf", "application/pdf")
    assert content.startswith(b"%PDF")
    assert "Zahlteil" in pdf_strings(content)
    assert reverse("payments:invoice_pdf", args=[invoice.number]) in message.body
    assert format_qr_reference(invoice.reference) in message.body


def test_a_french_speaking_customer_gets_it_in_french(
    django_capture_on_commit_callbacks: Callable,
) -> None:
    booking = BookingFactory(status="completed", customer__preferred_language="fr")

    issued_with_email(booking, django_capture_on_commit_callbacks, FEE)

    (message,) = mail.outbox
    assert "9 janvier 2027" in message.subject
    assert "Section paiement" in pdf_strings(message.attachments[0][1])


def test_the_inbox_entry_shows_the_invoice(booking: Booking, client: Any, customer: User) -> None:
    invoice = issue(booking)
    client.force_login(customer)

    response = client.get(reverse("notifications:inbox"))

    assert response.status_code == 200
    assert invoice.number in response.text


# --- Download -----------------------------------------------------------------------------


def test_the_customer_downloads_their_invoice(
    booking: Booking, client: Any, customer: User
) -> None:
    invoice = issue(booking)
    client.force_login(customer)

    response = client.get(reverse("payments:invoice_pdf", args=[invoice.number]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Mila-invoice-2026-000001.pdf"'
    assert response.content.startswith(b"%PDF")


def test_someone_elses_invoice_is_not_found(booking: Booking, client: Any) -> None:
    invoice = issue(booking)
    client.force_login(UserFactory())

    response = client.get(reverse("payments:invoice_pdf", args=[invoice.number]))

    assert response.status_code == 404


def test_the_download_asks_to_log_in(booking: Booking, client: Any) -> None:
    url = reverse("payments:invoice_pdf", args=[issue(booking).number])

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_booking_page_links_each_invoice(
    booking: Booking, client: Any, customer: User, django_assert_max_num_queries: Callable
) -> None:
    visit, fee = issue(booking), issue(booking, FEE)
    client.force_login(customer)
    url = reverse("bookings:detail", args=[booking.reference])
    client.get(url)  # warm up (session, caches)

    with django_assert_max_num_queries(20) as queries:
        response = client.get(url)

    for invoice in (visit, fee):
        assert reverse("payments:invoice_pdf", args=[invoice.number]) in response.text
    assert response.text.count("invoice-links") == 1
    assert sum("payments_invoice" in q["sql"] for q in queries.captured_queries) == 1


# --- Paid, cancelled ----------------------------------------------------------------------


def test_staff_mark_an_invoice_paid_once(booking: Booking) -> None:
    staff = UserFactory(is_staff=True)
    invoice = issue(booking)
    paid_at = ISSUED + timedelta(days=5)

    invoice_mark_paid(invoice=invoice, actor=staff, now=paid_at)
    again = invoice_mark_paid(
        invoice=invoice, actor=UserFactory(is_staff=True), now=paid_at + timedelta(days=1)
    )

    assert (again.status, again.paid_at, again.marked_paid_by) == ("paid", paid_at, staff)
    invoice.refresh_from_db()
    assert (invoice.status, invoice.paid_at, invoice.marked_paid_by) == ("paid", paid_at, staff)


def test_a_cancelled_invoice_cannot_be_paid(booking: Booking) -> None:
    staff = UserFactory(is_staff=True)
    invoice = invoice_void(invoice=issue(booking), actor=staff, reason="Doppelt verrechnet")

    with pytest.raises(InvoiceError) as refused, translation.override("en"):
        invoice_mark_paid(invoice=invoice, actor=staff)

    assert refused.value.message == "This invoice was cancelled, so it cannot be marked as paid."
    invoice.refresh_from_db()
    assert (invoice.status, invoice.paid_at) == ("void", None)


def test_a_paid_invoice_cannot_be_cancelled(booking: Booking) -> None:
    staff = UserFactory(is_staff=True)
    invoice = invoice_mark_paid(invoice=issue(booking), actor=staff)

    with pytest.raises(InvoiceError):
        invoice_void(invoice=invoice, actor=staff, reason="Versehen")

    invoice.refresh_from_db()
    assert invoice.status == "paid"


# --- Reminders ----------------------------------------------------------------------------


def remind(now: datetime, capture: Callable) -> int:
    with capture(execute=True):
        return invoices_remind(now=now)


def test_an_unpaid_invoice_is_reminded_of_once_after_30_days(
    booking: Booking, django_capture_on_commit_callbacks: Callable
) -> None:
    invoice = issue(booking)
    assert settings.INVOICE_REMINDER_AFTER_DAYS == 30
    early = ISSUED + timedelta(days=29, hours=23)
    late = ISSUED + timedelta(days=30, minutes=1)

    assert remind(early, django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []
    assert remind(late, django_capture_on_commit_callbacks) == 1
    assert remind(late + timedelta(days=1), django_capture_on_commit_callbacks) == 0

    (message,) = mail.outbox
    assert message.to == [booking.customer.email]
    assert invoice.number in message.subject
    ((filename, content, mimetype),) = message.attachments
    assert (filename, mimetype) == (f"Mila-invoice-{invoice.number}.pdf", "application/pdf")
    assert content.startswith(b"%PDF")
    invoice.refresh_from_db()
    assert invoice.reminder_sent_at == late


@pytest.mark.parametrize("settle", [invoice_mark_paid, invoice_void])
def test_a_paid_or_cancelled_invoice_gets_no_reminder(
    booking: Booking, settle: Callable, django_capture_on_commit_callbacks: Callable
) -> None:
    invoice = issue(booking)
    extra = {"reason": "Kulanz"} if settle is invoice_void else {}
    settle(invoice=invoice, actor=UserFactory(is_staff=True), **extra)

    assert remind(ISSUED + timedelta(days=45), django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_the_daily_task_sends_the_reminders(
    booking: Booking, django_capture_on_commit_callbacks: Callable
) -> None:
    issue(booking, now=timezone.now() - timedelta(days=31))

    with django_capture_on_commit_callbacks(execute=True):
        assert send_invoice_reminders.delay().get() == 1

    assert len(mail.outbox) == 1  # the reminder (the invoice's own e-mail was not sent here)
    assert Notification.objects.filter(kind=Notification.Kind.INVOICE_REMINDER).count() == 1
    entry = settings.CELERY_BEAT_SCHEDULE["invoice-reminders"]
    assert entry["task"] == send_invoice_reminders.name
    assert entry["options"] == {"queue": "payments"}


# --- At the same moment (PostgreSQL) ------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.services
def test_issuing_at_once_bills_once_and_numbers_stay_unique(postgres: None) -> None:
    same = BookingFactory(status="completed")
    others = [BookingFactory(status="completed") for _ in range(4)]

    twice = run_at_once(*[lambda: issue(same).pk] * 4)
    apart = run_at_once(*[lambda b=b: issue(b).number for b in others])

    assert [outcome for outcome, _ in twice + apart] == ["ok"] * 8, twice + apart
    assert {pk for _, pk in twice} == {Invoice.objects.get(booking=same).pk}
    assert sorted(n for _, n in apart) == [f"2026-00000{i}" for i in range(2, 6)]
    assert Notification.objects.filter(kind=Notification.Kind.INVOICE_ISSUED).count() == 5


@pytest.mark.django_db(transaction=True)
@pytest.mark.services
def test_two_sweeps_at_once_send_one_reminder(postgres: None) -> None:
    issue(BookingFactory(status="completed"))
    later = ISSUED + timedelta(days=31)

    results = run_at_once(*[lambda: invoices_remind(now=later)] * 3)

    assert sorted(value for _, value in results) == [0, 0, 1], results
    assert Notification.objects.filter(kind=Notification.Kind.INVOICE_REMINDER).count() == 1
