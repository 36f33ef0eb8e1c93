from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from notifications.services import inbox_unread_count


def inbox(request: HttpRequest) -> dict[str, Any]:
    """``inbox_unread``: the header badge count, asked only if a template shows it (and then
    mostly of the cache: notifications.services.inbox_unread_count)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"inbox_unread": 0}
    return {"inbox_unread": SimpleLazyObject(lambda: inbox_unread_count(user))}
