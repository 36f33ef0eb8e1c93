"""Staff work with services and bookings in the admin."""

import pytest
from django.urls import reverse

from bookings.models import Booking, Service
from tests.factories import BookingFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("count", [5, 30])
def test_booking_changelist_query_count(staff_client, count, django_assert_max_num_queries):
    BookingFactory.create_batch(count)
    with django_assert_max_num_queries(12):
        response = staff_client.get(reverse("admin:bookings_booking_changelist"))
    assert response.status_code == 200


def test_booking_filters_and_search(staff_client) -> None:
    found = BookingFactory(postcode="3011", city="Bern", customer=UserFactory(email="x@bern.ch"))
    BookingFactory(status="cancelled")
    url = reverse("admin:bookings_booking_changelist")
    by_status = staff_client.get(url, {"status__exact": "cancelled"})
    assert by_status.context["cl"].result_count == 1
    by_email = staff_client.get(url, {"q": "x@bern.ch"})
    assert list(by_email.context["cl"].result_list) == [found]
    by_postcode = staff_client.get(url, {"q": "3011"})
    assert list(by_postcode.context["cl"].result_list) == [found]


def test_booking_detail_is_read_only_with_events(staff_client) -> None:
    booking = BookingFactory()
    booking.events.create(from_status="requested", to_status="searching", role="system")
    response = staff_client.get(reverse("admin:bookings_booking_change", args=[booking.pk]))
    assert response.status_code == 200
    assert 'name="status"' not in response.content.decode()
    assert "searching" in response.content.decode()
    assert staff_client.get(reverse("admin:bookings_booking_add")).status_code == 403


def test_booking_detail_is_legible_for_staff(client) -> None:
    """Amounts in CHF, a payment method in words, events in words and local time, no Save
    button on a page where nothing can be saved."""
    staff_client = client
    client.force_login(UserFactory(is_staff=True, is_superuser=True, preferred_language="en"))
    booking = BookingFactory(price_surcharge=1580, customer__first_name="Anna",
                             customer__last_name="Zingg")  # fmt: skip
    booking.events.create(
        from_status="searching", to_status="searching", role="customer",
        data={"rescheduled": {"starts_at": "2026-12-24T09:00:00+00:00", "timing": "scheduled"},
              "fee": 3950},
    )  # fmt: skip
    body = staff_client.get(reverse("admin:bookings_booking_change", args=[booking.pk])).content
    html = body.decode()
    assert "CHF\xa079.00" in html and "CHF\xa015.80" in html and "CHF\xa094.80" in html
    assert ">9480<" not in html and ">7900<" not in html  # no raw Rappen
    assert "Invoice after the visit" in html and ">invoice<" not in html
    assert "moved from Thu 24 Dec 2026, 10:00" in html  # Zurich time, not UTC
    assert "fee CHF\xa039.50" in html and "{&quot;rescheduled" not in html
    assert "Looking for a helper → Looking for a helper" in html
    assert 'name="_save"' not in html and 'name="_continue"' not in html
    listing = staff_client.get(reverse("admin:bookings_booking_changelist")).content.decode()
    assert "Anna Zingg" in listing


def test_admin_action_cancels_through_the_service(staff_client) -> None:
    booking = BookingFactory(status="confirmed")
    response = staff_client.post(
        reverse("admin:bookings_booking_changelist"),
        {"action": "cancel_bookings", "_selected_action": [booking.pk]},
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED and booking.cancellation_fee == 0
    event = booking.events.get(to_status="cancelled")
    assert event.role == "staff"


def test_service_active_toggle(staff_client) -> None:
    service = Service.objects.get(slug="wifi-setup")
    staff_client.post(
        reverse("admin:bookings_service_changelist"),
        {"action": "deactivate", "_selected_action": [service.pk]},
    )
    service.refresh_from_db()
    assert not service.active


def test_non_staff_cannot_open_the_admin(client) -> None:
    client.force_login(UserFactory())
    response = client.get(reverse("admin:bookings_booking_changelist"))
    assert response.status_code in (302, 403)
    assert "bookings_booking" not in response.get("Location", "")
