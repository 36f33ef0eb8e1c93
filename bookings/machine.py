"""The booking status machine (DESIGN §4) as a table: which edge may be taken by whom.

Every change of ``Booking.status`` goes through
``bookings.services.transitions.booking_transition``, which consults this table.
"""

from bookings.models import Booking, BookingEvent

S = Booking.Status
R = BookingEvent.Role

ALLOWED: dict[tuple[str, str], frozenset[str]] = {
    (S.REQUESTED, S.SEARCHING): frozenset({R.SYSTEM}),  # payment authorised / invoice
    (S.REQUESTED, S.CANCELLED): frozenset({R.CUSTOMER, R.STAFF, R.SYSTEM}),
    (S.SEARCHING, S.CONFIRMED): frozenset({R.HELPER, R.STAFF}),  # a helper accepts
    (S.SEARCHING, S.UNFULFILLED): frozenset({R.SYSTEM, R.STAFF}),
    (S.SEARCHING, S.CANCELLED): frozenset({R.CUSTOMER, R.STAFF}),
    # The helper withdraws, or the customer moves the visit and the helper is asked again.
    (S.CONFIRMED, S.SEARCHING): frozenset({R.HELPER, R.CUSTOMER, R.STAFF}),
    (S.CONFIRMED, S.EN_ROUTE): frozenset({R.HELPER}),
    (S.CONFIRMED, S.CANCELLED): frozenset({R.CUSTOMER, R.HELPER, R.STAFF}),
    (S.EN_ROUTE, S.SEARCHING): frozenset({R.HELPER, R.STAFF}),
    (S.EN_ROUTE, S.IN_PROGRESS): frozenset({R.HELPER}),  # at the door, after the door check
    # The customer cancels; the helper reports that the customer was not there (no-show).
    (S.EN_ROUTE, S.CANCELLED): frozenset({R.CUSTOMER, R.HELPER, R.STAFF}),
    (S.IN_PROGRESS, S.COMPLETED): frozenset({R.HELPER, R.STAFF}),
    (S.IN_PROGRESS, S.CANCELLED): frozenset({R.STAFF}),
    (S.UNFULFILLED, S.CONFIRMED): frozenset({R.STAFF}),  # staff assign a helper
    (S.UNFULFILLED, S.SEARCHING): frozenset({R.CUSTOMER, R.STAFF}),  # new time, search again
    (S.UNFULFILLED, S.CANCELLED): frozenset({R.CUSTOMER, R.STAFF, R.SYSTEM}),
}

# When a booking enters a status, this timestamp is set.
TIMESTAMP_FIELD = {
    S.SEARCHING: "searching_at",
    S.CONFIRMED: "confirmed_at",
    S.EN_ROUTE: "en_route_at",
    S.IN_PROGRESS: "started_at",
    S.COMPLETED: "completed_at",
    S.UNFULFILLED: "unfulfilled_at",
    S.CANCELLED: "cancelled_at",
}

# Statuses in which no helper is attached to the booking.
WITHOUT_HELPER = frozenset({S.REQUESTED, S.SEARCHING, S.UNFULFILLED})


def is_allowed(from_status: str, to_status: str, role: str) -> bool:
    return role in ALLOWED.get((from_status, to_status), frozenset())
