from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from notifications import checks  # noqa: F401  (registers the system check)
        from notifications.models import Notification

        # A row saved or deleted any way (admin, privacy erasure) renews the unread count;
        # bulk writes call inbox_changed themselves (notifications.services).
        post_save.connect(_row_saved, sender=Notification, dispatch_uid="inbox-unread")
        post_delete.connect(_row_deleted, sender=Notification, dispatch_uid="inbox-unread")


def _row_saved(instance: Any, created: bool, update_fields: Any = None, **kwargs: Any) -> None:
    # A delivery only writes its own fields: the count stays.
    if created or update_fields is None or "read_at" in update_fields:
        _row_deleted(instance)


def _row_deleted(instance: Any, **kwargs: Any) -> None:
    from notifications.services import inbox_changed

    inbox_changed([instance.recipient_id])
