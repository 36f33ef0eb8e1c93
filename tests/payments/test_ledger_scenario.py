"""Twenty bookings, paid by card (against localstripe) and by invoice, completed, cancelled
late, missed or refunded in part, all through the services: the helpers' earnings, Mila's
commission and the refunds add up to what was charged and invoiced, to the Rappen."""

from datetime import timedelta
from typing import Any

import pytest
from django.db.models import Sum
from django.utils import timezone

from bookings.models import Booking
from bookings.services import booking_cancel
from bookings.services.visit import VisitReportInput, visit_complete, visit_no_show
from payments.models import EarningEntry, Invoice, Payment
from payments.refunds import payment_refund
from payments.settle import card_settle
from tests.factories import BookingFactory, HelperProfileFactory, UserFactory
from tests.payments.test_card import held

pytestmark = pytest.mark.django_db

REPORT = VisitReportInput("Router neu gestartet, WLAN eingerichtet.")


def a_visit(helper: Any, method: str, status: str, hours_ahead: float = 10) -> Booking:
    starts = timezone.now() + timedelta(hours=hours_ahead)
    booking = BookingFactory.create(
        status=Booking.Status.REQUESTED, payment_method=method, starts_at=starts,
        ends_at=starts + timedelta(hours=1), price_base=7900,
    )  # fmt: skip
    if method == "card":
        held(booking)
    Booking.objects.filter(pk=booking.pk).update(status=status, helper=helper)
    booking.refresh_from_db()
    return booking


def test_earnings_commission_and_refunds_add_up_to_what_was_charged(
    stripe_on: str, django_capture_on_commit_callbacks: Any
) -> None:
    helpers = [HelperProfileFactory() for _ in range(3)]
    staff = UserFactory(is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(20):
            helper, method = helpers[n % 3], ("card", "invoice")[n % 2]
            kind = n % 5
            if kind in (0, 1):  # completed, one of them with extra time
                booking = a_visit(helper, method, Booking.Status.IN_PROGRESS)
                minutes = 60 if kind == 0 else 90
                visit_complete(
                    booking=booking,
                    user=helper.user,
                    worked_minutes=minutes,
                    report=REPORT,
                    now=booking.starts_at + timedelta(minutes=minutes),
                )
            elif kind == 2:  # the customer cancels late: half the base price
                booking = a_visit(helper, method, Booking.Status.CONFIRMED)
                booking_cancel(booking=booking, actor=booking.customer, role="customer",
                               now=booking.starts_at - timedelta(hours=3))  # fmt: skip
            elif kind == 3:  # nobody opens the door
                booking = a_visit(helper, method, Booking.Status.EN_ROUTE)
                visit_no_show(booking=booking, user=helper.user,
                              now=booking.starts_at + timedelta(minutes=30))  # fmt: skip
            else:  # completed, then staff refund part of it (card) / a free cancellation
                booking = a_visit(helper, method, Booking.Status.IN_PROGRESS)
                if method == "card":
                    visit_complete(
                        booking=booking,
                        user=helper.user,
                        worked_minutes=60,
                        report=REPORT,
                        now=booking.starts_at + timedelta(hours=1),
                    )
                    card_settle(booking)
                    payment = Payment.objects.get(booking=booking, purpose="visit")
                    payment_refund(payment=payment, amount=1234, reason="Kulanz", actor=staff)
                else:
                    Booking.objects.filter(pk=booking.pk).update(status="confirmed")
                    booking_cancel(booking=booking, actor=booking.customer, role="customer",
                                   now=booking.starts_at - timedelta(days=2))  # fmt: skip
    captured = Payment.objects.aggregate(s=Sum("captured"))["s"] or 0
    refunded = Payment.objects.aggregate(s=Sum("refunded"))["s"] or 0
    invoiced = Invoice.objects.aggregate(s=Sum("amount"))["s"] or 0
    earned = EarningEntry.objects.aggregate(s=Sum("amount"))["s"] or 0
    commission = EarningEntry.objects.aggregate(s=Sum("commission"))["s"] or 0
    assert captured > 0 and invoiced > 0 and refunded == 2 * 1234
    assert earned + commission + refunded == captured + invoiced
    # Every booking that cost something is in the ledger, once.
    paid = (
        Booking.objects.exclude(price_total=0).filter(status="completed").count()
        + Booking.objects.filter(status="cancelled", cancellation_fee__gt=0).count()
    )
    assert EarningEntry.objects.exclude(kind="refund").count() == paid
