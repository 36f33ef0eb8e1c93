"""Money in the admin: read-only rows, a partial refund with a reason, invoices marked paid,
a month's payout CSV; Support may, Onboarding may not."""

import csv
import io
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from bookings.models import Booking
from payments.invoicing import invoice_issue
from payments.ledger import ledger_fee, ledger_job
from payments.models import EarningEntry, Invoice, Payment, Refund
from payments.stripe_api import RefundState
from tests.factories import BookingFactory, HelperProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = {
    "payment": reverse("admin:payments_payment_changelist"),
    "invoice": reverse("admin:payments_invoice_changelist"),
}


def charged(amount: int = 7900) -> Payment:
    booking = BookingFactory(status=Booking.Status.COMPLETED, helper=HelperProfileFactory())
    ledger_job(booking=booking)
    return Payment.objects.create(
        booking=booking, method=Payment.Method.CARD, amount=amount, captured=amount,
        status=Payment.Status.CAPTURED, stripe_intent_id=f"pi_{booking.pk}",
    )  # fmt: skip


def refund_action(client: Any, payment: Payment, **data: Any) -> Any:
    return client.post(CHANGELIST["payment"], {
        "action": "refund", "_selected_action": [payment.pk], **data,
    }, follow=True)  # fmt: skip


def test_support_refunds_part_of_a_charge_with_a_reason(client: Any, support: Any) -> None:
    payment = charged()
    client.force_login(support)
    page = refund_action(client, payment).content.decode()
    assert "at most CHF" in page  # the confirmation page says what can still be refunded
    sent = RefundState(id="re_1", status="succeeded", amount=2000)
    with mock.patch("payments.stripe_api.refund_create", return_value=sent) as provider:
        response = refund_action(client, payment, confirm="1", amount_chf="20.00",
                                 reason="Drucker nicht repariert")  # fmt: skip
    assert "The refund is on its way to the customer." in response.content.decode()
    payment.refresh_from_db()
    assert payment.refunded == 2000
    refund = Refund.objects.get()
    assert (refund.amount, refund.actor, refund.status) == (2000, support, "succeeded")
    assert provider.call_args.kwargs["idempotency_key"] == f"booking:{payment.booking_id}:refund:0"
    entries = EarningEntry.objects.filter(booking=payment.booking)
    assert sum(e.gross for e in entries) == 7900 - 2000


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"amount_chf": "79.05", "reason": "zu viel"}, "At most CHF"),
        ({"amount_chf": "10.00", "reason": ""}, "Please give a reason for the refund."),
        ({"amount_chf": "", "reason": "Grund"}, "Please enter the amount to refund."),
    ],
)
def test_a_refund_beyond_the_charge_or_without_reason_is_refused(
    client: Any, support: Any, data: dict[str, str], message: str
) -> None:
    payment = charged()
    client.force_login(support)
    with mock.patch("payments.stripe_api.refund_create") as provider:
        response = refund_action(client, payment, confirm="1", **data)
    assert message in response.content.decode()
    provider.assert_not_called()
    assert not Refund.objects.exists()
    payment.refresh_from_db()
    assert payment.refunded == 0


def test_support_marks_an_invoice_paid(client: Any, support: Any) -> None:
    booking = BookingFactory(status=Booking.Status.COMPLETED, helper=HelperProfileFactory())
    invoice = invoice_issue(booking=booking, kind=Invoice.Kind.VISIT,
                            lines=[{"code": "base", "amount": 7900, "quantity": 1}])  # fmt: skip
    assert invoice is not None
    client.force_login(support)
    response = client.post(CHANGELIST["invoice"], {
        "action": "mark_paid", "_selected_action": [invoice.pk]}, follow=True)  # fmt: skip
    assert "1 invoice(s) marked as paid." in response.content.decode()
    invoice.refresh_from_db()
    assert (invoice.status, invoice.marked_paid_by) == ("paid", support)


def test_onboarding_sees_no_money_and_cannot_act_on_it(client: Any, onboarding: Any) -> None:
    payment = charged()
    client.force_login(onboarding)
    assert client.get(CHANGELIST["payment"]).status_code == 403
    assert refund_action(client, payment, confirm="1", amount_chf="5.00",
                         reason="x").status_code == 403  # fmt: skip
    assert not Refund.objects.exists()


def test_amounts_cannot_be_edited_in_the_admin(client: Any) -> None:
    payment = charged()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:payments_payment_change", args=[payment.pk])
    page = client.get(url).content.decode()
    assert 'name="captured"' not in page and 'name="amount"' not in page
    client.post(url, {"captured": "1", "amount": "1"})
    payment.refresh_from_db()
    assert (payment.amount, payment.captured) == (7900, 7900)


def test_the_monthly_payout_csv_lists_each_helper_once(client: Any, support: Any) -> None:
    now = timezone.now()
    lena = HelperProfileFactory(user__first_name="Lena", user__last_name="Meier")
    marco = HelperProfileFactory(user__first_name="=HYPERLINK(1)", user__last_name="Rossi",
                                 company_name="Rossi IT GmbH", uid="CHE-123.456.789")  # fmt: skip
    done = {"status": Booking.Status.COMPLETED}
    ledger_job(booking=BookingFactory(helper=lena, price_base=7900, **done), at=now)
    ledger_job(booking=BookingFactory(helper=lena, price_base=9900, **done), at=now)
    late = BookingFactory(helper=marco, status=Booking.Status.CANCELLED, cancellation_fee=3950)
    ledger_fee(booking=late, at=now)
    ledger_job(booking=BookingFactory(helper=marco, price_base=5000, **done),
               at=now - timedelta(days=62))  # another month  # fmt: skip
    client.force_login(support)
    changelist = client.get(reverse("admin:payments_earningentry_changelist")).content.decode()
    url = reverse("admin:payments_earningentry_payouts")
    assert url in changelist
    response = client.get(url, {"month": timezone.localtime(now).strftime("%Y-%m")})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "helper"
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Lena Meier"][4:] == ["2", "142.40", "0", "0.00", "0.00", "142.40"]
    marco_row = by_name["'=HYPERLINK(1) Rossi"]  # a formula is written as text
    assert marco_row[2:] == ["Rossi IT GmbH", "CHE-123.456.789", "0", "0.00", "1", "31.60",
                             "0.00", "31.60"]  # fmt: skip
    assert len(rows) == 3
    assert "Please choose a month." in client.get(url, {"month": "2026-13"}).content.decode()
