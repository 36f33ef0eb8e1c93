"""Reads on bookings, already filtered to what the caller may see."""

from typing import Any

from django.db.models import Prefetch, QuerySet

from bookings.models import Booking, BookingEvent


def bookings_for_customer(user: Any) -> QuerySet[Booking]:
    return Booking.objects.for_customer(user).select_related(
        "service", "service__category", "helper__user"
    )


def booking_upcoming_and_past(user: Any) -> tuple[list[Booking], list[Booking]]:
    """Open bookings soonest first; finished ones (completed, cancelled, unfulfilled) newest
    first. One query, whatever the number of bookings."""
    upcoming: list[Booking] = []
    past: list[Booking] = []
    for booking in bookings_for_customer(user).order_by("starts_at", "pk"):
        (past if booking.is_final else upcoming).append(booking)
    past.reverse()
    return upcoming, past


def booking_detail_for_customer(user: Any) -> QuerySet[Booking]:
    return bookings_for_customer(user).prefetch_related(
        Prefetch("events", queryset=BookingEvent.objects.order_by("at", "pk"))
    )
