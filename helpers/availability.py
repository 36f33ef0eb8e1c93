"""Is a helper free for a visit? A pure function of plain values (the rule), and the same rule
as a queryset filter the database evaluates (DESIGN §6: available in the window, no time off,
no overlapping job, under the daily maximum).

Windows are Swiss wall-clock times, so a visit at 09:00 is checked against "Tuesday
08:00–12:00" also on the days the clocks change.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Exists, F, Func, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThan

from helpers.models import AvailabilityWindow, HelperProfile, TimeOff

# A helper is busy at the time of these jobs; the day's maximum also counts the ones done.
BUSY_STATUSES = ("confirmed", "en_route", "in_progress")
DAY_STATUSES = (*BUSY_STATUSES, "completed")


# The weekly times a helper can give: quarter hours between these, at most four a day.
WINDOW_EARLIEST = time(6)
WINDOW_LATEST = time(22)
MAX_WINDOWS = 28


@dataclass(frozen=True)
class Window:
    weekday: int  # Monday = 0
    starts: time
    ends: time


@dataclass(frozen=True)
class DaysOff:
    first: date
    last: date


def merged(windows: Iterable[Window]) -> list[Window]:
    """Back-to-back windows on a day (08–12 and 12–16) count as one (08–16)."""
    result: list[Window] = []
    for window in sorted(windows, key=lambda w: (w.weekday, w.starts)):
        last = result[-1] if result else None
        if last and last.weekday == window.weekday and window.starts <= last.ends:
            result[-1] = Window(last.weekday, last.starts, max(last.ends, window.ends))
        else:
            result.append(window)
    return result


def is_free(
    start: datetime,
    end: datetime,
    *,
    windows: Iterable[Window],
    days_off: Iterable[DaysOff] = (),
    busy: Iterable[tuple[datetime, datetime]] = (),
    jobs_that_day: int = 0,
    max_jobs_per_day: int | None = None,
    tz: tzinfo,
) -> bool:
    """True if [start, end) lies inside one weekly window on a single local day, on no day
    off, overlaps no other job, and the day's job limit is not reached (``jobs_that_day``
    counts that day's jobs, the finished ones too)."""
    if end <= start:
        return False
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    day = local_start.date()
    if local_end.date() != day:  # visits never run across midnight
        return False
    if any(off.first <= day <= off.last for off in days_off):
        return False
    if max_jobs_per_day is not None and jobs_that_day >= max_jobs_per_day:
        return False
    if any(job_start < end and start < job_end for job_start, job_end in busy):
        return False
    return any(
        w.weekday == day.weekday() and w.starts <= local_start.time() and local_end.time() <= w.ends
        for w in merged(windows)
    )


def _day_bounds(start: datetime, tz: tzinfo) -> tuple[datetime, datetime]:
    day = start.astimezone(tz).date()
    first = datetime.combine(day, time.min, tzinfo=tz)
    return first, datetime.combine(day, time.max, tzinfo=tz)


def _jobs(statuses: tuple[str, ...] = BUSY_STATUSES) -> QuerySet[Any]:
    from bookings.models import Booking

    return Booking.objects.filter(status__in=statuses)


def free_conditions(*, start: datetime, end: datetime) -> list[Any] | None:
    """The rules of ``is_free`` as filter conditions on helpers, for the database to evaluate
    in the same query (no rows are loaded to check them); None if nobody can be free then.

    Stored windows never touch (``availability_set_windows`` merges back-to-back ones), so
    "inside one merged window" is "inside one stored window" here.
    """
    tz = ZoneInfo(settings.TIME_ZONE)
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    day = local_start.date()
    if end <= start or local_end.date() != day:  # visits never run across midnight
        return None
    day_start, day_end = _day_bounds(start, tz)
    window = AvailabilityWindow.objects.filter(
        helper=OuterRef("pk"), weekday=day.weekday(),
        starts__lte=local_start.time(), ends__gte=local_end.time(),
    )  # fmt: skip
    away = TimeOff.objects.filter(helper=OuterRef("pk"), first_day__lte=day, last_day__gte=day)
    overlapping = _jobs().filter(helper=OuterRef("pk"), starts_at__lt=end, ends_at__gt=start)
    that_day = _jobs(DAY_STATUSES).filter(
        helper=OuterRef("pk"), starts_at__lt=day_end, ends_at__gt=day_start
    )
    jobs_that_day = Subquery(that_day.order_by().values(count=Func(F("pk"), function="COUNT")))
    return [
        Exists(window),
        ~Exists(away),
        ~Exists(overlapping),
        LessThan(Coalesce(jobs_that_day, 0), F("max_jobs_per_day")),
    ]


def free_between(
    helpers: QuerySet[HelperProfile], *, start: datetime, end: datetime
) -> QuerySet[HelperProfile]:
    """The helpers of ``helpers`` who are free for [start, end) (see ``free_conditions``)."""
    conditions = free_conditions(start=start, end=end)
    return helpers.none() if conditions is None else helpers.filter(*conditions)


def helpers_available(
    *, start: datetime, end: datetime, helpers: QuerySet[HelperProfile] | None = None
) -> list[HelperProfile]:
    """The approved helpers (of ``helpers``, default all) who are free for [start, end).
    One query, whatever the number of helpers."""
    queryset = helpers if helpers is not None else HelperProfile.objects.all()
    approved = queryset.filter(status=HelperProfile.Status.APPROVED)
    return list(free_between(approved, start=start, end=end))


def helper_is_available(helper: HelperProfile, start: datetime, end: datetime) -> bool:
    qs = HelperProfile.objects.filter(pk=helper.pk)
    return bool(helpers_available(start=start, end=end, helpers=qs))


def job_conflict(
    *, helper: HelperProfile, start: datetime, end: datetime, ignore_booking: int | None = None
) -> str | None:
    """Why this helper cannot take another job at [start, end): "overlap" (another job at
    that time) or "daily_max" (their jobs that day are at their maximum), else None. The
    weekly times are not checked: a helper who says yes, or staff who arranged it, decide."""
    day_start, day_end = _day_bounds(start, ZoneInfo(settings.TIME_ZONE))
    busy = Q(status__in=BUSY_STATUSES, starts_at__lt=end, ends_at__gt=start)
    that_day = Q(starts_at__lt=day_end, ends_at__gt=day_start)
    counts = (
        _jobs(DAY_STATUSES)
        .filter(helper=helper)
        .exclude(pk=ignore_booking)
        .aggregate(overlapping=Count("pk", filter=busy), that_day=Count("pk", filter=that_day))
    )
    if counts["overlapping"]:
        return "overlap"
    if counts["that_day"] >= helper.max_jobs_per_day:
        return "daily_max"
    return None


def windows_problems(windows: Sequence[Window]) -> list[str]:
    """Plain-value checks for a helper's weekly windows: 15-minute steps between 06:00 and
    22:00, from before until, no overlaps, at most 28. Returns problem codes (empty if fine)."""
    problems = []
    if len(windows) > MAX_WINDOWS:
        problems.append("too_many")
    for w in windows:
        if w.starts >= w.ends:
            problems.append("order")
        if any(t.minute % 15 or t.second or t.microsecond for t in (w.starts, w.ends)):
            problems.append("step")
        if any(not WINDOW_EARLIEST <= t <= WINDOW_LATEST for t in (w.starts, w.ends)):
            problems.append("range")
    ordered = sorted(windows, key=lambda w: (w.weekday, w.starts))
    for before, after in pairwise(ordered):
        if before.weekday == after.weekday and after.starts < before.ends:
            problems.append("overlap")
    return problems
