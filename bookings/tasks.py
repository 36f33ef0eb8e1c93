"""Thin Celery wrappers (queue ``matching``)."""

from celery import shared_task

from bookings import dispatch


@shared_task
def start_matching(booking_id: int) -> None:
    dispatch.booking_searching(booking_id)
