"""Two taps, two devices or a helper and a customer at the same moment on one visit: exactly
one change wins, the others are refused cleanly (PostgreSQL only: real row locks)."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from bookings.models import Booking, BookingEvent, VisitReport
from bookings.services import BookingError, booking_cancel
from bookings.services.visit import (
    VisitReportInput,
    visit_complete,
    visit_on_my_way,
    visit_withdraw,
)
from tests.concurrency import run_at_once
from tests.factories import BookingFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]
S = Booking.Status
REPORT = VisitReportInput("Router neu gestartet und Repeater eingerichtet.")


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def soon(status: str) -> Any:
    start = timezone.now() + timedelta(hours=1)
    return BookingFactory(status=status, starts_at=start, ends_at=start + timedelta(hours=1))


def codes(results: list[tuple[str, Any]]) -> list[str]:
    out = []
    for outcome, value in results:
        if outcome == "error":
            assert isinstance(value, BookingError), value  # never a crash
            out.append(value.code)
        else:
            out.append("ok")
    return sorted(out)


def events(booking: Booking, to: str) -> int:
    return BookingEvent.objects.filter(booking=booking, to_status=to).count()


def test_completing_from_two_devices_at_once_completes_once(postgres: None) -> None:
    booking = soon(S.IN_PROGRESS)
    user = booking.helper.user

    def complete() -> Any:
        return visit_complete(booking=booking, user=user, worked_minutes=90, report=REPORT)

    assert codes(run_at_once(*[complete] * 4)) == ["already"] * 3 + ["ok"]
    booking.refresh_from_db()
    assert (booking.status, booking.price_extra) == (S.COMPLETED, 3950)
    assert events(booking, S.COMPLETED) == 1
    assert VisitReport.objects.filter(booking=booking).count() == 1
    assert booking.helper.__class__.objects.get(pk=booking.helper_id).completed_jobs == 1


def test_on_my_way_against_the_customer_cancelling(postgres: None) -> None:
    booking = soon(S.CONFIRMED)
    results = run_at_once(
        lambda: visit_on_my_way(booking=booking, user=booking.helper.user, eta_minutes=15),
        lambda: booking_cancel(booking=booking, actor=booking.customer, role="customer"),
    )
    booking.refresh_from_db()
    assert booking.status == S.CANCELLED  # the customer's cancel always lands
    if results[0][0] == "ok":  # the helper set off first: the full base price applies
        assert booking.cancellation_fee == booking.price_base
    else:
        assert results[0][1].code in ("status", "concurrent")
        assert events(booking, S.EN_ROUTE) == 0


def test_giving_back_twice_at_once_gives_back_once(postgres: None, enqueued: list[int]) -> None:
    booking = soon(S.CONFIRMED)
    helper = booking.helper

    def withdraw() -> Any:
        return visit_withdraw(booking=booking, user=helper.user, reason="ill")

    assert codes(run_at_once(withdraw, withdraw, withdraw)) == ["already", "already", "ok"]
    booking.refresh_from_db()
    assert (booking.status, booking.helper) == (S.SEARCHING, None)
    assert events(booking, S.SEARCHING) == 1
    assert enqueued == [booking.pk]  # one new search
    helper.refresh_from_db()
    assert helper.late_withdrawals == 1
