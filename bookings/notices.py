"""Notifications about bookings: what goes into the outbox row (JSON) for e-mail and inbox."""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse

from bookings.models import Booking, Service
from notifications.services import notify, notify_many

LANGUAGES = ("de", "fr", "it", "en")


def service_names(service: Service) -> dict[str, str]:
    """The service's name in every language: the recipient's is picked when it is shown."""
    return {lang: getattr(service, f"name_{lang}") for lang in LANGUAGES}


def booking_context(booking: Booking, **extra: Any) -> dict[str, Any]:
    """Plain values the inbox can show without a query; e-mails also get the booking itself
    (see BookingsConfig.ready)."""
    return {
        "booking_id": booking.pk,
        "reference": booking.reference,
        "url": reverse("bookings:detail", args=[booking.reference]),
        "starts_at": booking.starts_at.isoformat(),
        "timing": booking.timing,
        "service": service_names(booking.service),
        **extra,
    }


def notify_booking(booking: Booking, kind: str, *, recipients: Iterable[Any], **extra: Any) -> None:
    """One notification per recipient, worded for them: the customer gets a link to their
    booking; a helper (who has no customer pages) gets a link to the job's page."""
    for recipient in recipients:
        context = booking_context(booking, **extra)
        if recipient.pk == booking.customer_id:
            context["audience"] = "customer"
        else:
            context["audience"] = "helper"
            context["url"] = reverse("bookings:helper_job", args=[booking.reference])
        notify(recipient=recipient, kind=kind, context=context)


def notify_staff(booking: Booking, kind: str, **extra: Any) -> None:
    """Alert every active staff member about this booking (one INSERT), with a link to its
    admin page."""
    context = {
        "booking_id": booking.pk,
        "reference": booking.reference,
        "service": service_names(booking.service),
        "starts_at": booking.starts_at.isoformat(),
        "timing": booking.timing,
        "postcode": booking.postcode,
        "city": booking.city,
        "url": reverse("admin:bookings_booking_change", args=[booking.pk]),
        **extra,
    }
    staff = get_user_model().objects.filter(is_staff=True, is_active=True)
    notify_many(kind=kind, contexts={pk: context for pk in staff.values_list("pk", flat=True)})
