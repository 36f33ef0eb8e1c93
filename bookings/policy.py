"""Booking rules as pure functions of plain values (DESIGN §5): when a visit may start,
what cancelling costs, whether a reschedule is allowed.

Times are aware datetimes; opening hours are checked in the local time zone passed in.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo
from enum import StrEnum

from bookings.pricing import round_to_5


@dataclass(frozen=True)
class BookingPolicy:
    min_lead: timedelta = timedelta(hours=2)
    max_ahead: timedelta = timedelta(days=60)
    day_starts: time = time(7, 0)
    day_ends: time = time(21, 0)
    slot_minutes: int = 30
    asap_last_start: time = time(20, 0)
    free_cancellation: timedelta = timedelta(hours=24)
    late_cancellation_percent: int = 50
    free_reschedule: timedelta = timedelta(hours=24)
    max_reschedules: int = 2
    en_route_lead: timedelta = timedelta(hours=3)
    no_show_fee_percent: int = 100
    no_show_wait: timedelta = timedelta(minutes=10)
    late_withdrawal: timedelta = timedelta(hours=24)
    follow_up_days: int = 30

    @classmethod
    def from_settings(cls) -> "BookingPolicy":
        from django.conf import settings

        return cls(
            min_lead=timedelta(hours=settings.BOOKING_MIN_LEAD_HOURS),
            max_ahead=timedelta(days=settings.BOOKING_MAX_DAYS_AHEAD),
            free_cancellation=timedelta(hours=settings.BOOKING_FREE_CANCELLATION_HOURS),
            late_cancellation_percent=settings.BOOKING_LATE_CANCELLATION_PERCENT,
            free_reschedule=timedelta(hours=settings.BOOKING_FREE_RESCHEDULE_HOURS),
            max_reschedules=settings.BOOKING_MAX_RESCHEDULES,
            en_route_lead=timedelta(hours=settings.BOOKING_EN_ROUTE_HOURS),
            no_show_fee_percent=settings.BOOKING_NO_SHOW_FEE_PERCENT,
            no_show_wait=timedelta(minutes=settings.BOOKING_NO_SHOW_WAIT_MINUTES),
            late_withdrawal=timedelta(hours=settings.BOOKING_LATE_WITHDRAWAL_HOURS),
            follow_up_days=settings.FOLLOW_UP_DAYS,
        )


class StartProblem(StrEnum):
    PAST = "past"
    TOO_SOON = "too_soon"
    TOO_FAR = "too_far"
    OUTSIDE_HOURS = "outside_hours"
    ENDS_TOO_LATE = "ends_too_late"
    NOT_ON_SLOT = "not_on_slot"


def _minute_of_day(at: time) -> int:
    return at.hour * 60 + at.minute


def start_slots(*, duration_minutes: int, policy: BookingPolicy) -> list[time]:
    """The start times offered for a visit of this length: on the slot grid, from the start
    of the helpers' day until the last one at which the visit still ends by the end of it
    (helpers come until 21:00: a 60-minute visit starts at 20:00 at the latest)."""
    first = _minute_of_day(policy.day_starts)
    last = _minute_of_day(policy.day_ends) - duration_minutes
    return [time(m // 60, m % 60) for m in range(first, last + 1, policy.slot_minutes)]


def start_problem(
    starts_at: datetime, *, duration_minutes: int, now: datetime, tz: tzinfo,
    policy: BookingPolicy,
) -> StartProblem | None:  # fmt: skip
    """Why a chosen start time cannot be booked for a visit of ``duration_minutes``, or None
    if it can: the visit must start and end within the helpers' day, on the slot grid."""
    local = starts_at.astimezone(tz)
    if starts_at <= now:
        return StartProblem.PAST
    if starts_at - now < policy.min_lead:
        return StartProblem.TOO_SOON
    if starts_at - now > policy.max_ahead:
        return StartProblem.TOO_FAR
    if not policy.day_starts <= local.time() <= policy.day_ends:
        return StartProblem.OUTSIDE_HOURS
    if _minute_of_day(local.time()) + duration_minutes > _minute_of_day(policy.day_ends):
        return StartProblem.ENDS_TOO_LATE
    if local.minute % policy.slot_minutes or local.second or local.microsecond:
        return StartProblem.NOT_ON_SLOT
    return None


def asap_last_start(*, duration_minutes: int, policy: BookingPolicy) -> time:
    """The latest time of day "as soon as possible" may be booked for a visit this long: the
    policy's ASAP cut-off, earlier for a visit that would otherwise end after the day."""
    latest = _minute_of_day(policy.day_ends) - duration_minutes
    cutoff = min(_minute_of_day(policy.asap_last_start), max(latest, 0))
    return time(cutoff // 60, cutoff % 60)


def asap_available(
    now: datetime, *, tz: tzinfo, policy: BookingPolicy, duration_minutes: int = 0
) -> bool:
    """'As soon as possible' is offered while helpers can still come today and a visit of
    ``duration_minutes`` booked now still ends within the helpers' day."""
    last = asap_last_start(duration_minutes=duration_minutes, policy=policy)
    return policy.day_starts <= now.astimezone(tz).time() <= last


class FeeReason(StrEnum):
    FREE = "free"
    LATE = "late"
    EN_ROUTE = "en_route"


@dataclass(frozen=True)
class CancellationTerms:
    fee: int
    reason: FeeReason
    free_until: datetime


def cancellation_terms(
    *, base_price: int, starts_at: datetime, now: datetime, helper_on_the_way: bool,
    policy: BookingPolicy, helper_assigned: bool = True,
) -> CancellationTerms:  # fmt: skip
    """Free until 24 h before the start; later half the base price; once the helper is on the
    way (or has arrived) the full base price.

    Always free while no helper has accepted: nobody has set time aside yet (this also keeps
    "as soon as possible" bookings, which start within 24 h, free until a helper says yes).
    """
    free_until = starts_at - policy.free_cancellation
    if helper_on_the_way:
        return CancellationTerms(base_price, FeeReason.EN_ROUTE, free_until)
    if now < free_until or not helper_assigned:
        return CancellationTerms(0, FeeReason.FREE, free_until)
    fee = round_to_5(base_price * policy.late_cancellation_percent / 100)
    return CancellationTerms(fee, FeeReason.LATE, free_until)


class RescheduleProblem(StrEnum):
    TOO_LATE = "too_late"
    TOO_MANY = "too_many"


def reschedule_problem(
    *, starts_at: datetime, now: datetime, reschedule_count: int, policy: BookingPolicy,
    helper_assigned: bool = True,
) -> RescheduleProblem | None:  # fmt: skip
    """A visit can be moved free of charge until 24 h before it starts, at most twice.

    The 24 h rule protects a helper who set the time aside; with no helper yet (still looking,
    or nobody found) the visit can be moved until it starts.
    """
    if reschedule_count >= policy.max_reschedules:
        return RescheduleProblem.TOO_MANY
    if helper_assigned and now >= starts_at - policy.free_reschedule:
        return RescheduleProblem.TOO_LATE
    return None


def no_show_fee(*, base_price: int, policy: BookingPolicy) -> int:
    """A customer who is not there pays the full base price (DESIGN §5), as if they had
    cancelled with the helper on the way."""
    return round_to_5(base_price * policy.no_show_fee_percent / 100)


def no_show_from(
    *, starts_at: datetime, eta_at: datetime | None, policy: BookingPolicy
) -> datetime:
    """When a helper at the door may report that nobody is there: after the start — or the
    arrival time they gave, if later — and a few minutes of waiting."""
    arrival = max(starts_at, eta_at) if eta_at else starts_at
    return arrival + policy.no_show_wait


def is_late_withdrawal(*, starts_at: datetime, now: datetime, policy: BookingPolicy) -> bool:
    """A helper giving a job back less than 24 h before it starts leaves the customer in a
    bind: staff are told, and it counts on the helper's record."""
    return starts_at - now < policy.late_withdrawal


def follow_up_until(*, completed_at: datetime, policy: BookingPolicy) -> datetime:
    """The last moment a free follow-up can be asked for."""
    return completed_at + timedelta(days=policy.follow_up_days)
