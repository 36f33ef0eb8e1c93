"""The review parts of the booking and job pages, and stars for any page."""

from typing import Any

from django import template
from django.utils import timezone

from reviews.forms import ReplyForm, ReportForm, ReviewForm
from reviews.models import Review
from reviews.services import review_deadline, review_edit_refusal, review_refusal

register = template.Library()


def _review(booking: Any) -> Review | None:
    try:
        return booking.review
    except Review.DoesNotExist:
        return None


@register.inclusion_tag("reviews/includes/customer_card.html", takes_context=True)
def review_card(context: template.Context, booking: Any) -> dict[str, Any]:
    """On the customer's booking page after the visit: rate it, or the rating given."""
    user, now = context["request"].user, timezone.now()
    review = _review(booking)
    return {
        "booking": booking,
        "review": review,
        "can_rate": review is None and review_refusal(booking, user, now) is None,
        "can_edit": review is not None and review_edit_refusal(review, user, now) is None,
        "rate_until": review_deadline(booking),
        "form": ReviewForm(),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("reviews/includes/job_review.html", takes_context=True)
def job_review(context: template.Context, booking: Any) -> dict[str, Any]:
    """On the helper's job page: the customer's review, with a reply and a report form."""
    review = _review(booking)
    return {
        "booking": booking,
        "review": review if review is not None and review.counts else None,
        "reply_form": ReplyForm(),
        "report_form": ReportForm(),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("reviews/includes/stars.html")
def stars(value: Any) -> dict[str, Any]:
    """★★★★☆ with "4 stars out of 5" for screen readers."""
    count = int(value or 0)
    return {"count": count, "filled": range(count), "empty": range(5 - count)}
