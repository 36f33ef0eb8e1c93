"""Booking rules as pure functions (DESIGN §5): no database, default BookingPolicy."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bookings.policy import (
    BookingPolicy,
    FeeReason,
    RescheduleProblem,
    StartProblem,
    asap_available,
    cancellation_terms,
    reschedule_problem,
    start_problem,
    start_slots,
)

TZ = ZoneInfo("Europe/Zurich")
POLICY = BookingPolicy()
# A Monday morning in Zürich (summer time).
NOW = datetime(2027, 5, 3, 8, 0, tzinfo=TZ)
HOUR = 60  # minutes: the visit the start times below are checked for


def local(day: int, hour: int, minute: int = 0, *, month: int = 5, second: int = 0) -> datetime:
    return datetime(2027, month, day, hour, minute, second, tzinfo=TZ)


@pytest.mark.parametrize(
    ("starts_at", "now", "problem"),
    [
        (NOW - timedelta(days=1), NOW, StartProblem.PAST),
        (NOW, NOW, StartProblem.PAST),
        (NOW + timedelta(minutes=30), NOW, StartProblem.TOO_SOON),
        (NOW + timedelta(hours=1, minutes=59), NOW, StartProblem.TOO_SOON),
        (local(3, 10), local(3, 8, 0, second=1), StartProblem.TOO_SOON),  # 1 s short of 2 h
        (NOW + timedelta(hours=2), NOW, None),  # exactly two hours ahead, 10:00
        (local(4, 10), NOW, None),
        (NOW + timedelta(days=60), NOW, None),  # the last bookable day
        (NOW + timedelta(days=60, minutes=30), NOW, StartProblem.TOO_FAR),
        (NOW + timedelta(days=61), NOW, StartProblem.TOO_FAR),
        (local(4, 6, 30), NOW, StartProblem.OUTSIDE_HOURS),
        (local(4, 6, 59), NOW, StartProblem.OUTSIDE_HOURS),
        (local(4, 21, 30), NOW, StartProblem.OUTSIDE_HOURS),
        (local(4, 23, 0), NOW, StartProblem.OUTSIDE_HOURS),
        (local(4, 0, 0), NOW, StartProblem.OUTSIDE_HOURS),
        (local(4, 7, 0), NOW, None),
        (local(4, 20, 0), NOW, None),  # a one-hour visit ends at 21:00
        (local(4, 20, 30), NOW, StartProblem.ENDS_TOO_LATE),
        (local(4, 21, 0), NOW, StartProblem.ENDS_TOO_LATE),
        (local(4, 10, 15), NOW, StartProblem.NOT_ON_SLOT),
        (local(4, 10, 30), NOW, None),
        (local(4, 10, 0, second=1), NOW, StartProblem.NOT_ON_SLOT),
        (local(4, 10) + timedelta(microseconds=1), NOW, StartProblem.NOT_ON_SLOT),
    ],
)
def test_start_problem(starts_at: datetime, now: datetime, problem: StartProblem | None) -> None:
    assert start_problem(starts_at, duration_minutes=HOUR, now=now, tz=TZ, policy=POLICY) == problem


@pytest.mark.parametrize(
    ("hour", "minute", "problem"),
    [
        (10, 0, None),
        (7, 0, None),
        (20, 0, None),
        (21, 0, StartProblem.ENDS_TOO_LATE),
        (6, 30, StartProblem.OUTSIDE_HOURS),
        (21, 30, StartProblem.OUTSIDE_HOURS),
        (10, 15, StartProblem.NOT_ON_SLOT),
    ],
)
def test_opening_hours_are_local_time_on_the_day_summer_time_begins(
    hour: int, minute: int, problem: StartProblem | None
) -> None:
    # On 28 March 2027 Zürich moves from UTC+1 to UTC+2 at 02:00.
    starts_at = local(28, hour, minute, month=3)
    assert starts_at.utcoffset() == timedelta(hours=2)
    now = datetime(2027, 3, 25, 12, 0, tzinfo=TZ)
    assert start_problem(starts_at, duration_minutes=HOUR, now=now, tz=TZ, policy=POLICY) == problem
    # The same instant given in UTC is judged by its local wall-clock time.
    in_utc = starts_at.astimezone(ZoneInfo("UTC"))
    assert start_problem(in_utc, duration_minutes=HOUR, now=now, tz=TZ, policy=POLICY) == problem


def test_now_in_utc_as_the_server_has_it() -> None:
    now = NOW.astimezone(ZoneInfo("UTC"))
    assert (
        start_problem(
            NOW + timedelta(hours=2), duration_minutes=HOUR, now=now, tz=TZ, policy=POLICY
        )
        is None
    )
    assert start_problem(
        NOW + timedelta(minutes=90), duration_minutes=HOUR, now=now, tz=TZ, policy=POLICY
    ) == (StartProblem.TOO_SOON)


@pytest.mark.parametrize(
    ("duration", "last", "one_slot_later"),
    [(60, time(20, 0), time(20, 30)), (120, time(19, 0), time(19, 30))],
)
def test_the_last_start_is_the_end_of_the_day_less_the_visit(
    duration: int, last: time, one_slot_later: time
) -> None:
    """Helpers come between 07:00 and 21:00: the visit must be over by 21:00."""
    slots = start_slots(duration_minutes=duration, policy=POLICY)
    assert (slots[0], slots[-1]) == (time(7, 0), last)
    day = NOW.date() + timedelta(days=1)

    def problem(at: time) -> StartProblem | None:
        starts_at = datetime.combine(day, at, tzinfo=TZ)
        return start_problem(starts_at, duration_minutes=duration, now=NOW, tz=TZ, policy=POLICY)

    assert problem(last) is None
    assert problem(one_slot_later) == StartProblem.ENDS_TOO_LATE


def test_a_visit_longer_than_the_day_has_no_start() -> None:
    assert start_slots(duration_minutes=15 * 60, policy=POLICY) == []


FREE_UNTIL_START = NOW + timedelta(days=2)  # a visit on Wednesday 08:00


@pytest.mark.parametrize(
    ("before_start", "on_the_way", "fee", "reason"),
    [
        (timedelta(days=3), False, 0, FeeReason.FREE),
        (timedelta(hours=24, minutes=1), False, 0, FeeReason.FREE),
        (timedelta(hours=24), False, 3950, FeeReason.LATE),  # exactly 24 h: no longer free
        (timedelta(hours=23, minutes=59), False, 3950, FeeReason.LATE),
        (timedelta(hours=1), False, 3950, FeeReason.LATE),
        (timedelta(0), False, 3950, FeeReason.LATE),
        (timedelta(hours=1), True, 7900, FeeReason.EN_ROUTE),
        (timedelta(days=3), True, 7900, FeeReason.EN_ROUTE),  # on the way beats free
    ],
)
def test_cancellation_terms(
    before_start: timedelta, on_the_way: bool, fee: int, reason: FeeReason
) -> None:
    starts_at = FREE_UNTIL_START
    terms = cancellation_terms(
        base_price=7900,
        starts_at=starts_at,
        now=starts_at - before_start,
        helper_on_the_way=on_the_way,
        policy=POLICY,
        helper_assigned=True,
    )
    assert (terms.fee, terms.reason) == (fee, reason)
    assert terms.free_until == starts_at - timedelta(hours=24)


@pytest.mark.parametrize(
    ("before_start", "on_the_way", "fee", "reason"),
    [
        (timedelta(days=3), False, 0, FeeReason.FREE),
        (timedelta(hours=24), False, 0, FeeReason.FREE),
        (timedelta(hours=1), False, 0, FeeReason.FREE),
        (-timedelta(hours=1), False, 0, FeeReason.FREE),  # an ASAP search that ran out
        (timedelta(hours=1), True, 7900, FeeReason.EN_ROUTE),
    ],
)
def test_cancellation_is_free_while_no_helper_has_accepted(
    before_start: timedelta, on_the_way: bool, fee: int, reason: FeeReason
) -> None:
    starts_at = FREE_UNTIL_START
    terms = cancellation_terms(
        base_price=7900,
        starts_at=starts_at,
        now=starts_at - before_start,
        helper_on_the_way=on_the_way,
        policy=POLICY,
        helper_assigned=False,
    )
    assert (terms.fee, terms.reason) == (fee, reason)


def test_late_cancellation_fee_rounds_to_5_rappen() -> None:
    starts_at = FREE_UNTIL_START
    terms = cancellation_terms(
        base_price=7905,
        starts_at=starts_at,
        now=starts_at,
        helper_on_the_way=False,
        policy=POLICY,
    )
    assert terms.fee == 3955  # 3952.50 → CHF 39.55


@pytest.mark.parametrize(
    ("before_start", "count", "problem"),
    [
        (timedelta(days=3), 0, None),
        (timedelta(days=3), 1, None),
        (timedelta(hours=24, seconds=1), 1, None),
        (timedelta(days=3), 2, RescheduleProblem.TOO_MANY),
        (timedelta(days=3), 5, RescheduleProblem.TOO_MANY),
        (timedelta(hours=24), 0, RescheduleProblem.TOO_LATE),
        (timedelta(hours=23, minutes=59), 0, RescheduleProblem.TOO_LATE),
        (timedelta(hours=-1), 0, RescheduleProblem.TOO_LATE),  # already started
    ],
)
def test_reschedule_problem(
    before_start: timedelta, count: int, problem: RescheduleProblem | None
) -> None:
    starts_at = FREE_UNTIL_START
    assert (
        reschedule_problem(
            starts_at=starts_at,
            now=starts_at - before_start,
            reschedule_count=count,
            policy=POLICY,
        )
        == problem
    )


@pytest.mark.parametrize(
    ("hour", "minute", "available"),
    [
        (6, 59, False),
        (7, 0, True),
        (12, 0, True),
        (20, 0, True),
        (20, 1, False),
        (23, 0, False),
        (0, 30, False),
    ],
)
def test_asap_available(hour: int, minute: int, available: bool) -> None:
    now = local(3, hour, minute)
    assert asap_available(now, tz=TZ, policy=POLICY) is available
    assert asap_available(now.astimezone(ZoneInfo("UTC")), tz=TZ, policy=POLICY) is available


@pytest.mark.parametrize(
    ("duration", "hour", "minute", "available"),
    [
        (60, 20, 0, True),  # the policy's cut-off: a 1-hour visit ends at 21:00
        (60, 20, 1, False),
        (120, 19, 0, True),  # a 2-hour visit booked at 19:00 still ends at 21:00
        (120, 19, 1, False),
        (150, 18, 30, True),
        (150, 18, 31, False),
        (30, 20, 0, True),  # a short visit does not move the cut-off later
        (30, 20, 1, False),
    ],
)
def test_asap_ends_within_the_day(duration: int, hour: int, minute: int, available: bool) -> None:
    now = local(3, hour, minute)
    assert asap_available(now, tz=TZ, policy=POLICY, duration_minutes=duration) is available
