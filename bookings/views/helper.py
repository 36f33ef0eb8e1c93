"""The helper's own page: where their application stands, job offers to accept or decline,
upcoming jobs, their times and profile. The offers refresh themselves (htmx polling); accept
and decline are plain form posts that htmx sends inline."""

import hashlib
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from bookings.forms import DeclineForm
from bookings.matching.responses import offer_accept, offer_decline
from bookings.models import Offer
from bookings.pricing import PricingPolicy
from bookings.selectors import (
    helper_earnings,
    helper_open_offers,
    helper_upcoming_jobs,
    offer_for_helper,
)
from bookings.services import BookingError
from helpers.models import HelperProfile
from helpers.selectors import helper_profile_for
from payments.earnings import helper_earnings_by_month

# Refusals that are news, not mistakes: shown as information, not as an error.
INFO_CODES = frozenset({"taken", "cancelled", "moved", "closed", "expired", "already_accepted",
                        "already_declined", "declined"})  # fmt: skip
WORK_PARTIAL = "bookings/helper_dashboard.html#work"


def _work(profile: HelperProfile, now: datetime) -> dict[str, Any]:
    """Offers and jobs, and a fingerprint of them so a poll can answer "nothing new"."""
    offers = list(helper_open_offers(profile, now))
    for offer in offers:  # each card's radio buttons need ids of their own
        offer.decline_form = DeclineForm(auto_id=f"decline-{offer.booking.reference}-%s")  # type: ignore[attr-defined]
    jobs = list(helper_upcoming_jobs(profile))
    seen = [(o.pk, o.expires_at.isoformat()) for o in offers] + [(j.pk, j.status) for j in jobs]
    version = hashlib.blake2s(repr(seen).encode(), digest_size=8).hexdigest()
    return {"offers": offers, "jobs": jobs, "work_version": version, "now": now}


def _still_to_do(profile: HelperProfile, windows: list[Any]) -> list[str]:
    missing = []
    if profile.status == HelperProfile.Status.APPLIED:
        missing.append(_("Our team checks your application, usually within two working days."))
    if not windows:
        missing.append(_("Add the times you are available, so we can offer you jobs."))
    return missing


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    profile = helper_profile_for(request.user)
    if profile is None:
        return redirect("helpers:apply")
    windows = list(profile.windows.all())
    context = {
        "profile": profile,
        "windows": windows,
        "time_off": list(profile.time_off.filter(last_day__gte=timezone.localdate())),
        "missing": _still_to_do(profile, windows),
        "earnings": helper_earnings(profile, timezone.now()),
        **_work(profile, timezone.now()),
    }
    return render(request, "bookings/helper_dashboard.html", context)


@login_required
@require_GET
def earnings(request: HttpRequest) -> HttpResponse:
    """Month by month: visits, fees and refunds, and what was paid out, from the ledger."""
    profile = helper_profile_for(request.user)
    if profile is None:
        return redirect("helpers:apply")
    summary = helper_earnings_by_month(profile)
    return render(request, "bookings/helper_earnings.html", {
        "profile": profile, "summary": summary,
        "commission_percent": PricingPolicy.from_settings().commission_percent,
    })  # fmt: skip


@login_required
@require_GET
def work(request: HttpRequest) -> HttpResponse:
    """The offers and jobs part of the dashboard, for the page's polling: 204 (keep what is
    shown) when nothing changed since version ``v``."""
    profile = helper_profile_for(request.user)
    if profile is None:
        raise Http404
    context = {"profile": profile, **_work(profile, timezone.now())}
    if request.GET.get("v") == context["work_version"]:
        return HttpResponse(status=204)
    return render(request, WORK_PARTIAL, context)


def _answered(request: HttpRequest, profile: HelperProfile) -> HttpResponse:
    """After accept or decline: the updated offers and jobs (htmx), or the page."""
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, WORK_PARTIAL, {"profile": profile, **_work(profile, timezone.now())})
    return redirect("bookings:helper_dashboard")


def _refused(request: HttpRequest, error: BookingError) -> None:
    level = messages.INFO if error.code in INFO_CODES else messages.ERROR
    messages.add_message(request, level, error.message)


def _own_offer(request: HttpRequest, reference: str) -> tuple[HelperProfile, Offer]:
    profile = helper_profile_for(request.user)
    offer = offer_for_helper(request.user, reference)
    if profile is None or offer is None:
        raise Http404
    return profile, offer


@login_required
@require_POST
def accept(request: HttpRequest, reference: str) -> HttpResponse:
    profile, offer = _own_offer(request, reference)
    try:
        offer_accept(offer=offer, user=request.user)
    except BookingError as error:
        _refused(request, error)
    else:
        messages.success(
            request, _("The job is yours! The address and the customer's phone are below.")
        )
    return _answered(request, profile)


@login_required
@require_POST
def decline(request: HttpRequest, reference: str) -> HttpResponse:
    profile, offer = _own_offer(request, reference)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose one of the reasons, or none."))
        return _answered(request, profile)
    try:
        offer_decline(offer=offer, user=request.user, reason=form.cleaned_data["reason"])
    except BookingError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Thank you for letting us know. We'll ask someone else."))
    return _answered(request, profile)
