"""The booking wizard: service → problem → address → time → quote → confirm.

Server-rendered and complete without JavaScript; htmx only fills in the town from the
postcode. Answers live in the session (bookings.draft) until the booking is confirmed.
"""

import uuid
from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from bookings.draft import STEPS, BookingDraft, Seen, not_what_was_seen
from bookings.forms import AddressForm, ConfirmForm, ProblemForm, TimingForm, WaitlistForm
from bookings.models import Booking, Service
from bookings.policy import BookingPolicy, start_problem
from bookings.pricing import Quote
from bookings.services import BookingError, booking_create, booking_quotes, tier_options
from bookings.services.waitlist import waitlist_join
from bookings.texts import start_message
from helpers.models import HelperProfile
from mila.lib import geo

STEP_FORMS: dict[str, type[Form]] = {
    "problem": ProblemForm,
    "address": AddressForm,
    "time": TimingForm,
}
# Refusals at confirm that are about the address: the customer goes back to that step.
ADDRESS_REFUSALS = frozenset({"country", "coverage", "city", "postcode"})
STEP_TITLES = {
    "problem": gettext_lazy("Describe the problem"),
    "address": gettext_lazy("Where should the helper come?"),
    "time": gettext_lazy("When should the helper come?"),
}


def start(request: HttpRequest, slug: str) -> HttpResponse:
    """Begin booking ``slug``. A booking of another service under way in this session is not
    replaced by a mere link (another tab, another site): the customer is asked first."""
    service = get_object_or_404(Service.objects.bookable(), slug=slug)
    draft = BookingDraft(request.session)
    current = draft.service
    switching = current is not None and current.pk != service.pk and draft.is_under_way()
    if switching and request.method != "POST":
        return render(
            request,
            "bookings/wizard/switch.html",
            {"service": service, "current": current, "draft": draft,
             "continue_url": _continue_url(draft)},
        )  # fmt: skip
    draft.start(service, helper=_helper_asked_for(request, service))
    if switching:
        _keep_time_if_it_fits(request, draft, service)
    return redirect("bookings:step", step=draft.first_missing_step() or "problem")


def _continue_url(draft: BookingDraft) -> str:
    missing = draft.first_missing_step()
    return reverse("bookings:step", args=[missing]) if missing else reverse("bookings:quote")


def _keep_time_if_it_fits(request: HttpRequest, draft: BookingDraft, service: Service) -> None:
    """After switching service the chosen start may no longer fit (a longer visit must still
    end within the helpers' day): then the time is asked again, and the customer told why."""
    starts_at = draft.starts_at
    if starts_at is None:
        return
    policy = BookingPolicy.from_settings()
    problem = start_problem(
        starts_at, duration_minutes=service.duration_minutes, now=timezone.now(),
        tz=ZoneInfo(settings.TIME_ZONE), policy=policy,
    )  # fmt: skip
    if problem is None:
        return
    draft.forget_time()
    reason = start_message(problem, policy, duration_minutes=service.duration_minutes)
    messages.info(
        request,
        _("The time you chose does not work for %(service)s: %(reason)s Please choose it again.")
        % {"service": service.name, "reason": reason},
    )


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
    """The time step offers only start times at which this service's visit ends in time; the
    address step checks that someone does this service there."""
    if step == "time" and draft.service is not None:
        return {"duration_minutes": draft.service.duration_minutes}
    if step == "address":
        return {"service": draft.service}
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
    return _render_step(request, draft, step, form)


def _render_step(
    request: HttpRequest, draft: BookingDraft, step: str, form: Form, **extra: Any
) -> HttpResponse:
    context = {
        "form": form,
        "draft": draft,
        "service": draft.service,
        "step": step,
        "step_number": STEPS.index(step) + 1,
        "step_count": len(STEPS) + 1,
        "step_title": STEP_TITLES[step],
        "previous_step": STEPS[STEPS.index(step) - 1] if step != STEPS[0] else None,
    }
    if isinstance(form, AddressForm):
        context |= _address_context(request, form)
    return render(request, f"bookings/wizard/{step}.html", context | extra)


def _address_context(request: HttpRequest, form: AddressForm) -> dict[str, Any]:
    """The town hint for the postcode on the page, and the waitlist offer where nobody
    serves the address (yet)."""
    postcode, country = form["postcode"].value(), form["country"].value()
    context: dict[str, Any] = {"place": geo.lookup(str(postcode or ""), str(country or ""))}
    if form.waitlist_place is not None:
        user = request.user
        place = form.waitlist_place
        context["waitlist_form"] = WaitlistForm(
            auto_id="waitlist_%s",
            initial={"email": user.email if user.is_authenticated else "",
                     "postcode": place.postcode, "country": place.country}
        )  # fmt: skip
        context["waitlist_postcode"] = place.postcode
    return context


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


@require_POST
def waitlist(request: HttpRequest) -> HttpResponse:
    """Sign up to hear when there are helpers near an address, offered by the address step
    where nobody serves it yet. Signing up twice is harmless and says the same."""
    draft = BookingDraft(request.session)
    service = draft.service
    if service is None:
        return redirect("bookings:catalogue")
    form = WaitlistForm(request.POST, auto_id="waitlist_%s")
    if not form.is_valid():
        place = geo.lookup(str(form["postcode"].value() or ""), str(form["country"].value() or ""))
        where = {"postcode": place.postcode, "country": place.country} if place else {}
        address = AddressForm(initial=draft.step_data("address") | where, service=service)
        address.waitlist_place = place
        return _render_step(
            request, draft, "address", address, waitlist_form=form,
            waitlist_postcode=place.postcode if place else "",
        )  # fmt: skip
    place = form.cleaned_data["place"]
    entry, _created = waitlist_join(
        email=form.cleaned_data["email"], place=place, service=service,
        language=_language_code(),
    )  # fmt: skip
    messages.success(
        request,
        _("Thank you! We will write to %(email)s as soon as we have helpers near %(postcode)s.")
        % {"email": entry.email, "postcode": place.postcode},
    )
    return redirect("bookings:step", step="address")


def _language_code() -> str:
    """The language the page was in, as one of ours (the e-mail will be written in it)."""
    active = (get_language() or "").split("-")[0]
    return active if active in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def quote(request: HttpRequest) -> HttpResponse:
    draft = BookingDraft(request.session)
    if request.method == "POST":
        return _confirm(request, draft)
    if response := _redirect_to_missing(draft):
        return response
    return _render_quote(request, draft, ConfirmForm(tiers=_tiers(draft)))


def _tiers(draft: BookingDraft) -> tuple[str, ...]:
    service = draft.service
    return service.tiers if service else ()


def _quotes(draft: BookingDraft, now: datetime) -> dict[str, Quote]:
    """The price of each tier for this draft, at ``now`` (the surcharge depends on it)."""
    service = draft.service
    assert service is not None
    return booking_quotes(service=service, starts_at=draft.starts_at, now=now)


def _render_quote(request: HttpRequest, draft: BookingDraft, form: ConfirmForm) -> HttpResponse:
    service = draft.service
    assert service is not None
    now = timezone.now()
    starts_at = draft.starts_at
    policy = BookingPolicy.from_settings()
    quotes = _quotes(draft, now)
    options = tier_options(quotes, starts_at=starts_at or now)
    seen = Seen(version=draft.version, totals={tier: q.total for tier, q in quotes.items()})
    form.initial = {"key": draft.key, "seen": seen.token()}
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
    now = timezone.now()
    tier = form.cleaned_data["tier"]
    if refusal := _not_what_was_seen(draft, form.cleaned_data["seen"], tier, now):
        messages.warning(request, refusal)
        return redirect("bookings:quote")
    try:
        booking = booking_create(
            customer=request.user,
            request=draft.to_request(tier, form.cleaned_data["method"] or "invoice"),
            idempotency_key=form.cleaned_data["key"],
            now=now,
        )
    except BookingError as error:
        messages.error(request, error.message)
        if error.code == "key":
            draft.renew_key()
        if error.code in ADDRESS_REFUSALS:  # nobody can come there (any more): the waitlist
            return redirect("bookings:step", step="address")
        return redirect("bookings:quote")
    return _booked(request, draft, booking)


def _booked(request: HttpRequest, draft: BookingDraft, booking: Booking) -> HttpResponse:
    draft.clear()
    if booking.status == Booking.Status.REQUESTED:  # the card is still to be entered
        return redirect("bookings:pay", reference=booking.reference)
    messages.success(
        request,
        _("Thank you! Your booking %(reference)s is in. We are now looking for a helper.")
        % {"reference": booking.reference},
    )
    return redirect("bookings:detail", reference=booking.reference)


def _not_what_was_seen(draft: BookingDraft, token: str, tier: str, now: datetime) -> str | None:
    """Why the booking would differ from the quote the customer confirmed (the draft was
    changed in another window, or the price moved meanwhile), or None if it is the same."""
    return not_what_was_seen(
        token, version=draft.version, tier=tier,
        totals={name: price.total for name, price in _quotes(draft, now).items()},
        changed=_("Your booking changed in another window — please check it again."),
    )  # fmt: skip
