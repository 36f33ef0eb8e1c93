"""Reads on helpers, already filtered to what the caller may see."""

from typing import Any

from helpers.models import HelperProfile


def helper_profile_for(user: Any) -> HelperProfile | None:
    """The logged-in person's own helper profile (with their skills), or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        HelperProfile.objects.select_related("user")
        .prefetch_related("skills")
        .filter(user=user)
        .first()
    )
