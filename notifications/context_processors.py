from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from notifications.models import Notification


def inbox(request: HttpRequest) -> dict[str, Any]:
    """``inbox_unread``: the header badge count, queried only if a template shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"inbox_unread": 0}
    return {
        "inbox_unread": SimpleLazyObject(
            lambda: Notification.objects.for_recipient(user).unread().count()
        )
    }
