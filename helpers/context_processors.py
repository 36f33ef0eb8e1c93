from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def helper_nav(request: HttpRequest) -> dict[str, Any]:
    """``is_helper``: whether the visitor has a helper profile (the header then links to their
    jobs). Asked at most once per page, and only by a page that shows it."""
    user = getattr(request, "user", None)

    def has_profile() -> bool:
        if not getattr(user, "is_authenticated", False):
            return False
        # Loaded with the user (customers/backends.py): no query of its own. No profile
        # raises RelatedObjectDoesNotExist, an AttributeError.
        return getattr(user, "helper_profile", None) is not None

    return {"is_helper": SimpleLazyObject(has_profile)}
