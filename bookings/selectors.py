"""Reads on bookings, already filtered to what the caller may see."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from bookings.models import Booking, BookingEvent, Offer
from helpers.availability import BUSY_STATUSES
from helpers.models import HelperProfile
from payments.earnings import helper_earnings_by_month


def bookings_for_customer(user: Any) -> QuerySet[Booking]:
    return Booking.objects.for_customer(user).select_related(
        "service", "service__category", "helper__user"
    )


def booking_upcoming_and_past(user: Any) -> tuple[list[Booking], list[Booking]]:
    """Open bookings soonest first; finished ones (completed, cancelled, unfulfilled) newest
    first. One query, whatever the number of bookings."""
    upcoming: list[Booking] = []
    past: list[Booking] = []
    for booking in bookings_for_customer(user).order_by("starts_at", "pk"):
        (past if booking.is_final else upcoming).append(booking)
    past.reverse()
    return upcoming, past


def customer_events() -> QuerySet[BookingEvent]:
    """A booking's steps as its customer may see them: staff's internal notes left out."""
    # Both conditions: a plain ``exclude(data__kind=…)`` also drops the rows without a kind.
    note = Q(data__has_key="kind") & Q(data__kind=BookingEvent.NOTE)
    return BookingEvent.objects.exclude(note).order_by("at", "pk")


def booking_detail_for_customer(user: Any) -> QuerySet[Booking]:
    return (
        bookings_for_customer(user)
        .select_related("report", "follow_up", "follow_up_of")
        .prefetch_related(Prefetch("events", queryset=customer_events()))
    )


def helper_open_offers(helper: HelperProfile, now: datetime) -> QuerySet[Offer]:
    """The helper's offers still waiting for their answer, the one expiring first on top.
    An offer whose time is up is not shown even before the sweep marks it expired, and a
    helper who is not approved (any more) sees none: they could not accept them."""
    if helper.status != HelperProfile.Status.APPROVED:
        return Offer.objects.none()
    return (
        Offer.objects.filter(helper=helper)
        .open(now)
        .select_related("booking__service__category")
        .order_by("expires_at", "pk")
    )


def helper_upcoming_jobs(helper: HelperProfile) -> QuerySet[Booking]:
    """The visits the helper has taken on and not yet finished, soonest first."""
    return (
        Booking.objects.filter(helper=helper, status__in=BUSY_STATUSES)
        .select_related("service", "customer")
        .order_by("starts_at", "pk")
    )


def helper_recent_jobs(helper: HelperProfile) -> QuerySet[Booking]:
    """The helper's finished jobs (completed, cancelled), newest first."""
    return (
        Booking.objects.filter(helper=helper, status__in=Booking.FINAL_STATUSES)
        .select_related("service", "customer")
        .order_by("-starts_at", "-pk")
    )


def offer_for_helper(user: Any, reference: str) -> Offer | None:
    """The logged-in helper's offer for the booking with this reference, or None (someone
    else's offer, or none at all, is a 404 for them)."""
    return (
        Offer.objects.for_helper_user(user)
        .select_related("booking")
        .filter(booking__reference=reference)
        .first()
    )


def job_for_helper(user: Any, reference: str) -> Booking | None:
    """The logged-in helper's job with this reference — one they were given, in any status —
    or None: another helper's job, or an offer not accepted, is a 404 for them."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Booking.objects.filter(helper__user=user, reference=reference)
        .select_related("service", "customer", "helper__user", "report")
        .first()
    )


def job_given_back(user: Any, reference: str) -> Booking | None:
    """A job this helper gave back (they may still open its page: it says so, nothing more)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Booking.objects.filter(
        reference=reference,
        offers__helper__user=user,
        offers__withdrawn_reason=Offer.Withdrawn.GAVE_BACK,
    ).first()


@dataclass(frozen=True)
class Earnings:
    """What a helper earned (Rappen), in all and this month, and for how many visits."""

    total: int
    visits: int
    month_total: int
    month_visits: int


def helper_earnings(helper: HelperProfile, now: datetime) -> Earnings:
    """This month's and all earnings, from the ledger (payments.ledger): visits, follow-ups
    Mila pays for, fees for late cancellations and missed visits, less refunds. One query."""
    summary = helper_earnings_by_month(helper)
    this_month = summary.month(timezone.localdate(now))
    return Earnings(
        total=summary.total,
        visits=summary.visits,
        month_total=this_month.total,
        month_visits=this_month.visits,
    )
