"""The booking wizard: service → problem → address → time → quote → confirm.

Server-rendered and complete without JavaScript; htmx only fills in the town from the
postcode. Answers live in the session (bookings.draft) until the booking is confirmed.
"""

import uuid
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from bookings.draft import STEPS, BookingDraft
from bookings.forms import AddressForm, ConfirmForm, ProblemForm, TimingForm
from bookings.models import Booking, Service
from bookings.policy import BookingPolicy, cancellation_terms
from bookings.services import BookingError, booking_create, booking_quote
from helpers.models import HelperProfile
from mila.lib import geo

STEP_FORMS: dict[str, type[Form]] = {
    "problem": ProblemForm,
    "address": AddressForm,
    "time": TimingForm,
}
STEP_TITLES = {
    "problem": gettext_lazy("Describe the problem"),
    "address": gettext_lazy("Where should the helper come?"),
    "time": gettext_lazy("When should the helper come?"),
}


def start(request: HttpRequest, slug: str) -> HttpResponse:
    service = get_object_or_404(Service.objects.bookable(), slug=slug)
    draft = BookingDraft(request.session)
    draft.start(service, helper=_helper_asked_for(request, service))
    return redirect("bookings:step", step=draft.first_missing_step() or "problem")


def _helper_asked_for(request: HttpRequest, service: Service) -> HelperProfile | None:
    """``?helper=<public id>`` ("Book Lena again"): that helper, if approved for this kind
    of job; anything else is ignored (the booking is then asked of everyone)."""
    try:
        public_id = uuid.UUID(request.GET.get("helper", ""))
    except ValueError:
        return None
    return (
        HelperProfile.objects.approved()
        .filter(public_id=public_id, skills=service.category_id)
        .first()
    )


def _redirect_to_missing(draft: BookingDraft, step: str | None = None) -> HttpResponse | None:
    """Send the visitor back to the first step they have not answered yet."""
    if draft.service is None:
        return redirect("bookings:catalogue")
    missing = draft.first_missing_step()
    if missing and (step is None or STEPS.index(missing) < STEPS.index(step)):
        return redirect("bookings:step", step=missing)
    return None


def _initial(request: HttpRequest, draft: BookingDraft, step: str) -> dict[str, Any]:
    initial = draft.step_data(step)
    user = request.user
    if step == "address" and "phone" not in initial and user.is_authenticated:
        initial["phone"] = str(user.phone or "")
    return initial


def _form_kwargs(draft: BookingDraft, step: str) -> dict[str, Any]:
    """The time step offers only start times at which this service's visit ends in time."""
    if step == "time" and draft.service is not None:
        return {"duration_minutes": draft.service.duration_minutes}
    return {}


def step(request: HttpRequest, step: str) -> HttpResponse:
    if step not in STEP_FORMS:
        return redirect("bookings:catalogue")
    draft = BookingDraft(request.session)
    if response := _redirect_to_missing(draft, step):
        return response
    form_class = STEP_FORMS[step]
    form = form_class(
        request.POST or None, initial=_initial(request, draft, step), **_form_kwargs(draft, step)
    )
    if request.method == "POST" and form.is_valid():
        draft.update(**_to_session(step, form.cleaned_data))
        following = STEPS[STEPS.index(step) + 1] if step != STEPS[-1] else None
        if following and not draft.step_data(following):
            return redirect("bookings:step", step=following)
        return redirect("bookings:quote")
    return render(
        request,
        f"bookings/wizard/{step}.html",
        {
            "form": form,
            "draft": draft,
            "service": draft.service,
            "step": step,
            "step_number": STEPS.index(step) + 1,
            "step_count": len(STEPS) + 1,
            "step_title": STEP_TITLES[step],
            "previous_step": STEPS[STEPS.index(step) - 1] if step != STEPS[0] else None,
        },
    )


def _to_session(step: str, data: dict[str, Any]) -> dict[str, Any]:
    """Form values as JSON for the session."""
    if step != "time":
        return {k: str(v) for k, v in data.items()}
    starts_at = data.get("starts_at")
    return {
        "timing": data["timing"],
        "date": data["date"].isoformat() if data.get("date") else "",
        "time": data["time"].strftime("%H:%M") if data.get("time") else "",
        "starts_at": starts_at.isoformat() if starts_at else "",
    }


@require_GET
def postcode_lookup(request: HttpRequest) -> HttpResponse:
    """htmx: the town for a postcode as the customer types it."""
    place = geo.lookup(request.GET.get("postcode", ""), request.GET.get("country", "CH"))
    return render(request, "bookings/wizard/address.html#town", {"place": place})


def quote(request: HttpRequest) -> HttpResponse:
    draft = BookingDraft(request.session)
    if request.method == "POST":
        return _confirm(request, draft)
    if response := _redirect_to_missing(draft):
        return response
    return _render_quote(
        request, draft, ConfirmForm(tiers=_tiers(draft), initial=_confirm_initial(draft))
    )


def _tiers(draft: BookingDraft) -> tuple[str, ...]:
    service = draft.service
    return service.tiers if service else ()


def _confirm_initial(draft: BookingDraft) -> dict[str, Any]:
    return {"tier": draft.data.get("tier") or _tiers(draft)[0], "key": draft.key}


def _render_quote(request: HttpRequest, draft: BookingDraft, form: ConfirmForm) -> HttpResponse:
    service = draft.service
    assert service is not None
    now = timezone.now()
    starts_at = draft.starts_at
    policy = BookingPolicy.from_settings()
    options = []
    for tier in service.tiers:
        price = booking_quote(service=service, tier=tier, starts_at=starts_at, now=now)
        # What cancelling would cost once the free period is over.
        late = cancellation_terms(
            base_price=price.base, starts_at=(starts_at or now), now=(starts_at or now),
            helper_on_the_way=False, policy=policy, helper_assigned=True,
        )  # fmt: skip
        options.append({"tier": tier, "quote": price, "late_fee": late.fee})
    free_until = (starts_at - policy.free_cancellation) if starts_at else None
    next_url = reverse("bookings:quote")
    return render(
        request,
        "bookings/wizard/quote.html",
        {
            "form": form,
            "draft": draft,
            "service": service,
            "options": options,
            "preferred_helper": draft.preferred_helper,
            "starts_at": starts_at,
            "free_until": free_until,
            "free_until_passed": free_until is None or free_until <= now,
            "step_number": len(STEPS) + 1,
            "step_count": len(STEPS) + 1,
            "signup_url": reverse("account_signup") + "?" + urlencode({"next": next_url}),
            "login_url": reverse("account_login") + "?" + urlencode({"next": next_url}),
        },
    )


def _confirm(request: HttpRequest, draft: BookingDraft) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(
            reverse("account_signup") + "?" + urlencode({"next": reverse("bookings:quote")})
        )
    form = ConfirmForm(request.POST, tiers=_tiers(draft) or ("friend", "pro"))
    if form.is_valid():
        existing = (
            Booking.objects.for_customer(request.user)
            .filter(idempotency_key=form.cleaned_data["key"])
            .first()
        )
        if existing is not None:  # the same form posted again: show what it created
            return redirect("bookings:detail", reference=existing.reference)
    if response := _redirect_to_missing(draft):
        return response
    if not form.is_valid():
        return _render_quote(request, draft, form)
    try:
        booking = booking_create(
            customer=request.user,
            request=draft.to_request(form.cleaned_data["tier"]),
            idempotency_key=form.cleaned_data["key"],
        )
    except BookingError as error:
        messages.error(request, error.message)
        if error.code == "key":
            draft.renew_key()
        return redirect("bookings:quote")
    draft.clear()
    messages.success(
        request,
        _("Thank you! Your booking %(reference)s is in. We are now looking for a helper.")
        % {"reference": booking.reference},
    )
    return redirect("bookings:detail", reference=booking.reference)
