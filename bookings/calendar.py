"""Visits as calendar events (RFC 5545): the file attached to booking e-mails, and each
helper's private feed of their jobs.

A booking is one event with the same UID everywhere (every e-mail, customer and helper, and
the feed), so a calendar app replaces the entry it has instead of adding a second one. Its
SEQUENCE is the number of the booking's BookingEvent rows, which only ever grows: whatever
changed last carries the highest number and wins.

An e-mail's event says what is true when the e-mail leaves, not when it was written: a late
"helper found" cannot bring back a visit cancelled meanwhile, and a "visit moved" that reaches
the old helper after they took the new time again does not cancel their job. Only a
cancellation and a no-show are final, so their e-mails always cancel.

METHOD is PUBLISH, not REQUEST: REQUEST is an invitation that asks for an answer (clients show
accept/decline buttons and mail the reply to the organizer), but the visit is already agreed
on Mila and nobody reads replies at hallo@. A change is a PUBLISH of the updated event, the
end a CANCEL (with STATUS:CANCELLED), both matched by UID and SEQUENCE.

Never in here, whoever receives it: the door code (it proves at the door that the helper is
the one Mila sent) and the customer's phone number (calendars are synced to other services).
"""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from email.utils import parseaddr
from typing import Any, Literal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import STATUS, Calendar, Event, vCalAddress

from bookings.models import Booking
from helpers.availability import DAY_STATUSES
from helpers.models import HelperProfile
from notifications.models import Notification
from notifications.services import Attachment

Audience = Literal["customer", "helper"]
CUSTOMER: Audience = "customer"
HELPER: Audience = "helper"

# The UID's domain stays the same on every server, so the event of a booking is one event.
UID_DOMAIN = "mila.ch"
PRODID = "-//Mila//Mila visits//EN"
VISIT_TIMEZONE = ZoneInfo("Europe/Zurich")
MIMETYPE = "text/calendar"
# The feed shows the jobs still to come and those of the last two weeks (for the records).
FEED_DAYS_BACK = timedelta(days=14)
FEED_REFRESH = timedelta(hours=1)
# Helpers who may have a feed: the ones whose dashboard shows their jobs.
FEED_STATUSES = (HelperProfile.Status.APPROVED, HelperProfile.Status.SUSPENDED)

Kind = Notification.Kind
# The e-mails that carry the booking's event, and those after which the visit is off for good.
CALENDAR_KINDS = (
    Kind.BOOKING_CONFIRMED,
    Kind.JOB_CONFIRMED,
    Kind.BOOKING_RESCHEDULED,
    Kind.BOOKING_CANCELLED,
    Kind.BOOKING_NO_SHOW,
)
FINAL_KINDS = frozenset({Kind.BOOKING_CANCELLED, Kind.BOOKING_NO_SHOW})
OFF_STATUSES = (Booking.Status.CANCELLED, Booking.Status.UNFULFILLED)


def event_uid(booking: Booking) -> str:
    return f"booking-{booking.reference}@{UID_DOMAIN}"


def event_sequence(booking: Booking) -> int:
    """How often the booking changed: the feed's query counts it for all jobs at once
    (``calendar_sequence``), an e-mail counts its own."""
    counted = getattr(booking, "calendar_sequence", None)
    return counted if counted is not None else booking.events.count()


def visit_is_on(booking: Booking, *, audience: Audience, recipient: Any) -> bool:
    """Does the visit still stand for this person? For the customer unless it was called off;
    for a helper only while it is their job."""
    if booking.status in OFF_STATUSES or booking.no_show:
        return False
    if audience == CUSTOMER:
        return True
    helper = booking.helper
    return helper is not None and helper.user_id == recipient.pk and booking.status in DAY_STATUSES


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _page_url(booking: Booking, audience: Audience) -> str:
    name = "bookings:helper_job" if audience == HELPER else "bookings:detail"
    return _absolute(reverse(name, args=[booking.reference]))


def _description(booking: Booking, *, audience: Audience, cancelled: bool, url: str) -> str:
    """A few lines for the event's notes, in the active language: what it is, who, where to
    see more. For a helper the customer's first name (they ring the bell), nothing more."""
    lines = [str(Booking.Status.CANCELLED.label)] if cancelled else []
    if audience == HELPER:
        lines.append(_("Job %(reference)s") % {"reference": booking.reference})
        lines.append(_("Customer: %(name)s") % {"name": booking.customer.first_name})
        lines.append(_("Your job: %(url)s") % {"url": url})
        return "\n".join(lines)
    lines.append(_("Booking %(reference)s") % {"reference": booking.reference})
    if booking.helper is not None and not cancelled:
        lines.append(_("Your helper: %(name)s") % {"name": booking.helper.user.first_name})
    elif not cancelled:
        lines.append(_("We are still looking for a helper."))
    lines.append(_("Your booking: %(url)s") % {"url": url})
    return "\n".join(lines)


def _status(booking: Booking, *, audience: Audience, cancelled: bool) -> STATUS:
    if cancelled:
        return STATUS.CANCELLED
    if audience == CUSTOMER and booking.helper_id is None:
        return STATUS.TENTATIVE  # booked, but nobody is coming yet
    return STATUS.CONFIRMED


def _organizer() -> vCalAddress:
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return vCalAddress.new(address, cn=name or "Mila")


def booking_event(
    booking: Booking,
    *,
    audience: Audience,
    cancelled: bool = False,
    starts_at: datetime | None = None,
    now: datetime | None = None,
) -> Event:
    """The booking as one VEVENT for the customer or its helper. ``starts_at`` shows another
    start than the booking's (the old time a helper held, when cancelling it for them)."""
    starts = (starts_at or booking.starts_at).astimezone(VISIT_TIMEZONE)
    url = _page_url(booking, audience)
    return Event.new(
        uid=event_uid(booking),
        sequence=event_sequence(booking),
        stamp=now or timezone.now(),
        start=starts,
        end=starts + (booking.ends_at - booking.starts_at),
        summary=f"{booking.service.name} · Mila",
        location=f"{booking.street}, {booking.postcode} {booking.city}",
        description=_description(booking, audience=audience, cancelled=cancelled, url=url),
        url=url,
        organizer=_organizer(),
        status=_status(booking, audience=audience, cancelled=cancelled),
    )


def _calendar_bytes(calendar: Calendar, events: list[Event]) -> bytes:
    """Add the events and the VTIMEZONE they refer to, with its rules for only the years
    they fall in (the full 1970–2038 history would make every file much larger)."""
    for event in events:
        calendar.add_component(event)
    if events:
        years = [event.start.year for event in events]
        calendar.add_missing_timezones(
            first_date=date(min(years), 1, 1), last_date=date(max(years) + 2, 1, 1)
        )
    return calendar.to_ical()


def _new_calendar(method: str) -> Calendar:
    calendar = Calendar()
    calendar.prodid = PRODID
    calendar.version = "2.0"
    calendar.method = method
    return calendar


def booking_calendar(
    booking: Booking,
    *,
    audience: Audience,
    cancelled: bool = False,
    starts_at: datetime | None = None,
    now: datetime | None = None,
) -> bytes:
    """An .ics file with the booking's event: PUBLISH (new or changed) or CANCEL."""
    event = booking_event(
        booking, audience=audience, cancelled=cancelled, starts_at=starts_at, now=now
    )
    return _calendar_bytes(_new_calendar("CANCEL" if cancelled else "PUBLISH"), [event])


def helper_feed_calendar(
    helper: HelperProfile, jobs: Iterable[Booking], *, now: datetime | None = None
) -> bytes:
    """The helper's feed: all their jobs (see helper_calendar_jobs) in one calendar, which
    their calendar app fetches again every hour."""
    now = now or timezone.now()
    calendar = _new_calendar("PUBLISH")
    calendar.uid = f"helper-{helper.public_id}@{UID_DOMAIN}"
    calendar.calendar_name = "Mila"
    calendar.refresh_interval = FEED_REFRESH
    calendar.add("X-PUBLISHED-TTL", FEED_REFRESH)  # REFRESH-INTERVAL for older clients
    events = [booking_event(job, audience=HELPER, now=now) for job in jobs]
    return _calendar_bytes(calendar, events)


def helper_calendar_jobs(helper: HelperProfile, *, now: datetime) -> QuerySet[Booking]:
    """The helper's jobs for their feed, each with its sequence, in one query: those still
    to do, and those done in the last two weeks. Given back or cancelled jobs are not theirs
    any more and drop out (the calendar app removes them at its next fetch)."""
    return (
        Booking.objects.filter(
            helper=helper, status__in=DAY_STATUSES, ends_at__gte=now - FEED_DAYS_BACK
        )
        .select_related("service", "customer")
        .annotate(calendar_sequence=Count("events"))
        .order_by("starts_at", "pk")
    )


def helper_for_calendar_token(token: str) -> HelperProfile | None:
    """Whose feed this secret opens, or None (wrong, replaced or turned off)."""
    if not token:
        return None
    return (
        HelperProfile.objects.select_related("user")
        .filter(calendar_token=token, status__in=FEED_STATUSES, user__is_active=True)
        .first()
    )


def helper_calendar_feed_url(helper: HelperProfile, *, webcal: bool = False) -> str | None:
    """The feed's address to give to a calendar app (``webcal://`` opens the phone's calendar
    to subscribe), or None while the feed is off."""
    if not helper.calendar_token:
        return None
    url = _absolute(reverse("bookings:helper_calendar_feed", args=[helper.calendar_token]))
    if webcal:
        url = "webcal://" + url.split("://", 1)[-1]
    return url


def notification_calendar(notification: Notification, context: dict[str, Any]) -> list[Attachment]:
    """The attachment builder for booking e-mails (registered in BookingsConfig.ready): the
    booking's event as it stands now for the recipient, or its cancellation."""
    booking = context.get("booking")
    if booking is None:
        return []
    audience: Audience = HELPER if context.get("audience") == HELPER else CUSTOMER
    cancelled = notification.kind in FINAL_KINDS or not visit_is_on(
        booking, audience=audience, recipient=notification.recipient
    )
    starts_at = None
    previous = context.get("previous_starts_at")
    if cancelled and audience == HELPER and notification.kind == Kind.BOOKING_RESCHEDULED:
        starts_at = datetime.fromisoformat(previous) if previous else None  # the time they held
    content = booking_calendar(booking, audience=audience, cancelled=cancelled, starts_at=starts_at)
    return [(f"mila-{booking.reference}.ics", content, MIMETYPE)]
