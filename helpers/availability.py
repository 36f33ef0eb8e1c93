"""Is a helper free for a visit? A pure function of plain values, and the selector that feeds
it from the database (DESIGN §6: available in the window, no time off, no overlapping job,
under the daily maximum).

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
from django.db.models import Count, Prefetch, Q, QuerySet

from helpers.models import AvailabilityWindow, HelperProfile, TimeOff

BUSY_STATUSES = ("confirmed", "en_route", "in_progress")


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
    off, overlaps no other job, and the day's job limit is not reached."""
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


def helpers_available(
    *, start: datetime, end: datetime, helpers: QuerySet[HelperProfile] | None = None
) -> list[HelperProfile]:
    """The approved helpers (of ``helpers``, default all) who are free for [start, end).

    Four queries whatever the number of helpers: helpers, their windows for that weekday,
    their time off on that day, and their jobs that day.
    """
    tz = ZoneInfo(settings.TIME_ZONE)
    local_day = start.astimezone(tz).date()
    day_start, day_end = _day_bounds(start, tz)
    jobs_that_day = Q(bookings__status__in=BUSY_STATUSES) & Q(
        bookings__starts_at__lt=day_end, bookings__ends_at__gt=day_start
    )
    queryset = (
        (helpers if helpers is not None else HelperProfile.objects.all())
        .filter(status=HelperProfile.Status.APPROVED)
        .annotate(jobs_that_day=Count("bookings", filter=jobs_that_day))
        .prefetch_related(
            Prefetch(
                "windows",
                queryset=AvailabilityWindow.objects.filter(weekday=local_day.weekday()),
                to_attr="day_windows",
            ),
            Prefetch(
                "time_off",
                queryset=TimeOff.objects.filter(first_day__lte=local_day, last_day__gte=local_day),
                to_attr="day_off",
            ),
            Prefetch(
                "bookings",
                queryset=_busy_bookings(day_start, day_end),
                to_attr="day_jobs",
            ),
        )
    )
    return [helper for helper in queryset if _free(helper, start, end, tz)]


def _busy_bookings(day_start: datetime, day_end: datetime) -> Any:
    from bookings.models import Booking

    return Booking.objects.filter(
        status__in=BUSY_STATUSES, starts_at__lt=day_end, ends_at__gt=day_start
    ).only("id", "helper_id", "starts_at", "ends_at")


def _free(helper: Any, start: datetime, end: datetime, tz: tzinfo) -> bool:
    return is_free(
        start,
        end,
        windows=[Window(w.weekday, w.starts, w.ends) for w in helper.day_windows],
        days_off=[DaysOff(o.first_day, o.last_day) for o in helper.day_off],
        busy=[(job.starts_at, job.ends_at) for job in helper.day_jobs],
        jobs_that_day=helper.jobs_that_day,
        max_jobs_per_day=helper.max_jobs_per_day,
        tz=tz,
    )


def helper_is_available(helper: HelperProfile, start: datetime, end: datetime) -> bool:
    qs = HelperProfile.objects.filter(pk=helper.pk)
    return bool(helpers_available(start=start, end=end, helpers=qs))


def windows_problems(windows: Sequence[Window]) -> list[str]:
    """Plain-value checks for a helper's weekly windows: 15-minute steps, from before until,
    no overlaps. Returns problem codes (empty if fine)."""
    problems = []
    for w in windows:
        if w.starts >= w.ends:
            problems.append("order")
        if any(t.minute % 15 or t.second or t.microsecond for t in (w.starts, w.ends)):
            problems.append("step")
    ordered = sorted(windows, key=lambda w: (w.weekday, w.starts))
    for before, after in pairwise(ordered):
        if before.weekday == after.weekday and after.starts < before.ends:
            problems.append("overlap")
    return problems
