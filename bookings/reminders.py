"""Reminders before a visit (DESIGN §8): 24 hours and 1 hour before the start, to the customer
and to the helper, each exactly once.

The beat calls ``reminders_send`` every minute. A reminder is due from its time before the
start (``settings.BOOKING_REMINDER_HOURS``) until the next, closer one is due: a run that comes
late sends only the closer one, since "tomorrow" an hour before the visit says nothing. Only
confirmed visits are reminded, and only of what was not known yet when the helper confirmed:
a visit confirmed five hours ahead gets no 24-hour reminder.

Each reminder is a ``Reminder`` row, unique per booking, kind and start time, inserted before
anyone is told and in the same transaction: when two runs (or two schedulers) reach the same
visit, the constraint lets one of them through. A moved visit has a new start time, so once it
is confirmed again it gets reminders of its own.
"""

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from bookings.models import Booking, Reminder
from bookings.notices import notify_booking
from notifications.models import Notification

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReminderWindow:
    """When a kind of reminder is due: from ``lead`` before the start until ``until`` before
    it, where the next, closer reminder takes over (zero for the last one)."""

    kind: str
    lead: timedelta
    until: timedelta


def reminder_windows(hours: Mapping[str, float]) -> list[ReminderWindow]:
    """The windows for reminders ``hours`` (kind → hours before the start), earliest first."""
    leads = sorted(((kind, timedelta(hours=h)) for kind, h in hours.items()), key=lambda k: -k[1])
    untils = [lead for _, lead in leads[1:]] + [timedelta(0)]
    return [
        ReminderWindow(kind, lead, until) for (kind, lead), until in zip(leads, untils, strict=True)
    ]


def reminder_due(
    *, starts_at: datetime, now: datetime, windows: list[ReminderWindow]
) -> str | None:
    """Which reminder's window ``now`` is in for a visit at ``starts_at``, if any: the window
    opens at exactly ``lead`` before the start and closes when the next one opens."""
    for window in windows:
        if now + window.until < starts_at <= now + window.lead:
            return window.kind
    return None


def reminders_send(*, now: datetime | None = None, limit: int = 500) -> int:
    """Send the reminders that are due: to the customer and the helper of every confirmed
    visit whose reminder window has opened, unless that reminder went out already for this
    start time or the helper confirmed only after it was due. Returns how many visits were
    reminded (a reminder another run sent first does not count)."""
    now = now or timezone.now()
    windows = reminder_windows(settings.BOOKING_REMINDER_HOURS)
    sent = 0
    for booking in _due_bookings(now=now, windows=windows, limit=limit):
        kind = reminder_due(starts_at=booking.starts_at, now=now, windows=windows)
        if kind is None:  # cannot happen: the query asked for the same windows
            continue
        try:
            sent += _remind(booking=booking, kind=kind, now=now)
        except Exception:  # one broken booking must not stop the others' reminders
            logger.exception("Reminder %s failed for booking %s", kind, booking.pk)
    return sent


def _due_bookings(*, now: datetime, windows: list[ReminderWindow], limit: int) -> list[Booking]:
    """One query: the confirmed visits with a reminder due and not yet sent for their start."""
    if not windows:
        return []
    sent = Reminder.objects.filter(booking=OuterRef("pk"), starts_at=OuterRef("starts_at"))
    due = Q()
    for window in windows:
        known_in_time = Q(confirmed_at__isnull=True) | Q(
            confirmed_at__lte=F("starts_at") - window.lead
        )
        not_sent = Q(~Exists(sent.filter(kind=window.kind)))
        in_window = Q(starts_at__gt=now + window.until, starts_at__lte=now + window.lead)
        due |= in_window & known_in_time & not_sent
    return list(
        Booking.objects.filter(due, status=Booking.Status.CONFIRMED, helper__isnull=False)
        .select_related("service", "customer", "helper__user")
        .order_by("starts_at", "pk")[:limit]
    )


@transaction.atomic
def _remind(*, booking: Booking, kind: str, now: datetime) -> bool:
    """Claim the reminder with its row, then tell both people, in one transaction.

    The booking row is locked and checked again: a visit cancelled, moved or handed to another
    helper since the query was read gets no reminder for what no longer holds."""
    unchanged = (
        Booking.objects.locked()
        .filter(
            pk=booking.pk,
            status=Booking.Status.CONFIRMED,
            starts_at=booking.starts_at,
            helper_id=booking.helper_id,
        )
        .only("pk")
        .first()
    )
    if unchanged is None or booking.helper is None:
        return False
    try:
        with transaction.atomic():
            Reminder.objects.create(
                booking=booking, kind=kind, starts_at=booking.starts_at, sent_at=now
            )
    except IntegrityError:  # another run sent it
        return False
    notify_booking(
        booking,
        Notification.Kind.BOOKING_REMINDER,
        recipients=[booking.customer, booking.helper.user],
        before=kind,
    )
    return True
