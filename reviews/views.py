"""The customer rates a visit (from the booking page); the helper replies or reports (from
the job page). Views call the services; an error shows its message and saves nothing."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reviews.forms import ReplyForm, ReportForm, ReviewForm
from reviews.models import Review
from reviews.selectors import booking_for_review, review_for_customer, review_for_helper
from reviews.services import (
    ReviewError,
    review_create,
    review_edit,
    review_edit_refusal,
    review_refusal,
    review_reply,
    review_report,
)


def _to_booking(reference: str) -> HttpResponse:
    return redirect(reverse("bookings:detail", args=[reference]) + "#review")


def _to_job(reference: str) -> HttpResponse:
    return redirect(reverse("bookings:helper_job", args=[reference]) + "#review")


@login_required
def review_page(request: HttpRequest, reference: str) -> HttpResponse:
    """Rate the visit (or change the rating while it may be changed)."""
    booking = booking_for_review(request.user, reference)
    if booking is None:
        raise Http404
    review = review_for_customer(request.user, reference)
    now = timezone.now()
    refusal = (
        review_edit_refusal(review, request.user, now)
        if review
        else review_refusal(booking, request.user, now)
    )
    if refusal:
        messages.error(request, refusal)
        return _to_booking(reference)
    initial = {"stars": review.stars, "comment": review.comment} if review else None
    form = ReviewForm(request.POST or None, initial=initial)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            if review is None:
                review_create(booking=booking, user=request.user, now=now, **form.cleaned_data)
                messages.success(request, _("Thank you for your rating!"))
            else:
                review_edit(review=review, user=request.user, now=now, **form.cleaned_data)
                messages.success(request, _("Your review has been changed."))
            return _to_booking(reference)
        except ReviewError as failure:
            error = failure.message
    elif request.method == "POST":
        error = _("Please check the highlighted fields.")
    status = 400 if request.method == "POST" else 200
    context = {"booking": booking, "review": review, "form": form, "error": error}
    return render(request, "reviews/review_form.html", context, status=status)


def _helper_answers(
    request: HttpRequest,
    reference: str,
    form_class: type[ReplyForm] | type[ReportForm],
    act: Callable[[Review, str], Any],
    done: str,
) -> HttpResponse:
    """The helper's reply to, or report of, the review of their job: the form's one text
    field goes to the service ``act``; back to the job page with what happened."""
    review = review_for_helper(request.user, reference)
    if review is None:
        raise Http404
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return _to_job(reference)
    [text] = form.cleaned_data.values()
    try:
        act(review, text)
    except ReviewError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return _to_job(reference)


@login_required
@require_POST
def reply(request: HttpRequest, reference: str) -> HttpResponse:
    return _helper_answers(
        request, reference, ReplyForm,
        lambda review, text: review_reply(review=review, user=request.user, text=text),
        _("Your reply is published."),
    )  # fmt: skip


@login_required
@require_POST
def report(request: HttpRequest, reference: str) -> HttpResponse:
    return _helper_answers(
        request, reference, ReportForm,
        lambda review, text: review_report(review=review, user=request.user, reason=text),
        _("Thank you. Our team will look at this review."),
    )  # fmt: skip
