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
        _connect_page_cache()


def _connect_page_cache() -> None:
    """The cached visitors' pages (mila/pagecache.py) show the catalogue: a change to it, or a
    migration that loads services, makes them out of date."""
    from django.db.models.signals import post_delete, post_migrate, post_save

    from bookings.models import Service, ServiceCategory

    for model in (Service, ServiceCategory):
        uid = f"pages-{model.__name__}"
        post_save.connect(_catalogue_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(_catalogue_changed, sender=model, dispatch_uid=uid)
    post_migrate.connect(_catalogue_changed, dispatch_uid="pages-migrate")


def _catalogue_changed(**kwargs: Any) -> None:
    from django.db import transaction

    from mila.pagecache import pages_changed

    # Now, and once more after commit, so no page of the transaction before stays cached.
    pages_changed()
    transaction.on_commit(pages_changed)


def _load_booking(booking_id: Any) -> dict[str, Any]:
    from bookings.context_processors import policy_values
    from bookings.models import Booking

    booking = (
        Booking.objects.select_related("service", "customer", "helper__user")
        .filter(pk=booking_id)
        .first()
    )
    return {"booking": booking, "booking_policy": policy_values()}
