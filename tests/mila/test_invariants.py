"""The invariant checker (mila.invariants) and its command: each broken rule is reported, a
healthy database reports nothing, and every boundary is pinned one step either side."""

from datetime import datetime, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from bookings.matching.responses import OVERLAP_CONSTRAINT
from bookings.models import Booking, BookingEvent, Offer
from mila.invariants import (
    bookings_stuck_searching,
    bookings_with_two_helpers,
    check_all,
    helpers_with_overlapping_jobs,
    notifications_not_delivered_once,
)
from notifications.models import Notification
from tests.factories import (
    BookingFactory,
    HelperProfileFactory,
    NotificationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
GRACE = timedelta(seconds=60)
SECOND = timedelta(seconds=1)


@pytest.fixture
def now() -> datetime:
    return timezone.now()


def offer(booking: Booking, helper: Any, *, status: str, at: datetime, **extra: Any) -> Offer:
    extra.setdefault("expires_at", at + timedelta(minutes=5))
    return Offer.objects.create(
        booking=booking, helper=helper, wave=1, score=50.0, status=status, sent_at=at, **extra
    )


def confirmed(helper: Any, start: datetime, minutes: int = 60, **extra: Any) -> Any:
    return BookingFactory(
        status="confirmed", helper=helper, starts_at=start,
        ends_at=start + timedelta(minutes=minutes), **extra,
    )  # fmt: skip


def references(breaches: list[Any]) -> list[str]:
    return [breach.reference for breach in breaches]


# --- a healthy day ------------------------------------------------------------------------


def test_a_healthy_database_breaks_nothing(now: datetime) -> None:
    lena, marco = HelperProfileFactory(), HelperProfileFactory()
    start = now + timedelta(days=1)
    job = confirmed(lena, start)
    offer(job, lena, status=Offer.Status.ACCEPTED, at=now - timedelta(minutes=3),
          responded_at=now - timedelta(minutes=2))  # fmt: skip
    offer(job, marco, status=Offer.Status.WITHDRAWN, at=now - timedelta(minutes=3),
          withdrawn_reason=Offer.Withdrawn.TAKEN)  # fmt: skip
    confirmed(lena, start + timedelta(minutes=60))  # begins as the first ends: no overlap
    searching = BookingFactory(created_at=now - timedelta(minutes=10))
    offer(searching, marco, status=Offer.Status.PENDING, at=now - timedelta(minutes=10),
          expires_at=now + timedelta(minutes=50))  # fmt: skip
    note = NotificationFactory(delivered_at=now, created_at=now - timedelta(minutes=5))
    NotificationFactory(send_email=False, created_at=now - timedelta(hours=1))

    invariants = check_all(now=now, grace=GRACE, emails_received={note.recipient.email: 1})

    assert [(i.name, i.breaches) for i in invariants] == [
        ("two_helpers", []), ("overlapping_jobs", []), ("lost_notifications", []),
        ("stuck_searching", []),
    ]  # fmt: skip


# --- two helpers --------------------------------------------------------------------------


def test_two_offers_accepted_in_one_search_are_two_helpers(now: datetime) -> None:
    lena, marco = HelperProfileFactory(), HelperProfileFactory()
    job = confirmed(lena, now + timedelta(days=1), created_at=now - timedelta(minutes=5))
    for helper in (lena, marco):
        offer(job, helper, status=Offer.Status.ACCEPTED, at=now - timedelta(minutes=4),
              responded_at=now - timedelta(minutes=1))  # fmt: skip

    breaches = bookings_with_two_helpers()

    assert references(breaches) == [job.reference, job.reference]
    assert breaches[0].reason == "2 helpers accepted in one search"
    assert f"helper {marco.pk} accepted, but the booking's helper is {lena.pk}" in (
        breaches[1].reason
    )


def test_an_offer_accepted_in_an_earlier_search_is_history(now: datetime) -> None:
    """The visit was moved and another helper took the new time: the first helper's accepted
    offer of the old search stays, and is no second helper. Answered one step later — in the
    new search — it would be."""
    lena, marco = HelperProfileFactory(), HelperProfileFactory()
    moved = now - timedelta(minutes=10)
    job = confirmed(marco, now + timedelta(days=1), created_at=now - timedelta(hours=1))
    Booking.objects.filter(pk=job.pk).update(searching_at=moved)
    old = offer(job, lena, status=Offer.Status.ACCEPTED, at=now - timedelta(hours=1),
                responded_at=moved - SECOND)  # fmt: skip
    offer(job, marco, status=Offer.Status.ACCEPTED, at=moved, responded_at=moved + SECOND)

    assert bookings_with_two_helpers() == []

    Offer.objects.filter(pk=old.pk).update(responded_at=moved)
    assert references(bookings_with_two_helpers()) == [job.reference, job.reference]


def test_an_accepted_offer_of_a_booking_without_helper_is_reported(now: datetime) -> None:
    lena = HelperProfileFactory()
    searching = BookingFactory(created_at=now - timedelta(minutes=5))
    offer(searching, lena, status=Offer.Status.ACCEPTED, at=now - timedelta(minutes=5),
          responded_at=now)  # fmt: skip

    [breach] = bookings_with_two_helpers()

    assert breach.reference == searching.reference
    assert (
        breach.reason == f"helper {lena.pk} accepted, but the booking's helper is None (searching)"
    )


def test_two_confirmations_in_one_search_are_two_helpers(now: datetime) -> None:
    job = confirmed(HelperProfileFactory(), now + timedelta(days=1),
                    created_at=now - timedelta(minutes=5))  # fmt: skip
    for _ in range(2):
        BookingEvent.objects.create(booking=job, from_status="searching", to_status="confirmed",
                                    role="helper", at=now)  # fmt: skip

    [breach] = bookings_with_two_helpers()

    assert (breach.reference, breach.reason) == (job.reference, "confirmed 2 times in one search")


# --- overlapping jobs ---------------------------------------------------------------------


@pytest.fixture
def overlaps_allowed() -> None:
    """On PostgreSQL an exclusion constraint forbids what this test builds: it is lifted for
    the test's own transaction (rolled back with it)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE bookings_booking DROP CONSTRAINT {OVERLAP_CONSTRAINT}")


@pytest.mark.usefixtures("overlaps_allowed")
def test_a_helpers_overlapping_jobs_are_reported(now: datetime) -> None:
    lena = HelperProfileFactory()
    start = now + timedelta(days=1)
    first = confirmed(lena, start)
    second = BookingFactory(status="en_route", helper=lena, starts_at=start + timedelta(minutes=59),
                            ends_at=start + timedelta(minutes=119))  # fmt: skip

    [breach] = helpers_with_overlapping_jobs()

    assert breach.reference == first.reference
    assert f"helper {lena.pk}: " in breach.reason
    assert f"overlaps {second.reference}" in breach.reason


def test_jobs_that_touch_do_not_overlap(now: datetime) -> None:
    lena = HelperProfileFactory()
    start = now + timedelta(days=1)
    confirmed(lena, start)
    confirmed(lena, start + timedelta(minutes=60))

    assert helpers_with_overlapping_jobs() == []


@pytest.mark.parametrize("status", ["completed", "cancelled"])
def test_jobs_that_hold_no_time_do_not_overlap(now: datetime, status: str) -> None:
    """An "as soon as possible" visit finished early frees the rest of its window."""
    lena = HelperProfileFactory()
    start = now - timedelta(minutes=30)
    BookingFactory(status=status, helper=lena, starts_at=start, ends_at=start + timedelta(hours=2))
    confirmed(lena, now)

    assert helpers_with_overlapping_jobs() == []


def test_different_helpers_at_the_same_time_do_not_overlap(now: datetime) -> None:
    start = now + timedelta(days=1)
    confirmed(HelperProfileFactory(), start)
    confirmed(HelperProfileFactory(), start)

    assert helpers_with_overlapping_jobs() == []


# --- notifications ------------------------------------------------------------------------


def test_a_notification_undelivered_after_the_grace_period_is_lost(now: datetime) -> None:
    lost = NotificationFactory(created_at=now - GRACE, attempts=3, last_error="SMTPError: 451")
    NotificationFactory(created_at=now - GRACE + SECOND)  # still in flight

    [breach] = notifications_not_delivered_once(now=now, grace=GRACE)

    assert breach.reference == f"notification {lost.pk}"
    assert "after 3 attempts (SMTPError: 451)" in breach.reason


def test_a_notification_a_worker_holds_is_late_not_lost(now: datetime) -> None:
    """Its worker is sending it, or died and the lease has yet to lapse: then the sweep hands
    it to another worker. Once the lease has lapsed, it is lost."""
    held = NotificationFactory(created_at=now - timedelta(hours=1), claimed_until=now)

    assert notifications_not_delivered_once(now=now, grace=GRACE) == []

    Notification.objects.filter(pk=held.pk).update(claimed_until=now - SECOND)
    assert references(notifications_not_delivered_once(now=now, grace=GRACE)) == [
        f"notification {held.pk}"
    ]


def test_a_held_notification_may_or_may_not_have_reached_the_sink(now: datetime) -> None:
    anna = UserFactory(email="anna@example.ch")
    NotificationFactory(recipient=anna, delivered_at=now)
    NotificationFactory(recipient=anna, claimed_until=now + timedelta(minutes=5))

    def breaches(count: int) -> list[str]:
        found = notifications_not_delivered_once(
            now=now, grace=GRACE, emails_received={"anna@example.ch": count}
        )
        return [b.reason for b in found]

    assert breaches(1) == breaches(2) == []
    assert breaches(3) == ["3 e-mails for 1 delivered notifications and 1 being sent"]
    assert breaches(0) == ["0 e-mails for 1 delivered notifications and 1 being sent"]


def test_inbox_only_notifications_need_no_delivery(now: datetime) -> None:
    NotificationFactory(send_email=False, created_at=now - timedelta(hours=1))

    assert notifications_not_delivered_once(now=now, grace=GRACE) == []


def test_the_mail_sink_must_hold_one_email_per_delivered_notification(now: datetime) -> None:
    anna, beat = UserFactory(email="anna@example.ch"), UserFactory(email="beat@example.ch")
    for recipient in (anna, anna, beat):
        NotificationFactory(recipient=recipient, delivered_at=now)
    NotificationFactory(recipient=UserFactory(is_active=False), delivered_at=now)  # not sent

    def breaches(received: dict[str, int]) -> list[tuple[str, str]]:
        found = notifications_not_delivered_once(now=now, grace=GRACE, emails_received=received)
        return [(b.reference, b.reason) for b in found]

    assert breaches({"Anna@example.ch": 2, "beat@example.ch": 1}) == []
    assert breaches({"anna@example.ch": 3, "beat@example.ch": 1}) == [
        ("anna@example.ch", "3 e-mails for 2 delivered notifications")
    ]
    assert breaches({"anna@example.ch": 2, "zoe@example.ch": 1}) == [
        ("beat@example.ch", "0 e-mails for 1 delivered notifications"),
        ("zoe@example.ch", "1 e-mails for 0 delivered notifications"),
    ]


# --- stuck searching ----------------------------------------------------------------------


def test_a_booking_searching_without_an_offer_past_the_grace_period_is_stuck(
    now: datetime,
) -> None:
    stuck = BookingFactory(created_at=now - GRACE)
    BookingFactory(created_at=now - GRACE + SECOND)  # its first wave may be on its way

    [breach] = bookings_stuck_searching(now=now, grace=GRACE)

    assert breach.reference == stuck.reference
    assert "with no open offer (waves sent: 0, next step due" in breach.reason


def test_an_open_offer_keeps_a_search_alive(now: datetime) -> None:
    searching = BookingFactory(created_at=now - timedelta(hours=1))
    offer(searching, HelperProfileFactory(), status=Offer.Status.PENDING,
          at=now - timedelta(hours=1), expires_at=now + SECOND)  # fmt: skip

    assert bookings_stuck_searching(now=now, grace=GRACE) == []


def test_a_wave_counts_from_when_it_ended(now: datetime) -> None:
    """The sweep sends the next wave after the last one expired: only once it ended more
    than the grace period ago is the booking stuck."""
    searching = BookingFactory(created_at=now - timedelta(hours=1))
    wave = offer(searching, HelperProfileFactory(), status=Offer.Status.EXPIRED,
                 at=now - timedelta(hours=1), expires_at=now - GRACE + SECOND)  # fmt: skip

    assert bookings_stuck_searching(now=now, grace=GRACE) == []

    Offer.objects.filter(pk=wave.pk).update(expires_at=now - GRACE)
    assert references(bookings_stuck_searching(now=now, grace=GRACE)) == [searching.reference]


def test_a_declined_offer_counts_from_the_answer(now: datetime) -> None:
    searching = BookingFactory(created_at=now - timedelta(hours=1))
    offer(searching, HelperProfileFactory(), status=Offer.Status.DECLINED,
          at=now - timedelta(hours=1), expires_at=now - timedelta(minutes=30),
          responded_at=now - GRACE + SECOND)  # fmt: skip

    assert bookings_stuck_searching(now=now, grace=GRACE) == []
    assert references(bookings_stuck_searching(now=now + SECOND, grace=GRACE)) == [
        searching.reference
    ]


def test_a_withdrawn_offer_counts_from_when_it_was_sent(now: datetime) -> None:
    """Its helper took another job at that time: the wave has nobody left to answer, and
    its nominal expiry, still ahead, does not keep the search alive."""
    searching = BookingFactory(created_at=now - timedelta(hours=1))
    withdrawn = offer(searching, HelperProfileFactory(), status=Offer.Status.WITHDRAWN,
                      at=now - GRACE + SECOND, expires_at=now + timedelta(minutes=30),
                      withdrawn_reason=Offer.Withdrawn.OVERLAP)  # fmt: skip

    assert bookings_stuck_searching(now=now, grace=GRACE) == []

    Offer.objects.filter(pk=withdrawn.pk).update(sent_at=now - GRACE)
    assert references(bookings_stuck_searching(now=now, grace=GRACE)) == [searching.reference]


def test_only_searching_bookings_can_be_stuck(now: datetime) -> None:
    BookingFactory(status="unfulfilled", created_at=now - timedelta(hours=1))
    BookingFactory(status="cancelled", created_at=now - timedelta(hours=1))

    assert bookings_stuck_searching(now=now, grace=GRACE) == []


# --- the command --------------------------------------------------------------------------


def test_the_command_lists_what_is_broken_and_exits_1() -> None:
    stuck = BookingFactory(created_at=timezone.now() - timedelta(minutes=5))
    out = StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("check_invariants", stdout=out)

    assert raised.value.returncode == 1
    assert str(raised.value) == "invariants broken: stuck_searching"
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["0", "bookings", "with", "two", "helpers"]
    assert lines[3] == "     1  bookings stuck searching without an open offer"
    assert lines[4].startswith(f"        {stuck.reference}: searching since ")


def test_the_command_respects_its_grace_period() -> None:
    BookingFactory(created_at=timezone.now() - timedelta(minutes=5))
    out = StringIO()

    call_command("check_invariants", "--grace", "600", stdout=out)

    assert out.getvalue().splitlines()[-1] == "All invariants hold."


def test_the_command_shortens_long_lists() -> None:
    for _ in range(3):
        BookingFactory(created_at=timezone.now() - timedelta(minutes=5))
    out = StringIO()

    with pytest.raises(CommandError):
        call_command("check_invariants", "--limit", "1", stdout=out)

    assert "        … and 2 more" in out.getvalue()
