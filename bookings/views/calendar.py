"""A helper's jobs in their own calendar app: the private feed (fetched by the app, without
logging in; the secret in its address is the key) and the dashboard buttons that turn it on,
renew and turn it off."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from bookings.calendar import (
    FEED_STATUSES,
    helper_calendar_jobs,
    helper_feed_calendar,
    helper_for_calendar_token,
)
from bookings.services.calendar_feed import helper_calendar_token_renew
from helpers.selectors import helper_profile_for

# What each dashboard button does: turn the feed on (with a new link) or off, and what to say.
ACTIONS = {
    "on": (True, _("Your calendar link is ready. Add it to your calendar app.")),
    "renew": (True, _("Here is your new calendar link. The old one no longer works.")),
    "off": (False, _("Your calendar link is turned off. The old one no longer works.")),
}


@require_safe
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The helper's jobs as an .ics feed, in their language. A wrong, replaced or turned-off
    secret is a 404, like any address that does not exist."""
    helper = helper_for_calendar_token(token)
    if helper is None:
        raise Http404
    now = timezone.now()
    with translation.override(helper.user.preferred_language or settings.LANGUAGE_CODE):
        body = helper_feed_calendar(helper, helper_calendar_jobs(helper, now=now), now=now)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = 'inline; filename="mila.ics"'
    return response


@login_required
@require_POST
def manage(request: HttpRequest) -> HttpResponse:
    profile = helper_profile_for(request.user)
    if profile is None or profile.status not in FEED_STATUSES:
        raise Http404
    action = ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        return HttpResponseBadRequest()
    enabled, message = action
    helper_calendar_token_renew(helper=profile, enabled=enabled)
    messages.success(request, message)
    return redirect(reverse("bookings:helper_dashboard") + "#calendar")
