"""Thin Celery wrappers (queue ``matching``). Failures are not retried here: a searching
booking stays due, and the periodic sweep advances it; a reminder not sent stays due until
the next, closer one takes over."""

from celery import shared_task

from bookings import reminders
from bookings.matching import dispatch
from bookings.models import Booking
from bookings.services import creation


@shared_task
def advance_search(booking_id: int) -> int:
    return dispatch.matching_advance(booking_id=booking_id)


@shared_task
def sweep_matching() -> int:
    return dispatch.matching_sweep()


@shared_task
def send_reminders() -> int:
    return reminders.reminders_send()


@shared_task
def expire_card_unconfirmed() -> int:
    """Cancel, free of charge, the card bookings whose card never came through."""
    booking_ids = creation.bookings_card_unconfirmed()
    for booking_id in booking_ids:
        creation.booking_card_expired(booking=Booking.objects.get(pk=booking_id))
    return len(booking_ids)
