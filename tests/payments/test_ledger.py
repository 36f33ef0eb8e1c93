"""The earnings ledger: what each helper earns for visits, fees and refunds, append-only, and
adding up to what the customers paid."""

from datetime import timedelta
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from bookings.models import Booking
from mila.lib.money import format_chf
from payments.ledger import ledger_fee, ledger_job, ledger_refund
from payments.models import EarningEntry, Payment, Refund
from tests.factories import BookingFactory, HelperProfileFactory

pytestmark = pytest.mark.django_db

Kind = EarningEntry.Kind


@pytest.fixture
def helper() -> Any:
    return HelperProfileFactory()


def completed(helper: Any, **fields: Any) -> Booking:
    booking = BookingFactory.create(helper=helper, status=Booking.Status.COMPLETED, **fields)
    return booking


def test_a_visit_earns_its_total_less_the_commission_the_offer_showed(helper: Any) -> None:
    booking = completed(helper, price_base=7900, price_surcharge=1580)
    entry = ledger_job(booking=booking)
    assert entry is not None
    assert (entry.kind, entry.gross, entry.commission, entry.amount) == (
        Kind.JOB, 9480, booking.commission, booking.helper_payout
    )  # fmt: skip
    assert entry.amount == 9480 - 1896


def test_writing_the_same_entry_twice_keeps_one(helper: Any) -> None:
    booking = completed(helper)
    first, second = ledger_job(booking=booking), ledger_job(booking=booking)
    assert first == second
    assert EarningEntry.objects.count() == 1


@pytest.mark.parametrize(
    ("rule", "original", "paid"), [("others", True, 0), ("others", False, 3000),
                                   ("everyone", True, 3000), ("nobody", False, 0)],
)  # fmt: skip
def test_a_free_follow_up_pays_what_the_rule_says_out_of_milas_pocket(
    helper: Any, settings: Any, rule: str, original: bool, paid: int
) -> None:
    settings.FOLLOW_UP_PAYOUT = rule
    first = completed(helper)
    follow_up = completed(
        helper if original else HelperProfileFactory(), price_base=0, follow_up_of=first,
        preferred_helper=helper, follow_up_payout=3000,
    )  # fmt: skip
    entry = ledger_job(booking=follow_up)
    if not paid:
        assert entry is None
        return
    assert entry is not None
    assert (entry.kind, entry.gross, entry.commission, entry.amount) == (
        Kind.FOLLOW_UP, 0, -paid, paid
    )  # fmt: skip


@pytest.mark.parametrize(("no_show", "kind"), [(False, Kind.CANCELLATION_FEE),
                                               (True, Kind.NO_SHOW_FEE)])  # fmt: skip
def test_a_fee_goes_to_the_helper_less_the_commission(
    helper: Any, no_show: bool, kind: str
) -> None:
    booking = BookingFactory(helper=helper, status=Booking.Status.CANCELLED,
                             cancellation_fee=3950, no_show=no_show)  # fmt: skip
    entry = ledger_fee(booking=booking)
    assert entry is not None
    assert (entry.kind, entry.gross, entry.commission, entry.amount) == (kind, 3950, 790, 3160)


def test_no_fee_no_entry_and_no_helper_no_entry(helper: Any) -> None:
    cancelled = {"status": Booking.Status.CANCELLED}
    assert (
        ledger_fee(booking=BookingFactory(helper=helper, cancellation_fee=0, **cancelled)) is None
    )
    assert (
        ledger_fee(booking=BookingFactory(helper=None, cancellation_fee=3950, **cancelled)) is None
    )
    assert not EarningEntry.objects.exists()


def test_a_refund_is_taken_back_from_the_helper_and_the_commission(helper: Any) -> None:
    booking = completed(helper, price_base=7900)
    ledger_job(booking=booking)
    payment = Payment.objects.create(booking=booking, method="card", amount=7900, captured=7900,
                                     status=Payment.Status.CAPTURED)  # fmt: skip
    refund = Refund.objects.create(payment=payment, amount=2001, reason="Router nicht ersetzt",
                                   idempotency_key="booking:1:refund:0")  # fmt: skip
    entry = ledger_refund(refund)
    assert entry is not None
    assert (entry.kind, entry.gross, entry.commission, entry.amount) == (
        Kind.REFUND, -2001, -400, -1601
    )  # fmt: skip
    entries = EarningEntry.objects.filter(booking=booking)
    assert sum(e.gross for e in entries) == 7900 - 2001
    assert sum(e.amount + e.commission for e in entries) == 7900 - 2001


def test_the_ledger_is_append_only(helper: Any) -> None:
    entry = ledger_job(booking=completed(helper))
    assert entry is not None
    entry.amount = 1
    with pytest.raises(TypeError, match="append-only"):
        entry.save()
    with pytest.raises(TypeError, match="append-only"):
        entry.delete()
    with pytest.raises(TypeError, match="append-only"):
        EarningEntry.objects.filter(pk=entry.pk).update(amount=1)
    with pytest.raises(TypeError, match="append-only"):
        EarningEntry.objects.all().delete()


def test_the_database_refuses_an_entry_that_does_not_add_up(helper: Any) -> None:
    booking = completed(helper)
    with pytest.raises(IntegrityError), transaction.atomic():
        EarningEntry.objects.create(helper=helper, booking=booking, kind=Kind.JOB, gross=100,
                                    commission=20, amount=81)  # fmt: skip


def test_the_earnings_page_shows_each_month(client: Any, helper: Any) -> None:
    now = timezone.now()
    ledger_job(booking=completed(helper, price_base=7900), at=now)
    ledger_job(booking=completed(helper, price_base=9900), at=now - timedelta(days=40))
    fee = BookingFactory(helper=helper, status=Booking.Status.CANCELLED, cancellation_fee=3950)
    ledger_fee(booking=fee, at=now)
    other = HelperProfileFactory()
    ledger_job(booking=completed(other, price_base=50000), at=now)
    client.force_login(helper.user)
    page = client.get(reverse("bookings:helper_earnings")).content.decode()
    assert format_chf(6320) in page  # 79.00 less 20 %
    assert format_chf(3160) in page  # the fee less 20 %
    assert format_chf(9480) in page  # this month
    assert format_chf(7920) in page  # 99.00 less 20 %, the month before
    assert format_chf(17400) in page  # since the start
    assert format_chf(40000) not in page  # someone else's


def test_the_earnings_page_is_for_helpers(client: Any) -> None:
    customer = BookingFactory().customer
    client.force_login(customer)
    response = client.get(reverse("bookings:helper_earnings"))
    assert response.status_code == 302
    assert response["Location"] == reverse("helpers:apply")
