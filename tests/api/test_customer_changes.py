"""What a customer changes after booking, through the API: cancel at the fee they were shown,
move the visit, rate it; refusals come back as 409 problems in the caller's language."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any, cast

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework.test import APIClient

from bookings.models import Booking, BookingEvent
from notifications.models import Notification
from reviews.models import Review
from tests.factories import BookingFactory, UserFactory

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"
FEE_CHANGED = "The cancellation fee has changed in the meantime. Please check it again."


@pytest.fixture
def customer(db: None) -> Any:
    return UserFactory(preferred_language="en")


@pytest.fixture
def client(customer: Any) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(customer)
    return client


def soon(hours: int) -> Any:
    """A start this many hours from now, on the hour."""
    return (timezone.now() + timedelta(hours=hours)).replace(minute=0, second=0, microsecond=0)


def in_days_at(days: int, hour: int) -> str:
    at = timezone.localtime() + timedelta(days=days)
    return at.replace(hour=hour, minute=0, second=0, microsecond=0).isoformat()


# Cancel ------------------------------------------------------------------------------------------


def test_the_fee_preview_of_a_visit_more_than_a_day_ahead_is_free(
    client: APIClient, customer: Any
) -> None:
    booking = BookingFactory(customer=customer, status="confirmed")

    response = client.get(f"/api/v1/bookings/{booking.reference}/cancellation/")

    assert response.status_code == 200
    body = response.json()
    assert (body["fee"], body["reason"], body["can_cancel"]) == (0, "free", True)
    assert body["message"] == "Cancelling is free of charge."


def test_cancelling_late_costs_what_the_preview_said(
    client: APIClient, customer: Any, django_capture_on_commit_callbacks: Callable
) -> None:
    booking = BookingFactory(customer=customer, status="confirmed", starts_at=soon(10))
    preview = client.get(f"/api/v1/bookings/{booking.reference}/cancellation/").json()
    assert preview["reason"] == "late"
    assert preview["fee"] == booking.price_base // 2

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/bookings/{booking.reference}/cancel/",
            {"expected_fee": preview["fee"], "reason": "Plans changed."},
        )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["fee"], body["already_cancelled"]) == (preview["fee"], False)
    assert body["booking"]["status"] == "cancelled"
    assert body["booking"]["cancellation_fee"] == preview["fee"]
    assert body["booking"]["helper"] is None
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert booking.cancellation_fee == preview["fee"]
    assert booking.cancellation_reason == "Plans changed."
    told = Notification.objects.filter(kind=Notification.Kind.BOOKING_CANCELLED)
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted(
        [customer.pk, booking.helper.user_id]
    )
    assert {message.to[0] for message in mail.outbox} >= {customer.email}


@pytest.mark.parametrize(("language", "detail"), [
    ("en", FEE_CHANGED),
    ("de", "Die Stornogebühr hat sich inzwischen geändert. Bitte prüfen Sie sie noch einmal."),
])  # fmt: skip
def test_a_fee_that_went_up_cancels_nothing(
    client: APIClient, customer: Any, language: str, detail: str
) -> None:
    booking = BookingFactory(customer=customer, status="confirmed", starts_at=soon(10))

    response = client.post(f"/api/v1/bookings/{booking.reference}/cancel/", {"expected_fee": 0},
                           HTTP_ACCEPT_LANGUAGE=language)  # fmt: skip

    assert response.status_code == 409
    assert response["Content-Type"] == PROBLEM
    problem = response.json()
    assert problem["type"] == "https://mila.ch/problems/fee_changed"
    assert problem["detail"] == detail
    assert response["Content-Language"] == language
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_cancelling_twice_cancels_once(
    client: APIClient, customer: Any, django_capture_on_commit_callbacks: Callable
) -> None:
    booking = BookingFactory(customer=customer)
    url = f"/api/v1/bookings/{booking.reference}/cancel/"

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, {"expected_fee": 0})
        second = client.post(url, {"expected_fee": 0})

    assert (first.status_code, second.status_code) == (200, 200)
    assert (first.json()["already_cancelled"], second.json()["already_cancelled"]) == (False, True)
    assert BookingEvent.objects.filter(booking=booking, to_status="cancelled").count() == 1
    assert Notification.objects.filter(kind=Notification.Kind.BOOKING_CANCELLED).count() == 1


def test_a_completed_visit_cannot_be_cancelled(client: APIClient, customer: Any) -> None:
    booking = BookingFactory(customer=customer, status="completed")

    preview = client.get(f"/api/v1/bookings/{booking.reference}/cancellation/").json()
    response = client.post(f"/api/v1/bookings/{booking.reference}/cancel/", {"expected_fee": 0})

    assert preview["can_cancel"] is False
    assert response.status_code == 409
    booking.refresh_from_db()
    assert booking.status == Booking.Status.COMPLETED


def test_the_expected_fee_is_required(client: APIClient, customer: Any) -> None:
    booking = BookingFactory(customer=customer)

    response = client.post(f"/api/v1/bookings/{booking.reference}/cancel/", {"reason": "x"})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["expected_fee"]


# Reschedule --------------------------------------------------------------------------------------


def test_moving_a_visit(
    client: APIClient, customer: Any, enqueued: list[int],
    django_capture_on_commit_callbacks: Callable,
) -> None:  # fmt: skip
    booking = BookingFactory(customer=customer, status="confirmed")
    url = f"/api/v1/bookings/{booking.reference}/reschedule/"
    options = client.get(url).json()
    assert (options["can_move"], options["refusal"], options["moves_left"]) == (True, None, 2)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"starts_at": in_days_at(5, 14)})

    assert response.status_code == 200, response.content
    booking.refresh_from_db()
    assert booking.starts_at == parse_datetime(in_days_at(5, 14))
    assert booking.reschedule_count == 1
    assert booking.status == Booking.Status.SEARCHING  # the helper is asked again
    assert response.json()["status"] == "searching"
    assert response.json()["events"][-1]["moved_from"] is not None
    assert Notification.objects.filter(kind=Notification.Kind.BOOKING_RESCHEDULED).exists()


def test_a_visit_moved_twice_cannot_be_moved_again(client: APIClient, customer: Any) -> None:
    booking = BookingFactory(customer=customer, reschedule_count=2)
    url = f"/api/v1/bookings/{booking.reference}/reschedule/"

    options = client.get(url).json()
    response = client.post(url, {"starts_at": in_days_at(5, 14)})

    assert options["can_move"] is False
    assert options["refusal"]
    assert response.status_code == 409
    assert response.json()["detail"] == options["refusal"]
    booking.refresh_from_db()
    assert booking.reschedule_count == 2


def test_a_time_that_cannot_be_booked_is_refused(client: APIClient, customer: Any) -> None:
    booking = BookingFactory(customer=customer)
    before = booking.starts_at

    response = client.post(f"/api/v1/bookings/{booking.reference}/reschedule/",
                           {"starts_at": in_days_at(5, 3)})  # 03:00 at night  # fmt: skip

    assert response.status_code == 409
    assert response.json()["detail"] == "This time cannot be booked."
    booking.refresh_from_db()
    assert booking.starts_at == before


# Review ------------------------------------------------------------------------------------------


def completed_visit(customer: Any) -> Booking:
    done = timezone.now() - timedelta(hours=1)
    booking = BookingFactory(customer=customer, status="completed", created_at=done,
                             starts_at=done - timedelta(hours=1), ends_at=done,
                             completed_at=done)  # fmt: skip
    return cast(Booking, booking)


def test_rating_a_visit_once(client: APIClient, customer: Any) -> None:
    booking = completed_visit(customer)
    url = f"/api/v1/bookings/{booking.reference}/review/"

    first = client.post(url, {"stars": 5, "comment": "Quick and patient."})
    second = client.post(url, {"stars": 1})

    assert first.status_code == 201, first.content
    assert first.json()["stars"] == 5
    assert first.json()["comment"] == "Quick and patient."
    review = Review.objects.get()
    assert (review.booking, review.author, review.stars) == (booking, customer, 5)
    assert booking.helper is not None
    booking.helper.refresh_from_db()
    assert booking.helper.rating_count == 1
    assert second.status_code == 409
    assert second.json()["type"] == "https://mila.ch/problems/already"
    assert second.json()["detail"] == "You have already rated this visit."
    detail = client.get(f"/api/v1/bookings/{booking.reference}/").json()
    assert detail["review"]["stars"] == 5


def test_a_visit_not_yet_done_cannot_be_rated(client: APIClient, customer: Any) -> None:
    booking = BookingFactory(customer=customer, status="confirmed")

    response = client.post(f"/api/v1/bookings/{booking.reference}/review/", {"stars": 4})

    assert response.status_code == 409
    assert response.json()["detail"] == "You can rate a visit once it is completed."
    assert not Review.objects.exists()


def test_stars_are_one_to_five(client: APIClient, customer: Any) -> None:
    booking = completed_visit(customer)

    response = client.post(f"/api/v1/bookings/{booking.reference}/review/", {"stars": 6})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["stars"]
    assert not Review.objects.exists()
