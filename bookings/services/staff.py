"""What only staff write on a booking besides its status: internal notes."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from bookings.models import Booking, BookingEvent
from bookings.services.transitions import BookingError, record_event

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
