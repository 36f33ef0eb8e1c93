"""Writes on bookings. Views, forms, admin actions and tasks call these; nothing else changes
a booking's status."""

from bookings.services.changes import (
    CUSTOMER_CANCELLABLE,
    CancelResult,
    booking_cancel,
    booking_move_refusal,
    booking_reschedule,
    bookings_release_helper,
    cancellation_preview,
)
from bookings.services.creation import (
    BookingRequest,
    TierOption,
    booking_create,
    booking_quote,
    booking_quotes,
    tier_options,
)
from bookings.services.transitions import BookingError, booking_transition

__all__ = [
    "CUSTOMER_CANCELLABLE",
    "BookingError",
    "BookingRequest",
    "CancelResult",
    "TierOption",
    "booking_cancel",
    "booking_create",
    "booking_move_refusal",
    "booking_quote",
    "booking_quotes",
    "booking_reschedule",
    "booking_transition",
    "bookings_release_helper",
    "cancellation_preview",
    "tier_options",
]
