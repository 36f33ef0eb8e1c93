"""The free follow-up (DESIGN §6.8): the problem is back within 30 days of a completed visit.
The customer asks once, on the booking's page; the follow-up is the same service at the same
address for CHF 0.00, asked first of the same helper (one wave, if they are free then), then
of others like any booking."""

from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings.matching import dispatch
from bookings.models import Booking, BookingEvent
from bookings.notices import notify_booking
from bookings.policy import BookingPolicy, asap_available, follow_up_until, start_problem
from bookings.pricing import PricingPolicy, base_payout
from bookings.services.transitions import BookingError, booking_transition, record_event
from bookings.texts import asap_unavailable_message
from notifications.models import Notification

Status = Booking.Status
FREE = "free"  # the payment method of a booking that costs nothing
ALREADY = _("You have already asked for a free follow-up of this visit.")


def follow_up_deadline(booking: Booking) -> datetime | None:
    if booking.status != Status.COMPLETED or booking.completed_at is None:
        return None
    return follow_up_until(completed_at=booking.completed_at, policy=BookingPolicy.from_settings())


def follow_up_refusal(booking: Booking, now: datetime | None = None) -> tuple[str, Any] | None:
    """(code, message) saying why this booking cannot have a free follow-up now, or None."""
    now = now or timezone.now()
    deadline = follow_up_deadline(booking)
    if deadline is None:
        return "status", _("A free follow-up is possible only after a completed visit.")
    if booking.follow_up_of_id is not None:
        return "follow_up", _("This visit was already a free follow-up. Please book a new visit.")
    if Booking.objects.filter(follow_up_of=booking).exists():
        return "already", ALREADY
    if now > deadline:
        days = BookingPolicy.from_settings().follow_up_days
        return "too_late", _(
            "A free follow-up is possible within %(days)s days after the visit. Please book a "
            "new visit."
        ) % {"days": days}
    return None


@transaction.atomic
def booking_follow_up(
    *, booking: Booking, actor: Any, problem: str, timing: str, starts_at: datetime | None,
    now: datetime | None = None,
) -> Booking:  # fmt: skip
    """Create the free follow-up of a completed booking and start its search."""
    now = now or timezone.now()
    original = Booking.objects.locked().select_related("service", "customer").get(pk=booking.pk)
    if actor is None or original.customer_id != actor.pk:
        raise BookingError(_("You may not change this booking."), code="forbidden")
    refusal = follow_up_refusal(original, now)
    if refusal:
        raise BookingError(refusal[1], code=refusal[0])
    tz, policy = timezone.get_default_timezone(), BookingPolicy.from_settings()
    if timing == Booking.Timing.ASAP:
        minutes = original.service.duration_minutes
        if not asap_available(now, tz=tz, policy=policy, duration_minutes=minutes):
            raise BookingError(
                asap_unavailable_message(policy, duration_minutes=minutes), code="time"
            )
        starts_at = now
    elif starts_at is None or start_problem(
        starts_at, duration_minutes=original.service.duration_minutes, now=now, tz=tz,
        policy=policy,
    ):  # fmt: skip
        raise BookingError(_("This time cannot be booked."), code="time")
    payout = base_payout(original.price_base, PricingPolicy.from_settings())
    fields = ("service", "tier", "street", "postcode", "city", "country", "lat", "lng", "phone")
    try:
        with transaction.atomic():
            follow_up = Booking.objects.create(
                **{name: getattr(original, name) for name in fields},
                customer=original.customer, problem=problem, timing=timing, starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=original.service.duration_minutes),
                price_base=0, price_surcharge=0, price_extra=0, price_total=0, commission=0,
                payment_method=FREE, follow_up_of=original, preferred_helper=original.helper,
                follow_up_payout=payout, created_at=now,
            )  # fmt: skip
    except IntegrityError as error:  # unique follow_up_of: another submit made it first
        raise BookingError(ALREADY, code="already") from error
    record_event(booking=follow_up, from_status="", to_status=Status.REQUESTED, actor=actor,
                 role=BookingEvent.Role.CUSTOMER, data={"follow_up_of": original.reference},
                 at=now)  # fmt: skip
    booking_transition(booking=follow_up, to=Status.SEARCHING, actor=None,
                       role=BookingEvent.Role.SYSTEM, note=str(_("Free follow-up")),
                       now=now)  # fmt: skip
    dispatch.search_on_commit(follow_up)
    notify_booking(follow_up, Notification.Kind.BOOKING_RECEIVED, recipients=[follow_up.customer],
                   follow_up_of=original.reference)  # fmt: skip
    return follow_up
