"""Reads on helpers, already filtered to what the caller may see."""

from typing import Any

from django.db.models import prefetch_related_objects

from helpers.models import HelperProfile


def helper_profile_for(user: Any) -> HelperProfile | None:
    """The logged-in person's own helper profile (with their skills), or None. The request's
    user comes with it (customers/backends.py): then only the skills are asked for."""
    if not getattr(user, "is_authenticated", False):
        return None
    if HelperProfile.user.field.remote_field.cache_name in user._state.fields_cache:
        profile = getattr(user, "helper_profile", None)
        if profile is not None:
            prefetch_related_objects([profile], "skills")
        return profile
    return (
        HelperProfile.objects.select_related("user")
        .prefetch_related("skills")
        .filter(user=user)
        .first()
    )
