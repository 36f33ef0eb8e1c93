"""The payment provider is called outside any database transaction (STYLE §2)."""

import uuid
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.utils import timezone

from bookings.models import Booking, Service
from bookings.services import BookingRequest, booking_create
from payments.gateway import Authorization, InvoiceGateway
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("catalogue", "helper_in_zurich"),
]


def _request() -> BookingRequest:
    starts_at = (timezone.localtime() + timedelta(days=3)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    return BookingRequest(
        service=Service.objects.get(slug="wifi-setup"), tier="friend", problem="Kein WLAN mehr.",
        street="Bahnhofstrasse 1", postcode="8001", city="", country="CH", phone="+41791234567",
        timing="scheduled", starts_at=starts_at,
    )  # fmt: skip


def _book() -> Booking:
    return booking_create(customer=UserFactory(), request=_request(), idempotency_key=uuid.uuid4())


def test_authorisation_runs_outside_a_transaction_after_the_request_is_saved(
    enqueued: list[int],
) -> None:
    seen: dict[str, object] = {}

    def authorize(gateway: InvoiceGateway, booking: Booking) -> Authorization:
        seen["in_transaction"] = connection.in_atomic_block
        seen["saved_status"] = Booking.objects.get(pk=booking.pk).status
        return Authorization(approved=True, method="invoice")

    with mock.patch.object(InvoiceGateway, "authorize", authorize):
        booking = _book()
    assert seen == {"in_transaction": False, "saved_status": Booking.Status.REQUESTED}
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.SEARCHING
    assert enqueued == [booking.pk]


def test_declined_payment_leaves_the_booking_requested() -> None:
    declined = Authorization(approved=False, method="card")
    with mock.patch.object(InvoiceGateway, "authorize", return_value=declined):
        booking = _book()
    booking.refresh_from_db()
    assert (booking.status, booking.payment_method) == (Booking.Status.REQUESTED, "card")
