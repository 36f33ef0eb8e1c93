"""Entry point from bookings into matching (DESIGN §6).

A booking that starts SEARCHING (new, rescheduled, or its helper withdrew) is handed to the
``matching`` queue after commit. Offering it to helpers in waves is the matching issue's work;
until then the task only logs, and SEARCHING bookings wait for staff in the admin.
"""

import logging

from django.db import transaction

from bookings.models import Booking

logger = logging.getLogger(__name__)


def start_on_commit(booking: Booking) -> None:
    booking_id = booking.pk
    transaction.on_commit(lambda: _enqueue(booking_id))


def _enqueue(booking_id: int) -> None:
    from bookings.tasks import start_matching

    try:
        start_matching.delay(booking_id)
    except Exception:
        # Matching's own sweeper (beat) picks up SEARCHING bookings without offers.
        logger.exception("Could not enqueue matching for booking %s", booking_id)


def booking_searching(booking_id: int) -> None:
    """Begin matching for a booking that is SEARCHING."""
    logger.info("Booking %s is searching for a helper", booking_id)
