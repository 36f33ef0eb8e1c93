from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = _("Bookings")

    def ready(self) -> None:
        from bookings import calendar
        from bookings.matching import receivers
        from notifications.services import register_attachments, register_context_loader

        register_context_loader("booking_id", _load_booking)
        for kind in calendar.CALENDAR_KINDS:
            register_attachments(kind, calendar.notification_calendar)
        receivers.connect()


def _load_booking(booking_id: Any) -> dict[str, Any]:
    from bookings.context_processors import policy_values
    from bookings.models import Booking

    booking = (
        Booking.objects.select_related("service", "customer", "helper__user")
        .filter(pk=booking_id)
        .first()
    )
    return {"booking": booking, "booking_policy": policy_values()}
