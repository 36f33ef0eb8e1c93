"""Helper pages: apply, edit profile, weekly times and time off, public profile. (The
dashboard, with offers and jobs, is a bookings page: bookings.views.helper.)"""

from typing import cast
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bookings.models import Service
from bookings.pricing import PricingPolicy, base_payout
from customers.models import User
from helpers.forms import ApplicationForm, ProfileForm, TimeOffForm, WindowFormSet
from helpers.models import HelperProfile, TimeOff
from helpers.selectors import helper_profile_for
from helpers.services import (
    HelperError,
    availability_set_windows,
    helper_apply,
    helper_update_profile,
    time_off_add,
    time_off_delete,
)
from mila.pagecache import anonymous_page
from reviews.selectors import category_ratings, distribution, public_review_pages


@anonymous_page
def landing(request: HttpRequest) -> HttpResponse:
    """For people who would like to help: what a job pays, how approval works, and the way in
    (sign up or log in, then apply). A helper who has applied goes to their own page."""
    if helper_profile_for(request.user) is not None:
        return redirect("bookings:helper_dashboard")
    policy = PricingPolicy.from_settings()
    prices = sorted(
        Service.objects.bookable().filter(pro_only=False).values_list("price", flat=True)
    )
    payouts = [base_payout(price, policy) for price in prices]
    apply_url = reverse("helpers:apply")
    return render(request, "helpers/landing.html", {
        "payout_from": payouts[0] if payouts else None,
        "payout_to": payouts[-1] if payouts else None,
        "commission_percent": policy.commission_percent,
        "signup_url": reverse("account_signup") + "?" + urlencode({"next": apply_url}),
        "login_url": reverse("account_login") + "?" + urlencode({"next": apply_url}),
        "apply_url": apply_url,
    })  # fmt: skip


def _own_profile(request: HttpRequest) -> HelperProfile | None:
    return helper_profile_for(request.user)


@login_required
def apply(request: HttpRequest) -> HttpResponse:
    profile = _own_profile(request)
    if profile is not None:
        messages.info(request, _("You have already applied. Here is your application."))
        return redirect("bookings:helper_dashboard")
    user = cast(User, request.user)
    initial = {"phone": str(user.phone or ""), "languages": [user.preferred_language]}
    form = ApplicationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            helper_apply(user=user, application=form.to_application())
        except HelperError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Thank you! We will review your application shortly."))
            return redirect("bookings:helper_dashboard")
    return render(request, "helpers/apply.html", {"form": form})


@login_required
def edit_profile(request: HttpRequest) -> HttpResponse:
    profile = _own_profile(request)
    if profile is None:
        return redirect("helpers:apply")
    initial = {
        "tier": profile.tier, "company_name": profile.company_name, "uid": profile.uid,
        "skills": list(profile.skills.all()), "languages": profile.languages,
        "postcode": profile.postcode, "country": profile.country,
        "radius_km": profile.radius_km, "max_jobs_per_day": profile.max_jobs_per_day,
        "bio": profile.bio, "phone": str(profile.user.phone or ""),
    }  # fmt: skip
    reviewed = profile.status != HelperProfile.Status.APPLIED
    form = ProfileForm(request.POST or None, initial=initial, reviewed=reviewed)
    if request.method == "POST" and form.is_valid():
        try:
            helper_update_profile(profile=profile, application=form.to_application())
        except HelperError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your helper profile has been saved."))
            return redirect("bookings:helper_dashboard")
    return render(request, "helpers/profile_edit.html", {"form": form, "profile": profile})


@login_required
def availability(request: HttpRequest) -> HttpResponse:
    profile = _own_profile(request)
    if profile is None:
        return redirect("helpers:apply")
    formset = WindowFormSet(
        request.POST or None, initial=_windows_initial(profile), prefix="windows"
    )
    if request.method == "POST" and formset.is_valid():
        try:
            windows = formset.windows()  # type: ignore[attr-defined]
            availability_set_windows(profile=profile, windows=windows)
        except HelperError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your times have been saved."))
            return redirect("helpers:availability")
    return _availability_page(request, profile, formset, TimeOffForm())


def _windows_initial(profile: HelperProfile) -> list[dict[str, object]]:
    # As the select options spell them ("08:00"), so saved times show as selected.
    return [
        {"weekday": w.weekday, "starts": f"{w.starts:%H:%M}", "ends": f"{w.ends:%H:%M}"}
        for w in profile.windows.all()
    ]


def _availability_page(
    request: HttpRequest, profile: HelperProfile, formset: object, time_off_form: TimeOffForm
) -> HttpResponse:
    return render(
        request,
        "helpers/availability.html",
        {
            "profile": profile,
            "formset": formset,
            "time_off": profile.time_off.filter(last_day__gte=timezone.localdate()),
            "time_off_form": time_off_form,
        },
    )


@login_required
@require_POST
def time_off_create(request: HttpRequest) -> HttpResponse:
    profile = _own_profile(request)
    if profile is None:
        return redirect("helpers:apply")
    form = TimeOffForm(request.POST)
    if form.is_valid():
        try:
            time_off_add(profile=profile, **form.cleaned_data)
        except HelperError as error:  # the day changed since the form was checked
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your time off has been saved."))
            return redirect("helpers:availability")
    formset = WindowFormSet(initial=_windows_initial(profile), prefix="windows")
    return _availability_page(request, profile, formset, form)


@login_required
@require_POST
def time_off_remove(request: HttpRequest, pk: int) -> HttpResponse:
    profile = _own_profile(request)
    if profile is None:
        return redirect("helpers:apply")
    entry = get_object_or_404(TimeOff.objects.filter(helper=profile), pk=pk)
    time_off_delete(profile=profile, time_off_id=entry.pk)
    messages.success(request, _("The time off has been removed."))
    return redirect("helpers:availability")


def public_profile(request: HttpRequest, public_id: str) -> HttpResponse:
    """What customers see: first name and initial, tier, skills, languages, town, rating."""
    profile = get_object_or_404(
        HelperProfile.objects.approved().select_related("user").prefetch_related("skills"),
        public_id=public_id,
    )
    reviews = public_review_pages(profile, settings.REVIEW_PAGE_SIZE)
    context = {
        "profile": profile,
        "reviews": reviews.get_page(request.GET.get("page")),
        "distribution": distribution(profile),
        "category_ratings": category_ratings(profile),
    }
    return render(request, "helpers/public_profile.html", context)
