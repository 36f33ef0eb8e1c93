"""Suspending a helper takes them off their upcoming visits; the customers are told."""

from datetime import timedelta

import pytest
from django.core import mail

from bookings.models import Booking
from helpers.services import helper_decide
from notifications.models import Notification
from tests.factories import BookingFactory, HelperProfileFactory, three_days_ahead_at_ten

HOURS_2 = timedelta(hours=2)

pytestmark = pytest.mark.django_db


def test_suspended_helpers_visits_look_for_someone_else(
    staff, django_capture_on_commit_callbacks, enqueued
) -> None:
    helper = HelperProfileFactory(status="approved")
    start = three_days_ahead_at_ten()
    confirmed = BookingFactory(status="confirmed", helper=helper, starts_at=start)
    en_route = BookingFactory(status="en_route", helper=helper, starts_at=start + HOURS_2)
    in_progress = BookingFactory(status="in_progress", helper=helper, starts_at=start + HOURS_2 * 2)
    someone_elses = BookingFactory(status="confirmed")
    with django_capture_on_commit_callbacks(execute=True):
        helper_decide(profile=helper, to="suspended", actor=staff, reason="Complaint")
    for booking in (confirmed, en_route):
        booking.refresh_from_db()
        assert (booking.status, booking.helper) == (Booking.Status.SEARCHING, None)
        event = booking.events.get(to_status="searching")
        assert (event.role, event.actor, event.data) == (
            "staff", staff, {"released_helper_id": helper.pk},
        )  # fmt: skip
        assert Notification.objects.filter(
            recipient=booking.customer, kind="booking_helper_changed"
        ).exists()
    in_progress.refresh_from_db()
    someone_elses.refresh_from_db()
    assert in_progress.status == Booking.Status.IN_PROGRESS
    assert someone_elses.status == Booking.Status.CONFIRMED
    customers = {m.to[0] for m in mail.outbox} - {helper.user.email}
    assert customers == {confirmed.customer.email, en_route.customer.email}
    assert sorted(enqueued) == sorted([confirmed.pk, en_route.pk])  # matching looks again
