"""What each booking status means for the customer, in one sentence, and what happens next;
and the messages that quote the booking policy, with its numbers filled in when they are shown."""

import math
from datetime import datetime, time, timedelta

from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from bookings.models import Booking
from bookings.policy import (
    BookingPolicy,
    CancellationTerms,
    RescheduleProblem,
    StartProblem,
    asap_last_start,
    start_slots,
)
from mila.formats import format_when
from mila.lib.money import format_chf

S = Booking.Status

STATUS_EXPLANATIONS = {
    S.REQUESTED: _("We have received your booking and are arranging the payment."),
    S.SEARCHING: _(
        "We are asking checked helpers near you. You will get an e-mail as soon as one says yes."
    ),
    S.CONFIRMED: _("Your helper has confirmed. They will let you know when they are on the way."),
    S.EN_ROUTE: _(
        "Your helper is on the way. At the door they tell you the code shown here: open only "
        "if it matches."
    ),
    S.IN_PROGRESS: _("Your helper is with you now. Take your time and ask anything."),
    S.COMPLETED: _("The visit is done. We hope everything works again!"),
    S.UNFULFILLED: _(
        "We could not find a helper for this time. Choose another time, or write to "
        "hallo@mila.ch and we will arrange it."
    ),
    S.CANCELLED: _("This booking was cancelled."),
}

# The badge colour class for each status (the badge always shows the text as well).
STATUS_TONES = {
    S.REQUESTED: "neutral",
    S.SEARCHING: "info",
    S.CONFIRMED: "ok",
    S.EN_ROUTE: "ok",
    S.IN_PROGRESS: "ok",
    S.COMPLETED: "done",
    S.UNFULFILLED: "warn",
    S.CANCELLED: "muted",
}


def live_sentence(booking: Booking, now: datetime) -> str:
    """Where the visit stands, in one sentence with what happens next, naming the helper:
    "Lena is on the way and arrives in about 15 minutes"."""
    name = booking.helper.user.first_name if booking.helper_id and booking.helper else ""
    status = booking.status
    if status == S.CANCELLED and booking.no_show:
        return gettext("Your helper could not reach you at the door, so the visit was closed.")
    if not name or status not in (S.CONFIRMED, S.EN_ROUTE, S.IN_PROGRESS, S.COMPLETED):
        return str(STATUS_EXPLANATIONS.get(S(status), ""))
    if status == S.CONFIRMED:
        when = format_when(booking.starts_at, "WEEKDAY_DATETIME_NO_YEAR")
        return gettext(
            "%(name)s comes on %(when)s. You get a message as soon as %(name)s sets off."
        ) % {"name": name, "when": when}
    if status == S.EN_ROUTE:
        if booking.eta_at and booking.eta_at > now:
            minutes = math.ceil((booking.eta_at - now).total_seconds() / 60)
            return ngettext(
                "%(name)s is on the way and arrives in about %(minutes)s minute.",
                "%(name)s is on the way and arrives in about %(minutes)s minutes.",
                minutes,
            ) % {"name": name, "minutes": minutes}
        return gettext("%(name)s is on the way and should arrive any minute.") % {"name": name}
    if status == S.IN_PROGRESS:
        return gettext("%(name)s is with you now. Take your time and ask anything.") % {
            "name": name
        }
    return gettext("%(name)s has completed the visit. The report is below.") % {"name": name}


def _hhmm(at: time) -> str:
    return at.strftime("%H:%M")


def start_message(problem: StartProblem, policy: BookingPolicy, *, duration_minutes: int) -> str:
    """Why a start time cannot be booked for a visit this long, in the active language."""
    if problem == StartProblem.TOO_SOON:
        hours = int(policy.min_lead / timedelta(hours=1))
        return ngettext(
            "Please choose a time at least %(hours)s hour from now – "
            "or book “as soon as possible”.",
            "Please choose a time at least %(hours)s hours from now – "
            "or book “as soon as possible”.",
            hours,
        ) % {"hours": hours}
    if problem == StartProblem.TOO_FAR:
        days = policy.max_ahead.days
        return ngettext(
            "We can book at most %(days)s day ahead. Please choose an earlier date.",
            "We can book at most %(days)s days ahead. Please choose an earlier date.",
            days,
        ) % {"days": days}
    if problem == StartProblem.OUTSIDE_HOURS:
        return gettext("Our helpers come between %(start)s and %(end)s.") % {
            "start": _hhmm(policy.day_starts),
            "end": _hhmm(policy.day_ends),
        }
    if problem == StartProblem.ENDS_TOO_LATE:
        slots = start_slots(duration_minutes=duration_minutes, policy=policy)
        return gettext(
            "Our helpers come until %(end)s, so the latest start for this visit is %(last)s."
        ) % {
            "end": _hhmm(policy.day_ends),
            "last": _hhmm(slots[-1] if slots else policy.day_starts),
        }
    if problem == StartProblem.PAST:
        return gettext("This time has already passed. Please choose a later one.")
    return gettext("Please choose a full or half hour, e.g. 14:00 or 14:30.")


def asap_unavailable_message(policy: BookingPolicy, *, duration_minutes: int = 0) -> str:
    """Why "as soon as possible" cannot be chosen right now (for a visit this long)."""
    last = asap_last_start(duration_minutes=duration_minutes, policy=policy)
    return gettext(
        "“As soon as possible” is available from %(start)s to %(end)s. Please choose a time."
    ) % {"start": _hhmm(policy.day_starts), "end": _hhmm(last)}


def reschedule_message(problem: RescheduleProblem, policy: BookingPolicy) -> str:
    """Why a visit cannot be moved, in the active language."""
    if problem == RescheduleProblem.TOO_LATE:
        hours = int(policy.free_reschedule / timedelta(hours=1))
        return ngettext(
            "Visits can be moved free of charge until %(hours)s hour before they start. "
            "Please cancel instead, or write to hallo@mila.ch.",
            "Visits can be moved free of charge until %(hours)s hours before they start. "
            "Please cancel instead, or write to hallo@mila.ch.",
            hours,
        ) % {"hours": hours}
    times = policy.max_reschedules
    if times == 2:
        # English says "twice", not "2 times"; other counts take the plural forms below.
        return gettext("This visit has already been moved twice.")
    return ngettext(
        "This visit has already been moved once.",
        "This visit has already been moved %(count)s times.",
        times,
    ) % {"count": times}


def cancellation_fee_message(terms: CancellationTerms) -> str:
    """What cancelling costs now, in one sentence (as templates/bookings/includes/cancel_fee
    says it on the page)."""
    fee = format_chf(terms.fee)
    if terms.reason == "en_route":
        return gettext("Your helper is already on the way, so the full visit price of %(fee)s "
                       "is charged.") % {"fee": fee}  # fmt: skip
    if terms.reason == "late":
        policy = BookingPolicy.from_settings()
        hours = int(policy.free_cancellation / timedelta(hours=1))
        return ngettext(
            "Cancelling now costs %(fee)s (%(percent)s%% of the visit price), because the visit "
            "starts in less than %(hours)s hour.",
            "Cancelling now costs %(fee)s (%(percent)s%% of the visit price), because the visit "
            "starts in less than %(hours)s hours.", hours,
        ) % {"fee": fee, "percent": policy.late_cancellation_percent,
             "hours": hours}  # fmt: skip
    return gettext("Cancelling is free of charge.")
