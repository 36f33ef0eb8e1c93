"""Is a helper free for a visit? The pure rule (no database) and the selector that feeds it."""

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from helpers.availability import (
    DaysOff,
    Window,
    helper_is_available,
    helpers_available,
    is_free,
    merged,
    windows_problems,
)
from helpers.models import HelperProfile
from tests.factories import (
    AvailabilityWindowFactory,
    BookingFactory,
    HelperProfileFactory,
    TimeOffFactory,
)

TZ = ZoneInfo("Europe/Zurich")
MONDAY = date(2027, 6, 7)
MORNING = [Window(0, time(8), time(12))]  # Mondays 08:00–12:00


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TZ)


def free(start: datetime, end: datetime, **kwargs: Any) -> bool:
    kwargs.setdefault("windows", MORNING)
    return is_free(start, end, tz=TZ, **kwargs)


# --- is_free: the weekly window ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        pytest.param((8, 0), (12, 0), True, id="exactly the window"),
        pytest.param((9, 0), (10, 0), True, id="inside"),
        pytest.param((7, 59), (9, 0), False, id="a minute before the start"),
        pytest.param((11, 0), (12, 1), False, id="a minute past the end"),
        pytest.param((6, 0), (7, 0), False, id="before the window"),
        pytest.param((12, 0), (13, 0), False, id="starting as the window ends"),
        pytest.param((10, 0), (10, 0), False, id="empty visit"),
        pytest.param((10, 0), (9, 0), False, id="ends before it starts"),
    ],
)
def test_window_edges(start: tuple[int, int], end: tuple[int, int], expected: bool) -> None:
    assert free(at(MONDAY, *start), at(MONDAY, *end)) is expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        pytest.param(MONDAY, True, id="monday"),
        pytest.param(MONDAY + timedelta(days=1), False, id="tuesday"),
        pytest.param(MONDAY - timedelta(days=1), False, id="sunday"),
        pytest.param(MONDAY + timedelta(weeks=1), True, id="next monday"),
    ],
)
def test_window_is_weekly(day: date, expected: bool) -> None:
    assert free(at(day, 9), at(day, 10)) is expected


def test_no_windows_means_never_free() -> None:
    assert free(at(MONDAY, 9), at(MONDAY, 10), windows=[]) is False


@pytest.mark.parametrize(
    ("windows", "expected"),
    [
        pytest.param([Window(0, time(8), time(12)), Window(0, time(12), time(16))], True,
                     id="back to back"),
        pytest.param([Window(0, time(12), time(16)), Window(0, time(8), time(12))], True,
                     id="back to back, given in any order"),
        pytest.param([Window(0, time(8), time(12)), Window(0, time(12, 15), time(16))], False,
                     id="a gap between"),
        pytest.param([Window(0, time(8), time(12)), Window(1, time(12), time(16))], False,
                     id="on different days"),
    ],
)  # fmt: skip
def test_back_to_back_windows_are_one(windows: list[Window], expected: bool) -> None:
    assert free(at(MONDAY, 11), at(MONDAY, 13), windows=windows) is expected


def test_merged() -> None:
    assert merged(
        [
            Window(0, time(12), time(16)),
            Window(0, time(8), time(12)),
            Window(0, time(10), time(11)),
            Window(0, time(17), time(18)),
            Window(1, time(8), time(12)),
        ]
    ) == [
        Window(0, time(8), time(16)),
        Window(0, time(17), time(18)),
        Window(1, time(8), time(12)),
    ]


def test_across_midnight_is_never_free() -> None:
    evenings = [Window(d, time(6), time(23, 59)) for d in range(7)]
    start = at(MONDAY, 22, 30)
    assert free(start, start + timedelta(hours=2), windows=evenings) is False
    assert free(start, start + timedelta(hours=1), windows=evenings) is True


# --- is_free: time off, other jobs, the daily limit --------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        pytest.param(MONDAY, MONDAY, False, id="that day only"),
        pytest.param(MONDAY, MONDAY + timedelta(days=6), False, id="first day"),
        pytest.param(MONDAY - timedelta(days=6), MONDAY, False, id="last day"),
        pytest.param(MONDAY - timedelta(days=3), MONDAY + timedelta(days=3), False, id="inside"),
        pytest.param(MONDAY + timedelta(days=1), MONDAY + timedelta(days=5), True, id="after"),
        pytest.param(MONDAY - timedelta(days=5), MONDAY - timedelta(days=1), True, id="before"),
    ],
)
def test_time_off_blocks_whole_days(first: date, last: date, expected: bool) -> None:
    days_off = [DaysOff(first, last)]
    assert free(at(MONDAY, 9), at(MONDAY, 10), days_off=days_off) is expected


@pytest.mark.parametrize(
    ("job", "expected"),
    [
        pytest.param(((9, 0), (10, 0)), False, id="the same time"),
        pytest.param(((8, 30), (9, 30)), False, id="overlapping the start"),
        pytest.param(((9, 30), (11, 0)), False, id="overlapping the end"),
        pytest.param(((9, 15), (9, 45)), False, id="inside"),
        pytest.param(((8, 0), (9, 0)), True, id="ending exactly as the visit starts"),
        pytest.param(((10, 0), (11, 0)), True, id="starting exactly as the visit ends"),
    ],
)
def test_other_jobs(job: tuple[tuple[int, int], tuple[int, int]], expected: bool) -> None:
    busy = [(at(MONDAY, *job[0]), at(MONDAY, *job[1]))]
    assert free(at(MONDAY, 9), at(MONDAY, 10), busy=busy) is expected


def test_a_job_given_in_utc_blocks_too() -> None:
    busy = [(datetime(2027, 6, 7, 7, 30, tzinfo=UTC), datetime(2027, 6, 7, 8, 30, tzinfo=UTC))]
    assert free(at(MONDAY, 9), at(MONDAY, 10), busy=busy) is False  # 09:30–10:30 in Zürich


@pytest.mark.parametrize(
    ("jobs", "limit", "expected"),
    [(0, 1, True), (2, 3, True), (3, 3, False), (4, 3, False), (9, None, True)],
)
def test_jobs_per_day(jobs: int, limit: int | None, expected: bool) -> None:
    kwargs = {"jobs_that_day": jobs, "max_jobs_per_day": limit}
    assert free(at(MONDAY, 9), at(MONDAY, 10), **kwargs) is expected


# --- is_free: the days the clocks change -------------------------------------------------------

SPRING = date(2027, 3, 28)  # a Sunday: 02:00 CET → 03:00 CEST
AUTUMN = date(2027, 10, 31)  # a Sunday: 03:00 CEST → 02:00 CET
SUNDAY_MORNING = [Window(6, time(8), time(12))]


def utc(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


@pytest.mark.parametrize("day", [SPRING, AUTUMN])
def test_local_visit_on_a_dst_day(day: date) -> None:
    assert free(at(day, 9), at(day, 10), windows=SUNDAY_MORNING) is True


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # 06:00–07:00 UTC is 08:00–09:00 CEST: inside.
        pytest.param(utc(SPRING, 6), utc(SPRING, 7), True, id="spring, inside"),
        # 10:00–11:00 UTC is 12:00–13:00 CEST (it would be inside with the winter offset).
        pytest.param(utc(SPRING, 10), utc(SPRING, 11), False, id="spring, after"),
        # 07:00–08:00 UTC is 08:00–09:00 CET: inside.
        pytest.param(utc(AUTUMN, 7), utc(AUTUMN, 8), True, id="autumn, inside"),
        # 06:30–07:30 UTC is 07:30–08:30 CET (it would be inside with the summer offset).
        pytest.param(utc(AUTUMN, 6, 30), utc(AUTUMN, 7, 30), False, id="autumn, before"),
    ],
)
def test_utc_visit_on_a_dst_day(start: datetime, end: datetime, expected: bool) -> None:
    assert free(start, end, windows=SUNDAY_MORNING) is expected


def test_early_window_on_the_spring_day() -> None:
    """01:00–04:00 local on the spring day lasts two real hours; a two-hour visit fits."""
    windows = [Window(6, time(1), time(4))]
    start = at(SPRING, 1).astimezone(UTC)  # real hours: aware arithmetic in UTC
    assert free(start, start + timedelta(hours=2), windows=windows) is True  # until 04:00 CEST
    assert free(start, start + timedelta(hours=3), windows=windows) is False


# --- windows_problems --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("windows", "problems"),
    [
        pytest.param([Window(0, time(8), time(12))], [], id="fine"),
        pytest.param([Window(0, time(8), time(12)), Window(0, time(12), time(16))], [],
                     id="back to back is fine"),
        pytest.param([Window(0, time(8), time(12)), Window(1, time(8), time(12))], [],
                     id="same times on two days"),
        pytest.param([Window(0, time(12), time(8))], ["order"], id="until before from"),
        pytest.param([Window(0, time(8), time(8))], ["order"], id="until equals from"),
        pytest.param([Window(0, time(8, 15), time(12, 45))], [], id=":15 to :45"),
        pytest.param([Window(0, time(8, 30), time(12, 30))], [], id=":30 to :30"),
        pytest.param([Window(0, time(8, 45), time(12, 15))], [], id=":45 to :15"),
        pytest.param([Window(0, time(8, 10), time(12))], ["step"], id="08:10"),
        pytest.param([Window(0, time(8), time(11, 59))], ["step"], id="11:59"),
        pytest.param([Window(0, time(8), time(12, 0, 30))], ["step"], id="seconds"),
        pytest.param([Window(0, time(8), time(12)), Window(0, time(11), time(14))], ["overlap"],
                     id="overlap"),
        pytest.param([Window(2, time(14), time(18)), Window(2, time(9), time(15))], ["overlap"],
                     id="overlap given in any order"),
        pytest.param([Window(0, time(8), time(12)), Window(0, time(9), time(10))], ["overlap"],
                     id="one inside the other"),
    ],
)  # fmt: skip
def test_windows_problems(windows: list[Window], problems: list[str]) -> None:
    assert windows_problems(windows) == problems


# --- the selector, with rows -------------------------------------------------------------------

VISIT = (at(MONDAY, 9), at(MONDAY, 10))


def monday_helper(**kwargs: Any) -> HelperProfile:
    helper = HelperProfileFactory.create(**kwargs)
    AvailabilityWindowFactory(helper=helper, weekday=0, starts=time(8), ends=time(12))
    return helper


def available(start: datetime = VISIT[0], end: datetime = VISIT[1]) -> list[HelperProfile]:
    return helpers_available(start=start, end=end)


@pytest.mark.django_db
def test_approved_helper_with_a_matching_window() -> None:
    helper = monday_helper()
    HelperProfileFactory()  # no windows at all
    AvailabilityWindowFactory(weekday=1)  # Tuesdays only
    AvailabilityWindowFactory(weekday=0, starts=time(13), ends=time(17))  # Monday afternoons
    assert available() == [helper]
    assert helper_is_available(helper, *VISIT) is True


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["applied", "rejected", "suspended"])
def test_only_approved_helpers(status: str) -> None:
    helper = monday_helper(status=status)
    assert available() == []
    assert helper_is_available(helper, *VISIT) is False


@pytest.mark.django_db
def test_helper_with_time_off_that_day() -> None:
    away = monday_helper()
    TimeOffFactory(helper=away, first_day=MONDAY - timedelta(days=2), last_day=MONDAY)
    back = monday_helper()
    TimeOffFactory(
        helper=back, first_day=MONDAY - timedelta(days=7), last_day=MONDAY - timedelta(1)
    )
    assert available() == [back]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "starts", "expected"),
    [
        pytest.param("confirmed", (9, 30), False, id="confirmed, overlapping"),
        pytest.param("en_route", (8, 30), False, id="en route, overlapping"),
        pytest.param("in_progress", (8, 45), False, id="in progress, overlapping"),
        pytest.param("cancelled", (9, 0), True, id="cancelled, same time"),
        pytest.param("completed", (9, 0), True, id="completed, same time"),
        pytest.param("confirmed", (8, 0), True, id="confirmed, ending as the visit starts"),
        pytest.param("confirmed", (10, 0), True, id="confirmed, starting as the visit ends"),
    ],
)
def test_helper_with_another_booking(status: str, starts: tuple[int, int], expected: bool) -> None:
    helper = monday_helper()
    start = at(MONDAY, *starts)
    BookingFactory(
        status=status, helper=helper, starts_at=start, ends_at=start + timedelta(hours=1)
    )
    assert (available() == [helper]) is expected


@pytest.mark.django_db
def test_someone_elses_booking_does_not_block() -> None:
    helper = monday_helper()
    BookingFactory(status="confirmed", starts_at=VISIT[0], ends_at=VISIT[1])
    assert available() == [helper]


@pytest.mark.django_db
def test_max_jobs_per_day_counts_that_days_jobs() -> None:
    helper = monday_helper(max_jobs_per_day=1)
    AvailabilityWindowFactory(helper=helper, weekday=0, starts=time(13), ends=time(18))
    earlier = at(MONDAY, 8)
    BookingFactory(status="confirmed", helper=helper, starts_at=earlier,
                   ends_at=earlier + timedelta(minutes=30))  # fmt: skip
    # Jobs on other days and cancelled jobs do not count.
    for day in (MONDAY - timedelta(days=1), MONDAY + timedelta(days=1)):
        BookingFactory(status="confirmed", helper=helper, starts_at=at(day, 9))
    BookingFactory(status="cancelled", helper=helper, starts_at=at(MONDAY, 14))
    assert available() == []
    helper.max_jobs_per_day = 2
    helper.save()
    assert available() == [helper]


@pytest.mark.django_db
def test_selector_limited_to_given_helpers() -> None:
    first, second = monday_helper(), monday_helper()
    found = helpers_available(
        start=VISIT[0], end=VISIT[1], helpers=HelperProfile.objects.filter(pk=second.pk)
    )
    assert found == [second]
    assert sorted(h.pk for h in available()) == sorted([first.pk, second.pk])


@pytest.mark.django_db
def test_selector_on_a_dst_day() -> None:
    helper = HelperProfileFactory()
    AvailabilityWindowFactory(helper=helper, weekday=6, starts=time(8), ends=time(12))
    assert helpers_available(start=at(SPRING, 9), end=at(SPRING, 10)) == [helper]
    assert helpers_available(start=utc(SPRING, 10), end=utc(SPRING, 11)) == []


@pytest.mark.django_db
@pytest.mark.parametrize("count", [5, 30])
def test_selector_query_count_does_not_grow(
    count: int, django_assert_max_num_queries: Callable
) -> None:
    free_helpers = []
    for i in range(count):
        helper = monday_helper()
        AvailabilityWindowFactory(helper=helper, weekday=0, starts=time(14), ends=time(18))
        AvailabilityWindowFactory(helper=helper, weekday=2)
        if i % 3 == 0:
            TimeOffFactory(helper=helper, first_day=MONDAY, last_day=MONDAY)
        elif i % 3 == 1:
            BookingFactory(status="confirmed", helper=helper, starts_at=VISIT[0],
                           ends_at=VISIT[1])  # fmt: skip
        else:
            BookingFactory(status="completed", helper=helper, starts_at=at(MONDAY, 15))
            free_helpers.append(helper.pk)
    with django_assert_max_num_queries(4):
        found = available()
    assert sorted(h.pk for h in found) == sorted(free_helpers)
