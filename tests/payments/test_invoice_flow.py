"""Invoice mode end to end, as `make run` has it (no Stripe key): a customer books in the
browser, a helper does the visit, the customer gets the invoice with its QR-bill by e-mail and
on the booking page, and the helper's earnings show it."""

from datetime import time, timedelta
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from bookings.matching.responses import offer_accept
from bookings.models import Booking, Offer, ServiceCategory
from bookings.services.visit import VisitReportInput, visit_complete, visit_on_my_way, visit_start
from helpers.models import HelperProfile
from mila.lib.money import format_chf
from payments.models import EarningEntry, Invoice, Payment
from tests.bookings.quote_form import confirm_data, fill_wizard
from tests.factories import AvailabilityWindowFactory, HelperProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_invoice_customer_is_billed_after_the_visit_and_the_helper_paid(
    client: Any, catalogue: None, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.STRIPE_SECRET_KEY = ""
    lena = HelperProfileFactory(tier=HelperProfile.Tier.PRO, radius_km=50,
                                skills=list(ServiceCategory.objects.all()),
                                user__preferred_language="en")  # fmt: skip
    for weekday in range(7):
        AvailabilityWindowFactory(helper=lena, weekday=weekday, starts=time(7), ends=time(21))
    anna = UserFactory(first_name="Anna", preferred_language="en")
    client.force_login(anna)
    with django_capture_on_commit_callbacks(execute=True):
        fill_wizard(client)
        client.post(reverse("bookings:quote"), confirm_data(client, tier="friend"))
    booking = Booking.objects.get(customer=anna)
    assert (booking.status, booking.payment_method) == ("searching", "invoice")
    assert not Payment.objects.exists()  # nothing is held for an invoice

    offer = Offer.objects.get(booking=booking, helper=lena)
    at = booking.starts_at
    with django_capture_on_commit_callbacks(execute=True):
        offer_accept(offer=offer, user=lena.user)
        visit_on_my_way(
            booking=booking, user=lena.user, eta_minutes=10, now=at - timedelta(hours=1)
        )
        visit_start(booking=booking, user=lena.user, now=at)
        mail.outbox.clear()
        visit_complete(booking=booking, user=lena.user, worked_minutes=90,
                       report=VisitReportInput("Router neu eingerichtet und erklärt."),
                       now=at + timedelta(minutes=90))  # fmt: skip
    booking.refresh_from_db()
    invoice = Invoice.objects.get(booking=booking)
    assert (invoice.kind, invoice.amount, invoice.status) == ("visit", booking.price_total, "open")
    assert booking.price_extra > 0  # 90 minutes for a 60-minute service: the extra time is billed
    [email] = [m for m in mail.outbox if m.to == [anna.email] and m.attachments
               and any(a[0].endswith(".pdf") for a in m.attachments)]  # fmt: skip
    pdf = next(a for a in email.attachments if a[0].endswith(".pdf"))
    assert pdf[1][:4] == b"%PDF"

    page = client.get(reverse("bookings:detail", args=[booking.reference])).content.decode()
    download = reverse("payments:invoice_pdf", args=[invoice.number])
    assert download in page
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"

    [earning] = EarningEntry.objects.filter(helper=lena)
    assert earning.gross == invoice.amount
    assert earning.amount == booking.price_total - booking.commission
    client.force_login(lena.user)
    earnings = client.get(reverse("bookings:helper_earnings")).content.decode()
    assert format_chf(earning.amount) in earnings
    assert timezone.now() < invoice.due_at
