"""The helper's job page (/helper/jobs/<reference>/): everything needed on the way and at the
door, and the actions of the job's status — on my way, start, complete with a report, customer
not there, give back. Each action is a plain form post (htmx sends it inline and swaps the
job in place); a repeated post is a no-op with a message, never a second change."""

import hashlib
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from bookings.forms import CompleteForm, EnRouteForm, NoShowForm, StartForm, WithdrawForm
from bookings.models import Booking
from bookings.selectors import job_for_helper, job_given_back
from bookings.services import BookingError
from bookings.services.visit import (
    VisitReportInput,
    completion_quote,
    duration_choices,
    en_route_from,
    no_show_possible_from,
    visit_complete,
    visit_no_show,
    visit_on_my_way,
    visit_start,
    visit_withdraw,
)

Status = Booking.Status
JOB_PARTIAL = "bookings/job.html#job"
# Refusals that are news (it happened already, or meanwhile), not mistakes.
INFO_CODES = frozenset({"already", "concurrent"})
POLLED = frozenset({Status.CONFIRMED, Status.EN_ROUTE})


def _job_or_404(request: HttpRequest, reference: str) -> Booking:
    booking = job_for_helper(request.user, reference)
    if booking is None:
        raise Http404
    return booking


def _prices(booking: Booking) -> list[tuple[int, int, int]]:
    quotes = [
        (minutes, completion_quote(booking, minutes)) for minutes in duration_choices(booking)
    ]
    return [(minutes, quote.extra_time, quote.total) for minutes, quote in quotes]


def _version(booking: Booking) -> str:
    seen = (booking.status, booking.helper_id, booking.starts_at.isoformat(), str(booking.eta_at))
    return hashlib.blake2s(repr(seen).encode(), digest_size=8).hexdigest()


def _context(booking: Booking, now: datetime, **forms: Form) -> dict[str, Any]:
    """The job and the forms of its status (the ones given keep what was typed, and errors)."""
    context: dict[str, Any] = {
        "job": booking,
        "now": now,
        "version": _version(booking),
        "polled": booking.status in POLLED,
        "en_route_form": forms.get("en_route_form") or EnRouteForm(),
        "start_form": forms.get("start_form") or StartForm(),
        "no_show_form": forms.get("no_show_form") or NoShowForm(),
        "withdraw_form": forms.get("withdraw_form") or WithdrawForm(),
        "show_code": booking.status == Status.EN_ROUTE,
    }
    if booking.status == Status.CONFIRMED:
        context["en_route_from"] = en_route_from(booking)
    if booking.status == Status.EN_ROUTE:
        context["no_show_from"] = no_show_possible_from(booking)
    if booking.status == Status.IN_PROGRESS:
        initial = {"worked_minutes": _rounded_up(booking, now)}
        context["complete_form"] = forms.get("complete_form") or CompleteForm(
            initial=initial, prices=_prices(booking)
        )
    return context


def _rounded_up(booking: Booking, now: datetime) -> int:
    """The time since the start, as the first duration it fits in: the likely answer."""
    choices = duration_choices(booking)
    started = booking.started_at or now
    spent = (now - started).total_seconds() / 60
    return next((minutes for minutes in choices if minutes >= spent), choices[-1])


@login_required
def job(request: HttpRequest, reference: str) -> HttpResponse:
    booking = job_for_helper(request.user, reference)
    if booking is None:
        given_back = job_given_back(request.user, reference)
        if given_back is None:
            raise Http404
        return render(request, "bookings/job_given_back.html", {"booking": given_back})
    return render(request, "bookings/job.html", _context(booking, timezone.now()))


@login_required
@require_GET
def job_live(request: HttpRequest, reference: str) -> HttpResponse:
    """The job part of the page, for its polling: 204 while nothing changed since ``v``."""
    booking = _job_or_404(request, reference)
    if request.GET.get("v") == _version(booking):
        return HttpResponse(status=204)
    return render(request, JOB_PARTIAL, _context(booking, timezone.now()))


def _after(
    request: HttpRequest, reference: str, error: BookingError | None = None, **forms: Form
) -> HttpResponse:
    """The job again (inline for htmx, or by redirect), with what happened."""
    if error is not None:
        level = messages.INFO if error.code in INFO_CODES else messages.ERROR
        messages.add_message(request, level, error.message)
    booking = job_for_helper(request.user, reference)
    if booking is None or booking.status == Status.SEARCHING:  # given back: no longer theirs
        if request.htmx:  # type: ignore[attr-defined]
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse("bookings:helper_dashboard")
            return response
        return redirect("bookings:helper_dashboard")
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, JOB_PARTIAL, _context(booking, timezone.now(), **forms))
    if forms:  # a form with errors: show it again, with what was typed
        return render(request, "bookings/job.html", _context(booking, timezone.now(), **forms))
    return redirect("bookings:helper_job", reference=reference)


def _own_post(request: HttpRequest, reference: str) -> Booking:
    """The job an action is posted for: the helper's own, or one they gave back (then the
    service says it happened already); anything else is a 404."""
    booking = job_for_helper(request.user, reference) or job_given_back(request.user, reference)
    if booking is None:
        raise Http404
    return booking


@login_required
@require_POST
def on_my_way(request: HttpRequest, reference: str) -> HttpResponse:
    booking = _own_post(request, reference)
    form = EnRouteForm(request.POST)
    if booking.status == Status.CONFIRMED and not form.is_valid():
        return _after(request, reference, en_route_form=form)
    try:
        eta = form.cleaned_data["eta_minutes"] if form.is_valid() else 0
        visit_on_my_way(booking=booking, user=request.user, eta_minutes=eta)
    except BookingError as error:
        return _after(request, reference, error)
    messages.success(request, _("The customer knows you are on your way. Safe travels!"))
    return _after(request, reference)


@login_required
@require_POST
def start(request: HttpRequest, reference: str) -> HttpResponse:
    booking = _own_post(request, reference)
    form = StartForm(request.POST)
    if booking.status == Status.EN_ROUTE and not form.is_valid():
        return _after(request, reference, start_form=form)
    try:
        visit_start(booking=booking, user=request.user)
    except BookingError as error:
        return _after(request, reference, error)
    messages.success(request, _("The visit has started. Good luck!"))
    return _after(request, reference)


@login_required
@require_POST
def complete(request: HttpRequest, reference: str) -> HttpResponse:
    booking = _own_post(request, reference)
    form = CompleteForm(request.POST, prices=_prices(booking))
    if booking.status == Status.IN_PROGRESS and not form.is_valid():
        return _after(request, reference, complete_form=form)
    data = form.cleaned_data if form.is_valid() else {}
    try:
        visit_complete(
            booking=booking, user=request.user, worked_minutes=data.get("worked_minutes", 0),
            report=VisitReportInput(data.get("work_done", ""), data.get("devices", []),
                                    data.get("recommendations", "")),
        )  # fmt: skip
    except BookingError as error:
        return _after(request, reference, error)
    messages.success(
        request, _("Thank you! The visit is completed and the customer has your report.")
    )
    return _after(request, reference)


@login_required
@require_POST
def no_show(request: HttpRequest, reference: str) -> HttpResponse:
    booking = _own_post(request, reference)
    form = NoShowForm(request.POST)
    if booking.status == Status.EN_ROUTE and not form.is_valid():
        return _after(request, reference, no_show_form=form)
    try:
        visit_no_show(booking=booking, user=request.user)
    except BookingError as error:
        return _after(request, reference, error)
    messages.success(request, _("Thank you. The visit is closed and our team has been told."))
    return _after(request, reference)


@login_required
@require_POST
def withdraw(request: HttpRequest, reference: str) -> HttpResponse:
    booking = _own_post(request, reference)
    form = WithdrawForm(request.POST)
    if booking.status in POLLED and not form.is_valid():
        return _after(request, reference, withdraw_form=form)
    data = form.cleaned_data if form.is_valid() else {}
    try:
        visit_withdraw(booking=booking, user=request.user, reason=data.get("reason", ""),
                       note=data.get("note", ""))  # fmt: skip
    except BookingError as error:
        return _after(request, reference, error)
    messages.success(request, _("The job is given back. We are looking for another helper."))
    return _after(request, reference)
