"""What only staff write on a booking besides its status: internal notes."""

import uuid
from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from bookings.models import Booking, BookingEvent
from bookings.services.creation import BookingRequest, booking_create
from bookings.services.transitions import BookingError, record_event
from customers.services import Caller, customer_for_caller

NOTE_MAX_CHARS = 2000


def booking_note_add(*, booking: Booking, actor: Any, text: str) -> BookingEvent:
    """An internal note by a staff member: an event without a status change (from = to), kept
    with the booking's history for staff only — customers and helpers never see it."""
    text = text.strip()
    if actor is None or not actor.is_staff:
        raise BookingError(_("You may not change this booking."), code="forbidden")
    if not text:
        raise BookingError(_("Please write the note."), code="note")
    if len(text) > NOTE_MAX_CHARS:
        raise BookingError(
            _("A note may have at most %(count)d characters.") % {"count": NOTE_MAX_CHARS},
            code="note",
        )
    return record_event(
        booking=booking, from_status=booking.status, to_status=booking.status, actor=actor,
        role=BookingEvent.Role.STAFF, note=text, data={"kind": BookingEvent.NOTE},
    )  # fmt: skip


def booking_create_for_caller(
    *, staff: Any, caller: Caller, request: BookingRequest, idempotency_key: uuid.UUID,
    now: datetime | None = None,
) -> tuple[Booking, bool]:  # fmt: skip
    """Staff book for someone on the phone: the caller's account (found by e-mail, or made
    without a password), then a booking like any other, named as staff's in its history.
    An account made for it is removed again if the booking is refused after all, so nothing
    is left behind. Returns (booking, whether the account is new); the same key twice gives
    the booking the first call made."""
    customer, created = customer_for_caller(caller=caller)
    try:
        booking = booking_create(customer=customer, request=request,
                                 idempotency_key=idempotency_key, now=now,
                                 booked_by=staff)  # fmt: skip
    except BookingError:
        if created:
            customer.delete()
        raise
    return booking, created
