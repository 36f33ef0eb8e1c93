"""The visit on the helper's job page: on my way, the door code, start, complete with a report,
customer not there, give back (issue: the visit)."""

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from bookings.models import Booking, BookingEvent, VisitReport
from bookings.services.visit import VisitReportInput, visit_complete, visit_on_my_way
from helpers.models import HelperProfile
from notifications.models import Notification
from tests.factories import BookingFactory, UserFactory

pytestmark = pytest.mark.django_db
S = Booking.Status


def soon(**fields: Any) -> Any:
    """A job of an approved helper starting in an hour."""
    start = timezone.now() + timedelta(hours=1)
    fields.setdefault("status", S.CONFIRMED)
    return BookingFactory(starts_at=start, ends_at=start + timedelta(hours=1), **fields)


def page(client: Any, booking: Booking) -> Any:
    return client.get(reverse("bookings:helper_job", args=[booking.reference]))


def post(client: Any, booking: Booking, action: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(reverse(f"bookings:{action}", args=[booking.reference]), data or {})


REPORT = {
    "worked_minutes": "90",
    "work_done": "Router moved to the hall, repeater set up.",
    "devices": "Internet-Box 3\nFritz!Repeater 1200",
    "recommendations": "Restart monthly.",
}


def test_the_whole_visit_from_the_helpers_phone(client: Any) -> None:
    booking = soon(helper__user__preferred_language="en")
    client.force_login(booking.helper.user)
    response = page(client, booking)
    assert response.status_code == 200
    body = response.content.decode()
    assert booking.street in body and "tel:+41791234567" in body and "geo:" in body
    assert booking.visit_code not in body  # not before the helper is on the way

    response = post(client, booking, "job_en_route", {"eta_minutes": "15"})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == S.EN_ROUTE and booking.eta_at is not None
    assert booking.visit_code in page(client, booking).content.decode()
    told = Notification.objects.get(kind=Notification.Kind.BOOKING_EN_ROUTE)
    assert told.recipient == booking.customer and told.context["eta_minutes"] == 15

    assert post(client, booking, "job_start", {"door_checked": "on"}).status_code == 302
    booking.refresh_from_db()
    assert booking.status == S.IN_PROGRESS

    response = page(client, booking)
    assert "1 h 30 min – extra time CHF\xa039.50, total CHF\xa0118.50" in response.content.decode()
    assert post(client, booking, "job_complete", REPORT).status_code == 302
    booking.refresh_from_db()
    assert booking.status == S.COMPLETED
    assert (booking.price_extra, booking.price_total, booking.worked_minutes) == (3950, 11850, 90)
    assert booking.commission == 2370
    report = VisitReport.objects.get(booking=booking)
    assert report.devices == ["Internet-Box 3", "Fritz!Repeater 1200"]
    assert HelperProfile.objects.get(pk=booking.helper_id).completed_jobs == 1

    again = post(client, booking, "job_complete", REPORT)
    assert again.status_code == 302
    assert BookingEvent.objects.filter(booking=booking, to_status=S.COMPLETED).count() == 1
    assert "already completed" in client.get(again.url).content.decode()


def live(client: Any, booking: Booking, **params: str) -> Any:
    return client.get(reverse("bookings:live", args=[booking.reference]), params,
                      HTTP_HX_REQUEST="true")  # fmt: skip


def test_the_customer_page_says_who_comes_and_when_and_refreshes_itself(client: Any) -> None:
    booking = soon(helper__user__first_name="Lena")
    booking.customer.preferred_language = "en"
    booking.customer.save()
    client.force_login(booking.customer)
    detail = reverse("bookings:detail", args=[booking.reference])
    page = client.get(detail)
    assert "Lena comes on" in page.content.decode()
    assert "Open the door only to a helper who tells you this code" in page.content.decode()
    state, version = page.context["state"], page.context["live_version"]
    assert live(client, booking, s=state, v=version).status_code == 204  # nothing new

    visit_on_my_way(booking=booking, user=booking.helper.user, eta_minutes=15)
    changed = live(client, booking, s=state, v=version)
    assert (changed.status_code, changed["HX-Refresh"]) == (204, "true")  # reload the page
    page = client.get(detail)
    body = page.content.decode()
    assert "Lena is on the way and arrives in about 15 minutes." in body
    assert booking.visit_code in body and 'hx-trigger="every 15s"' in body
    Booking.objects.filter(pk=booking.pk).update(eta_at=timezone.now() + timedelta(minutes=4))
    fresher = live(client, booking, s=page.context["state"], v=page.context["live_version"])
    assert fresher.status_code == 200  # the same state, a new sentence: only the live part
    assert "arrives in about 4 minutes" in fresher.content.decode()
    assert "<html" not in fresher.content.decode()


def test_after_the_visit_the_customer_sees_the_report_and_the_final_price(client: Any) -> None:
    booking = soon(status=S.IN_PROGRESS, helper__user__first_name="Lena")
    report = VisitReportInput(
        "Repeater set up in the bedroom, all fine.", ["Fritz!Repeater"], "Restart monthly."
    )
    visit_complete(booking=booking, user=booking.helper.user, worked_minutes=120, report=report)
    booking.customer.preferred_language = "en"
    booking.customer.save()
    client.force_login(booking.customer)
    body = client.get(reverse("bookings:detail", args=[booking.reference])).content.decode()
    assert "Repeater set up in the bedroom, all fine." in body and "Fritz!Repeater" in body
    assert "Extra time (60 minutes)" in body and "CHF\xa079.00" in body  # 2 units of 39.50
    assert "CHF\xa0158.00" in body
    assert "Book Lena again" in body and "The problem is back" in body
    assert booking.visit_code not in body  # no longer needed


def test_the_pages_of_another_customer_are_404(client: Any) -> None:
    booking = soon(status=S.EN_ROUTE)
    client.force_login(UserFactory())
    assert client.get(reverse("bookings:detail", args=[booking.reference])).status_code == 404
    assert live(client, booking).status_code == 404
