"""The helper's job page (/helper/jobs/<reference>/): everything needed on the way and at the
door, and the actions of the job's status — on my way, start, complete with a report, customer
not there, give back. Each action is a plain form post (htmx sends it inline and swaps the
job in place); a repeated post is a no-op with a message, never a second change."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
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


def _context(
    booking: Booking, now: datetime, forms: dict[str, Form] | None = None
) -> dict[str, Any]:
    """The job and the forms of its status (the ones given keep what was typed, and errors)."""
    forms = forms or {}
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
    request: HttpRequest,
    reference: str,
    error: BookingError | None = None,
    forms: dict[str, Form] | None = None,
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
        return render(request, JOB_PARTIAL, _context(booking, timezone.now(), forms))
    if forms:  # a form with errors: show it again, with what was typed
        return render(request, "bookings/job.html", _context(booking, timezone.now(), forms))
    return redirect("bookings:helper_job", reference=reference)


def _own_post(request: HttpRequest, reference: str) -> Booking:
    """The job an action is posted for: the helper's own, or one they gave back (then the
    service says it happened already); anything else is a 404."""
    booking = job_for_helper(request.user, reference) or job_given_back(request.user, reference)
    if booking is None:
        raise Http404
    return booking


@dataclass(frozen=True)
class Action:
    """One of the job page's actions: its form (under this name in the page's context), the
    statuses it starts from (elsewhere the service refuses it, form or not), the service
    call with the form's values, and what the helper is told when it worked."""

    form_name: str
    form: Callable[[QueryDict, Booking], Form]
    starts_from: tuple[str, ...]
    run: Callable[[Booking, Any, dict[str, Any]], Any]
    done: Any


def _report(data: dict[str, Any]) -> VisitReportInput:
    return VisitReportInput(
        data.get("work_done", ""), data.get("devices", []), data.get("recommendations", "")
    )


ACTIONS = {
    "en_route": Action(
        "en_route_form", lambda data, _: EnRouteForm(data), (Status.CONFIRMED,),
        lambda booking, user, data: visit_on_my_way(
            booking=booking, user=user, eta_minutes=data.get("eta_minutes", 0)),
        gettext_lazy("The customer knows you are on your way. Safe travels!"),
    ),
    "start": Action(
        "start_form", lambda data, _: StartForm(data), (Status.EN_ROUTE,),
        lambda booking, user, data: visit_start(booking=booking, user=user),
        gettext_lazy("The visit has started. Good luck!"),
    ),
    "complete": Action(
        "complete_form", lambda data, booking: CompleteForm(data, prices=_prices(booking)),
        (Status.IN_PROGRESS,),
        lambda booking, user, data: visit_complete(
            booking=booking, user=user, worked_minutes=data.get("worked_minutes", 0),
            report=_report(data)),
        gettext_lazy("Thank you! The visit is completed and the customer has your report."),
    ),
    "no_show": Action(
        "no_show_form", lambda data, _: NoShowForm(data), (Status.EN_ROUTE,),
        lambda booking, user, data: visit_no_show(booking=booking, user=user),
        gettext_lazy("Thank you. The visit is closed and our team has been told."),
    ),
    "withdraw": Action(
        "withdraw_form", lambda data, _: WithdrawForm(data), tuple(POLLED),
        lambda booking, user, data: visit_withdraw(
            booking=booking, user=user, reason=data.get("reason", ""), note=data.get("note", "")),
        gettext_lazy("The job is given back. We are looking for another helper."),
    ),
}  # fmt: skip


def _act(request: HttpRequest, reference: str, name: str) -> HttpResponse:
    """Post an action: a form with mistakes is shown again; otherwise the service decides
    (and refuses with a message in the wrong status, or when it happened already)."""
    action = ACTIONS[name]
    booking = _own_post(request, reference)
    form = action.form(request.POST, booking)
    valid = form.is_valid()
    if booking.status in action.starts_from and not valid:
        return _after(request, reference, forms={action.form_name: form})
    try:
        action.run(booking, request.user, form.cleaned_data if valid else {})
    except BookingError as error:
        return _after(request, reference, error)
    messages.success(request, action.done)
    return _after(request, reference)


def _action_view(name: str) -> Callable[[HttpRequest, str], HttpResponse]:
    @login_required
    @require_POST
    def view(request: HttpRequest, reference: str) -> HttpResponse:
        return _act(request, reference, name)

    view.__name__ = view.__qualname__ = name
    return view


on_my_way = _action_view("en_route")
start = _action_view("start")
complete = _action_view("complete")
no_show = _action_view("no_show")
withdraw = _action_view("withdraw")
