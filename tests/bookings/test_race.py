"""Concurrent writes on one booking, each thread with its own connection (PostgreSQL only)."""

import uuid
from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from bookings.models import Booking, BookingEvent
from bookings.services import BookingError, BookingRequest, booking_cancel, booking_create
from bookings.services.transitions import booking_transition
from tests.concurrency import run_at_once
from tests.factories import BookingFactory, HelperProfileFactory, ServiceFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]

S = Booking.Status
R = BookingEvent.Role


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_ten_submits_with_one_key_create_one_booking(postgres: None, enqueued: list[int]) -> None:
    customer = UserFactory()
    key = uuid.uuid4()
    day = timezone.localdate() + timedelta(days=3)
    service = ServiceFactory()
    HelperProfileFactory(skills=[service.category])  # someone in Zürich does it
    request = BookingRequest(
        service=service,
        tier="friend",
        problem="Der Drucker druckt nur noch leere Seiten.",
        street="Limmatquai 1",
        postcode="8001",
        city="",
        country="CH",
        phone="+41791234567",
        timing=Booking.Timing.SCHEDULED,
        starts_at=datetime.combine(day, time(10), tzinfo=ZoneInfo("Europe/Zurich")),
    )

    def submit() -> int:
        return booking_create(customer=customer, request=request, idempotency_key=key).pk

    results = run_at_once(*[submit] * 10)

    assert [outcome for outcome, _ in results] == ["ok"] * 10, results
    booking = Booking.objects.get()
    assert {value for _, value in results} == {booking.pk}
    assert booking.status == S.SEARCHING
    assert BookingEvent.objects.filter(booking=booking).count() == 2
    assert enqueued == [booking.pk]  # one search, handed to matching once


def test_two_cancels_at_once_cancel_once(postgres: None) -> None:
    booking = BookingFactory(status=S.CONFIRMED)
    customer = booking.customer

    def cancel() -> bool:
        copy = Booking.objects.get(pk=booking.pk)
        return booking_cancel(booking=copy, actor=customer, role=R.CUSTOMER).already_cancelled

    results = run_at_once(cancel, cancel)

    assert [outcome for outcome, _ in results] == ["ok", "ok"], results
    assert sorted(already for _, already in results) == [False, True]
    assert Booking.objects.get(pk=booking.pk).status == S.CANCELLED
    assert BookingEvent.objects.filter(booking=booking, to_status=S.CANCELLED).count() == 1


def test_two_helpers_assigned_at_once_one_wins(postgres: None) -> None:
    booking = BookingFactory()
    helpers = [HelperProfileFactory(), HelperProfileFactory()]
    staff = [UserFactory(is_staff=True), UserFactory(is_staff=True)]
    # Both staff members opened the booking while it was still searching.
    copies = [Booking.objects.get(pk=booking.pk) for _ in helpers]

    def assign(index: int) -> Callable[[], int]:
        def job() -> int:
            done = booking_transition(
                booking=copies[index],
                to=S.CONFIRMED,
                actor=staff[index],
                role=R.STAFF,
                helper=helpers[index],
            )
            assert done.helper is not None
            return done.helper.pk

        return job

    results = run_at_once(assign(0), assign(1))

    winners = [value for outcome, value in results if outcome == "ok"]
    losers = [value for outcome, value in results if outcome == "error"]
    assert len(winners) == 1 and len(losers) == 1, results
    assert isinstance(losers[0], BookingError) and losers[0].code == "concurrent"
    stored = Booking.objects.get(pk=booking.pk)
    assert (stored.status, stored.helper_id) == (S.CONFIRMED, winners[0])
    confirmed = BookingEvent.objects.filter(booking=booking, to_status=S.CONFIRMED)
    assert confirmed.count() == 1
    assert confirmed.get().actor == staff[[h.pk for h in helpers].index(winners[0])]
