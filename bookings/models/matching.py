"""Matching's rows (DESIGN §6): the offers sent to helpers, and the read model of helpers
that the candidate query searches."""

from datetime import datetime
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bookings.models.booking import Booking


class OfferQuerySet(models.QuerySet["Offer"]):
    def for_helper_user(self, user: Any) -> "OfferQuerySet":
        """The offers a helper may see: their own, and nobody else's."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(helper__user=user)

    def locked(self) -> "OfferQuerySet":
        """Lock the rows for a change (see BookingQuerySet.locked)."""
        return self.select_for_update(of=("self",), no_key=True)

    def open(self, now: datetime) -> "OfferQuerySet":
        """Pending and not yet expired (the sweep marks expired ones a little later)."""
        return self.filter(status=Offer.Status.PENDING, expires_at__gt=now)


class Offer(models.Model):
    """A booking offered to one helper (DESIGN §6). The first helper to accept gets the job;
    the other offers are then withdrawn. One row per booking and helper: a new search (the
    visit was moved, staff search again) reuses it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class DeclineReason(models.TextChoices):
        BUSY = "busy", _("I can't at that time")
        TOO_FAR = "too_far", _("It's too far for me")
        SKILL = "skill", _("This is not something I can do")
        OTHER = "other", _("Another reason")

    class Withdrawn(models.TextChoices):
        TAKEN = "taken", _("Another helper took the job")
        CANCELLED = "cancelled", _("The customer cancelled the booking")
        MOVED = "moved", _("The visit was moved to another time")
        OVERLAP = "overlap", _("The helper took another job at that time")
        STAFF = "staff", _("Our team arranged the visit")
        PAUSED = "paused", _("The helper's account was paused")
        CLOSED = "closed", _("The search has ended")
        GAVE_BACK = "gave_back", _("The helper gave the job back")

    booking = models.ForeignKey(
        Booking, verbose_name=_("booking"), on_delete=models.CASCADE, related_name="offers"
    )
    helper = models.ForeignKey(
        "helpers.HelperProfile",
        verbose_name=_("helper"),
        on_delete=models.CASCADE,
        related_name="offers",
    )
    wave = models.PositiveSmallIntegerField(_("wave"))
    score = models.FloatField(_("score"))
    # Why this helper: the facts and each part of the score (bookings.matching.scoring).
    breakdown = models.JSONField(_("score breakdown"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    decline_reason = models.CharField(
        _("reason for declining"), max_length=10, choices=DeclineReason.choices, blank=True
    )
    withdrawn_reason = models.CharField(
        _("why withdrawn"), max_length=10, choices=Withdrawn.choices, blank=True
    )

    objects = OfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["booking", "wave", "-score", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["booking", "helper"], name="offer_once_per_helper"),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("sent_at")), name="offer_expires_after_sent"
            ),
        ]
        indexes = [
            models.Index(fields=["helper", "status", "expires_at"], name="offer_helper_open"),
            models.Index(fields=["booking", "status"], name="offer_booking_status"),
        ]

    def __str__(self) -> str:
        return f"{self.booking_id} → {self.helper_id} ({self.status})"

    @property
    def outside_area(self) -> bool:
        """Offered in a wider wave although the visit is beyond the helper's own radius."""
        return bool(self.breakdown.get("outside_area"))

    @property
    def payout(self) -> int:
        """What this helper earns if they take the job."""
        return self.booking.payout_for(self.helper_id)


class HelperSlot(models.Model):
    """Matching's read model of helpers: where and when an approved helper can be offered jobs
    of one category — one row per skill and weekly window, with what the score needs. The
    candidate query (bookings.matching.candidates) searches it by category, weekday and a box
    per radius class. Rebuilt from the helper (bookings.matching.slots) whenever their profile,
    skills, times or status change; never edited by hand."""

    helper = models.ForeignKey(
        "helpers.HelperProfile", verbose_name=_("helper"), on_delete=models.CASCADE,
        related_name="+",
    )  # fmt: skip
    category = models.ForeignKey(
        "bookings.ServiceCategory", verbose_name=_("category"), on_delete=models.CASCADE,
        related_name="+",
    )  # fmt: skip
    weekday = models.PositiveSmallIntegerField(_("weekday"))
    starts = models.TimeField(pgettext_lazy("weekly time", "from"))
    ends = models.TimeField(pgettext_lazy("weekly time", "until"))
    lat = models.FloatField(_("latitude"))
    lng = models.FloatField(_("longitude"))
    radius_km = models.PositiveSmallIntegerField(_("service radius (km)"))
    # The radius class: the smallest of slots.REACH_CLASSES_KM at least radius_km.
    reach_km = models.PositiveSmallIntegerField(_("radius class (km)"))
    tier = models.CharField(_("tier"), max_length=10)
    languages = models.CharField(_("languages"), max_length=60)  # as JSON: '["de", "en"]'
    category_jobs = models.PositiveIntegerField(_("visits done in the category"))
    rating_average = models.DecimalField(_("average rating"), max_digits=3, decimal_places=2)
    rating_count = models.PositiveIntegerField(_("number of ratings"))
    acceptance_rate = models.FloatField(_("acceptance rate"), null=True)

    class Meta:
        verbose_name = _("matching slot")
        verbose_name_plural = _("matching slots")
        indexes = [
            # Everything the search reads is in the index (PostgreSQL): an index-only scan.
            models.Index(
                fields=["category", "weekday", "reach_km", "lat"],
                include=[
                    "lng",
                    "starts",
                    "ends",
                    "radius_km",
                    "tier",
                    "helper",
                    "languages",
                    "category_jobs",
                    "rating_average",
                    "rating_count",
                    "acceptance_rate",
                ],
                name="slot_search",
            ),
        ]
        constraints = [
            # One slot per skill and start: windows that start together are one slot, as long
            # as the longest (bookings.matching.slots).
            models.UniqueConstraint(
                fields=["helper", "category", "weekday", "starts"], name="slot_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.helper_id}: {self.category_id} on {self.weekday}"
