"""First accept wins, under real concurrency: threads with their own connections to PostgreSQL,
released at the same moment."""

import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from bookings.matching.dispatch import matching_advance, matching_sweep
from bookings.matching.responses import offer_accept, offer_decline
from bookings.models import Booking, BookingEvent, Offer
from bookings.services import BookingError
from notifications.models import Notification
from tests.concurrency import run_at_once
from tests.factories import BookingFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]

S = Booking.Status


def offer_to(booking: Booking, helper: Any) -> Offer:
    now = timezone.now()
    return Offer.objects.create(booking=booking, helper=helper, wave=1, score=50,
                                sent_at=now, expires_at=now + timedelta(hours=1))  # fmt: skip


def accepting(offer: Offer) -> Callable[[], str]:
    def job() -> str:
        try:
            offer_accept(offer=Offer.objects.get(pk=offer.pk), user=offer.helper.user)
        except BookingError as refusal:
            return f"refused:{refusal.code}"
        return "won"

    return job


def outcomes(results: list[tuple[str, Any]]) -> Counter[str]:
    """ "won" / "refused:<code>", and anything that escaped as "error:<type>"."""
    return Counter(
        value if outcome == "ok" else f"error:{type(value).__name__}: {value}"
        for outcome, value in results
    )


def test_fifty_helpers_accept_at_once_twenty_times(postgres, service, make_helper) -> None:
    helpers = [make_helper(1 + i / 100, max_jobs_per_day=10) for i in range(50)]
    for round_number in range(20):
        start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(
            days=2 + round_number
        )
        booking = BookingFactory(service=service, starts_at=start,
                                 ends_at=start + timedelta(hours=1))  # fmt: skip
        offers = [offer_to(booking, helper) for helper in helpers]

        results = outcomes(run_at_once(*(accepting(offer) for offer in offers)))

        assert results == {"won": 1, "refused:taken": 49}, (round_number, results)
        booking.refresh_from_db()
        assert booking.status == S.CONFIRMED
        winner = Offer.objects.get(booking=booking, status=Offer.Status.ACCEPTED)
        assert booking.helper_id == winner.helper_id
        assert Offer.objects.filter(booking=booking, status=Offer.Status.WITHDRAWN).count() == 49
        assert BookingEvent.objects.filter(booking=booking, to_status=S.CONFIRMED).count() == 1
        found = Notification.objects.filter(kind=Notification.Kind.BOOKING_CONFIRMED,
                                            context__booking_id=booking.pk)  # fmt: skip
        assert found.count() == 1


def test_one_helper_accepts_ten_jobs_at_the_same_time(postgres, service, make_helper) -> None:
    helper = make_helper(max_jobs_per_day=10)
    bookings = [BookingFactory(service=service) for _ in range(10)]  # all the same hour
    offers = [offer_to(booking, helper) for booking in bookings]

    results = outcomes(run_at_once(*(accepting(offer) for offer in offers)))

    assert results == {"won": 1, "refused:overlap": 9}, results
    assert Booking.objects.filter(helper=helper, status=S.CONFIRMED).count() == 1
    # The other nine lost their only helper; their search moved on (to nobody, here).
    assert Booking.objects.filter(pk__in=[b.pk for b in bookings], helper=None).count() == 9


def test_helpers_and_bookings_crossing_never_deadlock(postgres, service, make_helper) -> None:
    """Six helpers, each offered six bookings at the same time, all accepting everything at
    once: locks are taken in one order, so nothing but clean refusals comes back, every
    booking has at most one helper and every helper at most one of these jobs."""
    helpers = [make_helper(1 + i / 10, max_jobs_per_day=10) for i in range(6)]
    bookings = [BookingFactory(service=service) for _ in range(6)]
    offers = [offer_to(booking, helper) for booking in bookings for helper in helpers]

    results = outcomes(run_at_once(*(accepting(offer) for offer in offers)))

    assert not [key for key in results if key.startswith("error")], results
    confirmed = Booking.objects.filter(pk__in=[b.pk for b in bookings], status=S.CONFIRMED)
    assert results["won"] == confirmed.count() >= 1
    helper_ids = list(confirmed.values_list("helper", flat=True))
    assert len(helper_ids) == len(set(helper_ids))  # no helper has two jobs at once


def test_two_dispatches_at_once_send_one_wave(postgres, booking, make_helper, settings) -> None:
    settings.MATCHING_WAVE_SIZE = 3
    for km in (1, 2, 3, 4):
        make_helper(km)

    def dispatch() -> int:
        return matching_advance(booking_id=booking.pk)

    results = run_at_once(dispatch, dispatch, lambda: matching_sweep())
    assert [outcome for outcome, _ in results] == ["ok"] * 3, results
    assert Offer.objects.filter(booking=booking).count() == 3
    booking.refresh_from_db()
    assert booking.wave == 1


def test_accept_and_decline_and_sweep_at_once(postgres, booking, make_helper) -> None:
    """The last helpers answer while the wave expires: one wins, nothing is lost."""
    first, second = make_helper(1), make_helper(2)
    matching_advance(booking_id=booking.pk)
    expiry = Offer.objects.filter(booking=booking).values_list("expires_at", flat=True)[0]

    def decline() -> str:
        try:
            offer_decline(offer=Offer.objects.get(helper=second), user=second.user)
        except BookingError as refusal:  # the first was faster
            return f"refused:{refusal.code}"
        return "declined"

    results = run_at_once(
        accepting(Offer.objects.get(helper=first)),
        decline,
        lambda: matching_sweep(now=expiry - timedelta(seconds=1)),
    )
    assert [outcome for outcome, _ in results] == ["ok"] * 3, results
    assert results[1][1] in ("declined", "refused:taken")
    booking.refresh_from_db()
    assert (booking.status, booking.helper) == (S.CONFIRMED, first)


def test_two_slot_rebuilds_of_one_helper_at_once_leave_one_set(postgres, make_helper) -> None:
    from django.db import transaction

    from bookings.matching.slots import slots_refresh
    from bookings.models import HelperSlot

    helper = make_helper()
    before = HelperSlot.objects.filter(helper=helper).count()

    def rebuild() -> None:
        with transaction.atomic():
            slots_refresh([helper.pk])
            time.sleep(0.3)  # stay in the transaction while the other one starts

    results = run_at_once(rebuild, rebuild)
    assert [outcome for outcome, _ in results] == ["ok", "ok"], results
    assert HelperSlot.objects.filter(helper=helper).count() == before == 7


def test_a_helper_suspended_while_a_wave_is_chosen_keeps_no_offer(
    postgres, booking, make_helper, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bookings.matching import dispatch
    from helpers.models import HelperProfile
    from helpers.services import helper_decide
    from tests.factories import UserFactory

    helper = make_helper()
    staff = UserFactory(is_staff=True)
    chosen, suspended = threading.Event(), threading.Event()
    real = dispatch.best_candidates

    def slow(search: Any, k: int) -> Any:  # the suspension lands between choosing and sending
        result = real(search, k=k)
        chosen.set()
        suspended.wait(5)
        return result

    monkeypatch.setattr(dispatch, "best_candidates", slow)

    def suspend() -> None:
        chosen.wait(5)
        helper_decide(profile=HelperProfile.objects.get(pk=helper.pk), to="suspended",
                      actor=staff, reason="Beschwerde")  # fmt: skip
        suspended.set()

    results = run_at_once(lambda: matching_advance(booking_id=booking.pk), suspend)
    assert [outcome for outcome, _ in results] == ["ok", "ok"], results
    assert not Offer.objects.filter(helper=helper, status=Offer.Status.PENDING).exists()
    assert not Notification.objects.filter(kind=Notification.Kind.OFFER_NEW).exists()
