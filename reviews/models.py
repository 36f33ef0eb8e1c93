"""A customer's rating of a completed visit (DESIGN §4 Review) and its moderation log."""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mila.models import StatusChange

STARS = range(1, 6)


class ReviewQuerySet(models.QuerySet["Review"]):
    def visible(self) -> "ReviewQuerySet":
        """What the public sees: published reviews, and reported ones until staff decide."""
        return self.exclude(status=Review.Status.HIDDEN)

    def counted(self) -> "ReviewQuerySet":
        """The reviews a helper's rating is made of (hidden ones leave it)."""
        return self.visible()

    def for_helper_user(self, user: Any) -> "ReviewQuerySet":
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(helper__user=user)

    def locked(self) -> "ReviewQuerySet":
        return self.select_for_update(of=("self",), no_key=True)


class Review(models.Model):
    class Status(models.TextChoices):
        PUBLISHED = "published", _("Published")
        FLAGGED = "flagged", _("Reported")
        HIDDEN = "hidden", _("Hidden")

    booking = models.OneToOneField(
        "bookings.Booking", verbose_name=_("booking"), on_delete=models.CASCADE,
        related_name="review",
    )  # fmt: skip
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.CASCADE,
        related_name="reviews_written",
    )  # fmt: skip
    helper = models.ForeignKey(
        "helpers.HelperProfile", verbose_name=_("helper"), on_delete=models.CASCADE,
        related_name="reviews",
    )  # fmt: skip
    stars = models.PositiveSmallIntegerField(
        _("stars"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(
        _("comment"), blank=True,
        validators=[MaxLengthValidator(settings.REVIEW_COMMENT_MAX_CHARS)],
    )  # fmt: skip
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PUBLISHED
    )
    reply = models.TextField(
        _("helper's reply"), blank=True,
        validators=[MaxLengthValidator(settings.REVIEW_REPLY_MAX_CHARS)],
    )  # fmt: skip
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    edited_at = models.DateTimeField(_("changed"), null=True, blank=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stars__gte=1, stars__lte=5), name="review_stars_1_to_5"
            ),
        ]
        indexes = [
            models.Index(fields=["helper", "status", "-created_at"], name="review_helper_list"),
            models.Index(fields=["status", "created_at"], name="review_status"),
        ]

    def __str__(self) -> str:
        return f"{self.booking_id}: {self.stars}★"

    @property
    def counts(self) -> bool:
        return self.status != self.Status.HIDDEN

    @property
    def author_name(self) -> str:
        """First name and initial of the last name, as on helpers' public profiles."""
        first = (self.author.first_name or "").strip()
        initial = (self.author.last_name or "").strip()[:1]
        if not first:
            return str(_("A customer"))
        return f"{first} {initial}." if initial else first

    def editable_until(self) -> datetime:
        return self.created_at + timedelta(hours=settings.REVIEW_EDIT_HOURS)


class ReviewEvent(StatusChange):
    """One step of a review's life: who did what, when and why (the moderation log)."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Written")
        EDITED = "edited", _("Changed")
        REPLIED = "replied", _("Replied")
        REPORTED = "reported", _("Reported")
        HIDDEN = "hidden", _("Hidden")
        RESTORED = "restored", _("Restored")

    review = models.ForeignKey(
        Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("what"), max_length=12, choices=Kind.choices)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("review event")
        verbose_name_plural = _("review events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.review_id} {self.kind}"
