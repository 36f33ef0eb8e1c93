"""A customer's own bookings: list, detail with timeline, cancel, move."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.forms import CancelForm, StartTimeForm
from bookings.models import Booking, BookingEvent
from bookings.policy import BookingPolicy
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


@login_required
def booking_list(request: HttpRequest) -> HttpResponse:
    upcoming, past = booking_upcoming_and_past(request.user)
    return render(request, "bookings/list.html", {"upcoming": upcoming, "past": past})


@login_required
def booking_detail(request: HttpRequest, reference: str) -> HttpResponse:
    booking = get_object_or_404(booking_detail_for_customer(request.user), reference=reference)
    now = timezone.now()
    return render(
        request,
        "bookings/detail.html",
        {
            "booking": booking,
            "events": [e for e in booking.events.all() if e.to_status],
            "can_cancel": booking.status in CUSTOMER_CANCELLABLE,
            "can_move": booking_move_refusal(booking=booking, now=now) is None,
            "cancel_terms": cancellation_preview(booking=booking, now=now),
        },
    )


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
    form = StartTimeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            booking_reschedule(
                booking=booking, actor=request.user, starts_at=form.cleaned_data["starts_at"]
            )
        except BookingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your visit has been moved."))
            return redirect("bookings:detail", reference=booking.reference)
    return render(
        request,
        "bookings/reschedule.html",
        {
            "booking": booking,
            "form": form,
            "moves_left": BookingPolicy.from_settings().max_reschedules - booking.reschedule_count,
        },
    )


def booking_live(request: HttpRequest, reference: str) -> HttpResponse:
    raise Http404


booking_follow_up_view = booking_live
