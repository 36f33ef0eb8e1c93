"""Writes on a helper's calendar feed: turning its secret link on, renewing it, turning it off."""

import secrets

from helpers.models import HelperProfile


def helper_calendar_token_renew(*, helper: HelperProfile, enabled: bool) -> HelperProfile:
    """Give the helper's calendar feed a new secret link, or (``enabled=False``) none.

    Either way the old link stops working at once: a calendar app that still has it gets a
    404. So a helper who shared their link by mistake only has to ask for a new one. The
    secret is the only protection of a feed that calendar apps fetch without logging in.
    """
    token = secrets.token_urlsafe(32) if enabled else None
    HelperProfile.objects.filter(pk=helper.pk).update(calendar_token=token)
    helper.calendar_token = token
    return helper
