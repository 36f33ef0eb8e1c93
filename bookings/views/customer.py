"""A customer's own bookings: list, detail with timeline and the visit's live state, cancel,
move, free follow-up."""

import hashlib
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.forms import CancelForm, FollowUpForm, StartTimeForm
from bookings.models import Booking, BookingEvent
from bookings.policy import BookingPolicy
from bookings.pricing import PricingPolicy, extra_time_units
from bookings.selectors import (
    booking_detail_for_customer,
    booking_upcoming_and_past,
    bookings_for_customer,
)
from bookings.services import (
    CUSTOMER_CANCELLABLE,
    BookingError,
    booking_cancel,
    booking_move_refusal,
    booking_reschedule,
    cancellation_preview,
)
from bookings.services.follow_up import booking_follow_up, follow_up_deadline, follow_up_refusal
from bookings.services.visit import en_route_from
from bookings.texts import live_sentence
from mila.lib.money import format_chf

Status = Booking.Status
LIVE_PARTIAL = "bookings/detail.html#live"


@login_required
def booking_list(request: HttpRequest) -> HttpResponse:
    upcoming, past = booking_upcoming_and_past(request.user)
    return render(request, "bookings/list.html", {"upcoming": upcoming, "past": past})


def _polled(booking: Booking, now: datetime) -> bool:
    """The page refreshes itself while something is about to happen: a helper may say yes,
    set off, arrive or finish."""
    if booking.status in (Status.SEARCHING, Status.EN_ROUTE, Status.IN_PROGRESS):
        return True
    return booking.status == Status.CONFIRMED and now >= en_route_from(booking)


def _state(booking: Booking) -> str:
    """What the rest of the page shows: when it changes, the poll reloads the whole page."""
    seen = (booking.status, booking.helper_id, booking.starts_at.isoformat())
    return hashlib.blake2s(repr(seen).encode(), digest_size=8).hexdigest()


def _live(booking: Booking, now: datetime) -> dict[str, Any]:
    sentence = live_sentence(booking, now)
    seen = (_state(booking), sentence, str(booking.eta_at))
    return {
        "booking": booking,
        "sentence": sentence,
        "polled": _polled(booking, now),
        "state": _state(booking),
        "live_version": hashlib.blake2s(repr(seen).encode(), digest_size=8).hexdigest(),
        "show_code": booking.status in (Status.CONFIRMED, Status.EN_ROUTE),
    }


def _extra_minutes(booking: Booking) -> int:
    if not booking.worked_minutes:
        return 0
    unit = PricingPolicy.from_settings().extra_time_unit_minutes
    units = extra_time_units(worked_minutes=booking.worked_minutes,
                             duration_minutes=booking.service.duration_minutes,
                             unit_minutes=unit)  # fmt: skip
    return units * unit


@login_required
def booking_detail(request: HttpRequest, reference: str) -> HttpResponse:
    booking = get_object_or_404(booking_detail_for_customer(request.user), reference=reference)
    now = timezone.now()
    return render(
        request,
        "bookings/detail.html",
        {
            **_live(booking, now),
            "events": [e for e in booking.events.all() if e.to_status],
            "can_cancel": booking.status in CUSTOMER_CANCELLABLE,
            "can_move": booking_move_refusal(booking=booking, now=now) is None,
            "cancel_terms": cancellation_preview(booking=booking, now=now),
            "extra_minutes": _extra_minutes(booking),
            "can_follow_up": follow_up_refusal(booking, now) is None,
            "follow_up_until": follow_up_deadline(booking),
            "can_rebook": booking.status == Status.COMPLETED
            and booking.helper is not None
            and booking.helper.status == booking.helper.Status.APPROVED,
        },
    )


@login_required
def booking_live(request: HttpRequest, reference: str) -> HttpResponse:
    """The live part of the booking page, for its polling: 204 while nothing changed since
    ``v``; a reload of the whole page (HX-Refresh) when the status or the helper changed."""
    booking = get_object_or_404(bookings_for_customer(request.user), reference=reference)
    context = _live(booking, timezone.now())
    if request.GET.get("s") != context["state"]:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    if request.GET.get("v") == context["live_version"]:
        return HttpResponse(status=204)
    return render(request, LIVE_PARTIAL, context)


@login_required
def booking_cancel_view(request: HttpRequest, reference: str) -> HttpResponse:
    booking = get_object_or_404(bookings_for_customer(request.user), reference=reference)
    if booking.status == Booking.Status.CANCELLED:
        messages.info(request, _("This booking was already cancelled."))
        return redirect("bookings:detail", reference=booking.reference)
    if booking.status not in CUSTOMER_CANCELLABLE:
        messages.error(request, _("This booking can no longer be cancelled."))
        return redirect("bookings:detail", reference=booking.reference)
    terms = cancellation_preview(booking=booking)
    form = CancelForm(request.POST or None, initial={"expected_fee": terms.fee})
    if request.method == "POST" and form.is_valid():
        try:
            result = booking_cancel(
                booking=booking,
                actor=request.user,
                role=BookingEvent.Role.CUSTOMER,
                reason=form.cleaned_data["reason"],
                expected_fee=form.cleaned_data["expected_fee"],
            )
        except BookingError as error:
            messages.error(request, error.message)
            if error.code == "fee_changed":  # show the new fee and ask again
                return redirect("bookings:cancel", reference=booking.reference)
            return redirect("bookings:detail", reference=booking.reference)
        if result.already_cancelled:
            messages.info(request, _("This booking was already cancelled."))
        else:
            messages.success(request, _("Your booking has been cancelled."))
        return redirect("bookings:detail", reference=booking.reference)
    return render(
        request,
        "bookings/cancel.html",
        {"booking": booking, "form": form, "terms": terms},
    )


@login_required
def booking_reschedule_view(request: HttpRequest, reference: str) -> HttpResponse:
    booking = get_object_or_404(bookings_for_customer(request.user), reference=reference)
    problem = booking_move_refusal(booking=booking)
    if problem:
        messages.error(request, problem)
        return redirect("bookings:detail", reference=booking.reference)
    form = StartTimeForm(request.POST or None, duration_minutes=booking.service.duration_minutes)
    if request.method == "POST" and form.is_valid():
        was = booking.price_total
        try:
            moved = booking_reschedule(
                booking=booking, actor=request.user, starts_at=form.cleaned_data["starts_at"]
            )
        except BookingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your visit has been moved."))
            if moved.price_total < was:
                messages.info(
                    request,
                    _("The last-minute surcharge no longer applies: you now pay %(total)s.")
                    % {"total": format_chf(moved.price_total)},
                )
            return redirect("bookings:detail", reference=booking.reference)
    return render(
        request,
        "bookings/reschedule.html",
        {
            "booking": booking,
            "form": form,
            "moves_left": BookingPolicy.from_settings().max_reschedules - booking.reschedule_count,
            "total_without_surcharge": booking.price_total - booking.price_surcharge,
        },
    )


@login_required
def booking_follow_up_view(request: HttpRequest, reference: str) -> HttpResponse:
    """ "The problem is back": the customer asks for the free follow-up of a completed visit."""
    booking = get_object_or_404(bookings_for_customer(request.user), reference=reference)
    refusal = follow_up_refusal(booking)
    if refusal:
        if refusal[0] == "already" and hasattr(booking, "follow_up"):
            messages.info(request, refusal[1])
            return redirect("bookings:detail", reference=booking.follow_up.reference)
        messages.error(request, refusal[1])
        return redirect("bookings:detail", reference=booking.reference)
    form = FollowUpForm(
        request.POST or None,
        initial={"timing": Booking.Timing.SCHEDULED},
        duration_minutes=booking.service.duration_minutes,
    )
    if request.method == "POST" and form.is_valid():
        try:
            follow_up = booking_follow_up(
                booking=booking, actor=request.user, problem=form.cleaned_data["problem"],
                timing=form.cleaned_data["timing"], starts_at=form.cleaned_data.get("starts_at"),
            )  # fmt: skip
        except BookingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Your free follow-up %(reference)s is booked. We ask your helper first.")
                % {"reference": follow_up.reference},
            )
            return redirect("bookings:detail", reference=follow_up.reference)
    return render(
        request,
        "bookings/follow_up.html",
        {"booking": booking, "form": form, "follow_up_until": follow_up_deadline(booking)},
    )
