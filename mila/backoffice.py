"""The admin index's "Needs attention" panel: each queue staff must look at today, counted
with the same conditions as the filtered list it links to. Three queries, whatever the size."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.admin import attention_conditions, needs_helper_conditions
from bookings.models import Booking
from helpers.models import HelperProfile
from reviews.models import Review


@dataclass(frozen=True)
class Attention:
    label: str
    count: int
    url: str
    oldest: datetime | None = None  # the longest-waiting entry, when the queue has an order


def needs_attention(user: Any, *, now: datetime | None = None) -> list[Attention]:
    """What this staff member may see and act on, queue by queue."""
    now = now or timezone.now()
    found: list[Attention] = []
    if user.has_perm("helpers.view_helperprofile"):
        found.append(_helper_applications())
    found += _flagged_reviews(user)
    if user.has_perm("bookings.view_booking"):
        found += _bookings(now)
    return found


def _helper_applications() -> Attention:
    waiting = HelperProfile.objects.filter(status=HelperProfile.Status.APPLIED).aggregate(
        count=Count("pk"), oldest=Min("created_at")
    )
    url = (
        reverse("admin:helpers_helperprofile_changelist") + "?status__exact=applied"
    )  # oldest first
    return Attention(_("Helper applications waiting"), waiting["count"], url, waiting["oldest"])


def _bookings(now: datetime) -> list[Attention]:
    helper = needs_helper_conditions(now)
    other = attention_conditions(now)
    counts = Booking.objects.aggregate(
        unfulfilled=Count("pk", filter=helper["unfulfilled"]),
        soon=Count("pk", filter=helper["soon"]),
        overrun=Count("pk", filter=other["overrun"]),
        late_withdrawal=Count("pk", filter=other["late_withdrawal"]),
    )
    changelist = reverse("admin:bookings_booking_changelist")
    return [
        Attention(_("No helper found"), counts["unfulfilled"],
                  f"{changelist}?needs_helper=unfulfilled"),
        Attention(_("Starting within 2 h without a helper"), counts["soon"],
                  f"{changelist}?needs_helper=soon"),
        Attention(_("Visits in progress for more than twice their length"), counts["overrun"],
                  f"{changelist}?attention=overrun"),
        Attention(_("Jobs given back late by a helper (last 30 days)"),
                  counts["late_withdrawal"], f"{changelist}?attention=late_withdrawal"),
    ]  # fmt: skip


def _flagged_reviews(user: Any) -> list[Attention]:
    """Reported reviews waiting for a decision (for staff who may see reviews)."""
    if not user.has_perm("reviews.view_review"):
        return []
    flagged = Review.Status.FLAGGED
    count = Review.objects.filter(status=flagged).count()
    url = reverse("admin:reviews_review_changelist")
    return [Attention(_("Reported reviews"), count, f"{url}?status__exact={flagged}")]
