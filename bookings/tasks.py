"""Thin Celery wrappers (queue ``matching``). Failures are not retried here: a searching
booking stays due, and the periodic sweep advances it."""

from celery import shared_task

from bookings.matching import dispatch


@shared_task
def advance_search(booking_id: int) -> int:
    return dispatch.matching_advance(booking_id=booking_id)


@shared_task
def sweep_matching() -> int:
    return dispatch.matching_sweep()
