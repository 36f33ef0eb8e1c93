"""With the broker down, booking stays fast: each task the booking enqueues tries the broker
once and gives up (no publish retries, no reconnect loop). The sweeps send what was missed
(tests/bookings/test_matching_worker.py shows that with real processes)."""

import socket
import uuid
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from celery.signals import before_task_publish
from django.utils import timezone

from bookings.models import Booking
from bookings.services import BookingRequest, booking_create
from notifications.models import Notification
from tests.factories import UserFactory
from tests.workers import free_port, publishing_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_attempts() -> Any:
    """Connection attempts to a broker on a port where nothing listens, and the tasks that
    were published (or tried to be) meanwhile."""
    port = free_port()
    attempts: list[object] = []
    published: list[str] = []
    connect = socket.socket.connect

    def counting_connect(sock: socket.socket, address: Any) -> None:
        if isinstance(address, tuple) and address[1] == port:
            attempts.append(address)
        connect(sock, address)

    def on_publish(sender: str, **kwargs: Any) -> None:
        published.append(sender)

    before_task_publish.connect(on_publish, weak=False)
    try:
        with (
            publishing_to(f"redis://127.0.0.1:{port}/0"),
            mock.patch.object(socket.socket, "connect", counting_connect),
        ):
            yield attempts, published
    finally:
        before_task_publish.disconnect(on_publish)


def test_a_booking_tries_the_broker_once_per_task(
    broker_attempts, service, make_helper, django_capture_on_commit_callbacks
) -> None:
    attempts, published = broker_attempts
    make_helper(1)
    start = (timezone.localtime() + timedelta(days=2)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    request = BookingRequest(
        service=service, tier="friend", problem="Das WLAN geht nicht.", street="Limmatquai 1",
        postcode="8001", city="", country="CH", phone="+41791234567", timing="scheduled",
        starts_at=start,
    )  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_create(
            customer=UserFactory(), request=request, idempotency_key=uuid.uuid4()
        )

    # Booked; nothing could be handed to a worker, and the sweeps will do it.
    assert booking.status == Booking.Status.SEARCHING
    assert Notification.objects.filter(kind="booking_received", delivered_at=None).exists()
    assert {"bookings.tasks.advance_search", "notifications.tasks.deliver_notification"} <= set(
        published
    )
    assert len(attempts) == len(published)  # one connection attempt per task, no retries
