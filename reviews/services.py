"""Writing, changing, answering, reporting and moderating reviews (DESIGN §4 Review).

Every service locks the helper's row, then the booking's, then the review's (the lock order
of ``bookings.services.visit``), changes the helper's rating aggregates in the same
transaction when what counts changes, and writes a ``ReviewEvent``.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings.models import Booking
from bookings.notices import notify_booking, notify_staff
from helpers.models import HelperProfile
from notifications.models import Notification
from reviews.models import STARS, Review, ReviewEvent
from reviews.ratings import ratings_apply

Kind = ReviewEvent.Kind
Status = Review.Status


class ReviewError(Exception):
    """A review change that is not allowed; ``message`` is shown to the person who tried."""

    def __init__(self, message: Any, code: str = "invalid") -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code


FORBIDDEN = _("You may not do this with this review.")


@dataclass(frozen=True)
class Locked:
    helper: HelperProfile
    booking: Booking
    review: Review | None


def _lock(booking_id: int) -> Locked:
    """The booking's helper, the booking and its review, locked in that order."""
    helper_id = Booking.objects.filter(pk=booking_id).values_list("helper_id", flat=True).first()
    if helper_id is None:  # nobody did the visit: nothing to review
        raise ReviewError(FORBIDDEN, code="forbidden")
    helper = HelperProfile.objects.locked().select_related("user").filter(pk=helper_id).first()
    booking = (
        Booking.objects.locked().select_related("service", "customer").filter(pk=booking_id).first()
    )
    if helper is None or booking is None or booking.helper_id != helper.pk:
        raise ReviewError(FORBIDDEN, code="forbidden")
    booking.helper = helper
    review = Review.objects.locked().filter(booking=booking).first()
    if review is not None:
        review.booking, review.helper = booking, helper
    return Locked(helper, booking, review)


def _stars(stars: Any) -> int:
    """1 to 5, whatever was posted."""
    try:
        value = int(stars)
    except (TypeError, ValueError):
        value = 0
    if value not in STARS or str(stars).strip() != str(value):
        raise ReviewError(_("Please choose 1 to 5 stars."), code="stars")
    return value


def _text(text: str, *, limit: int, required: bool, message: Any) -> str:
    text = (text or "").strip()
    if required and not text:
        raise ReviewError(message, code="required")
    if len(text) > limit:
        raise ReviewError(
            _("Please keep it to %(limit)s characters (you wrote %(count)s).")
            % {"limit": limit, "count": len(text)},
            code="too_long",
        )
    return text


def _comment(comment: str) -> str:
    return _text(comment, limit=settings.REVIEW_COMMENT_MAX_CHARS, required=False, message="")


def review_deadline(booking: Booking) -> datetime | None:
    """Until when the visit can be rated (None: it was not completed)."""
    if booking.completed_at is None:
        return None
    return booking.completed_at + timedelta(days=settings.REVIEW_WINDOW_DAYS)


def review_refusal(booking: Booking, user: Any, now: datetime) -> Any:
    """Why ``user`` cannot rate the visit now, or None. Only the booking's customer, who is
    not the helper who did it, rates a completed visit, once, within the review window."""
    if booking.customer_id != getattr(user, "pk", None) or booking.helper is None:
        return FORBIDDEN
    if booking.helper.user_id == user.pk:
        return _("You cannot rate a visit you did yourself.")
    if booking.status != Booking.Status.COMPLETED:
        return _("You can rate a visit once it is completed.")
    if Review.objects.filter(booking=booking).exists():
        return _("You have already rated this visit.")
    deadline = review_deadline(booking)
    if deadline is None or now > deadline:
        return _("This visit can no longer be rated: reviews are possible for %(days)s days.") % {
            "days": settings.REVIEW_WINDOW_DAYS
        }
    return None


def _event(
    review: Review, kind: str, actor: Any, now: datetime, reason: str = "", **data: Any
) -> None:
    ReviewEvent.objects.create(
        review=review, kind=kind, actor=actor, at=now, reason=reason, data=data
    )


@transaction.atomic
def review_create(
    *, booking: Booking, user: Any, stars: Any, comment: str = "", now: datetime | None = None
) -> Review:
    """The customer rates their completed visit 1–5 stars, with an optional comment: once,
    within REVIEW_WINDOW_DAYS of its completion; it counts in the helper's rating at once."""
    now = now or timezone.now()
    value, comment = _stars(stars), _comment(comment)
    locked = _lock(booking.pk)
    if refusal := review_refusal(locked.booking, user, now):
        code = "already" if locked.review is not None else "refused"
        raise ReviewError(refusal, code=code)
    try:
        with transaction.atomic():
            review = Review.objects.create(
                booking=locked.booking, author=user, helper=locked.helper, stars=value,
                comment=comment, created_at=now,
            )  # fmt: skip
    except IntegrityError as error:  # written by a parallel request after all
        raise ReviewError(_("You have already rated this visit."), code="already") from error
    _event(review, Kind.CREATED, user, now, stars=value)
    ratings_apply(locked.helper, add=review)
    return review


def review_edit_refusal(review: Review, user: Any, now: datetime) -> Any:
    if review.author_id != getattr(user, "pk", None):
        return FORBIDDEN
    if review.status == Status.HIDDEN:
        return _("This review has been hidden by our team and can no longer be changed.")
    if now > review.editable_until():
        return _("A review can be changed for %(hours)s hours after it was written.") % {
            "hours": settings.REVIEW_EDIT_HOURS
        }
    return None


@transaction.atomic
def review_edit(
    *, review: Review, user: Any, stars: Any, comment: str = "", now: datetime | None = None
) -> Review:
    """The author changes their stars or comment, within REVIEW_EDIT_HOURS of writing it."""
    now = now or timezone.now()
    value, comment = _stars(stars), _comment(comment)
    locked = _lock(review.booking_id)
    review = locked.review or review
    if refusal := review_edit_refusal(review, user, now):
        raise ReviewError(refusal, code="refused")
    before = Review(stars=review.stars, booking=review.booking)
    review.stars, review.comment, review.edited_at = value, comment, now
    review.save(update_fields=["stars", "comment", "edited_at"])
    _event(review, Kind.EDITED, user, now, stars_before=before.stars, stars=value)
    if review.counts:
        ratings_apply(locked.helper, add=review, remove=before)
    return review


@transaction.atomic
def review_reply(*, review: Review, user: Any, text: str, now: datetime | None = None) -> Review:
    """The helper answers a review of their visit publicly, once."""
    now = now or timezone.now()
    locked = _lock(review.booking_id)
    review = locked.review or review
    if locked.helper.user_id != getattr(user, "pk", None):
        raise ReviewError(FORBIDDEN, code="forbidden")
    if review.replied_at is not None:
        raise ReviewError(_("You have already replied to this review."), code="already")
    text = _text(text, limit=settings.REVIEW_REPLY_MAX_CHARS, required=True,
                 message=_("Please write your reply."))  # fmt: skip
    review.reply, review.replied_at = text, now
    review.save(update_fields=["reply", "replied_at"])
    _event(review, Kind.REPLIED, user, now)
    return review


@transaction.atomic
def review_report(*, review: Review, user: Any, reason: str, now: datetime | None = None) -> Review:
    """The helper or the customer of the visit reports a review to staff: it is FLAGGED and
    stays visible (and counted) until staff decide. Nobody reports their own review."""
    now = now or timezone.now()
    locked = _lock(review.booking_id)
    review = locked.review or review
    pk = getattr(user, "pk", None)
    if pk not in (locked.helper.user_id, locked.booking.customer_id):
        raise ReviewError(FORBIDDEN, code="forbidden")
    if review.author_id == pk:
        raise ReviewError(_("You cannot report your own review."), code="own")
    if review.status != Status.PUBLISHED:
        raise ReviewError(_("Our team is already looking at this review."), code="already")
    reason = _text(reason, limit=settings.REVIEW_REPLY_MAX_CHARS, required=True,
                   message=_("Please say what is wrong with this review."))  # fmt: skip
    review.status = Status.FLAGGED
    review.save(update_fields=["status"])
    _event(review, Kind.REPORTED, user, now, reason)
    notify_staff(
        locked.booking, Notification.Kind.STAFF_REVIEW_FLAGGED, reason=reason,
        helper_name=locked.helper.public_name, stars=review.stars,
        url=reverse("admin:reviews_review_change", args=[review.pk]),
    )  # fmt: skip
    return review


def _moderator(user: Any) -> None:
    if not (getattr(user, "is_staff", False) and user.has_perm("reviews.change_review")):
        raise ReviewError(_("Only the Mila team can do this."), code="forbidden")


def _tell(locked: Locked, review: Review, kind: str, reason: str) -> None:
    recipients = [review.author, locked.helper.user]
    notify_booking(
        locked.booking, kind, recipients=recipients, reason=reason,
        helper_name=locked.helper.user.first_name, stars=review.stars,
    )  # fmt: skip


@transaction.atomic
def review_hide(*, review: Review, user: Any, reason: str, now: datetime | None = None) -> Review:
    """Staff hide a review (the reason is required and told to the author and the helper):
    it leaves the public pages and the helper's rating."""
    now = now or timezone.now()
    _moderator(user)
    reason = _text(reason, limit=settings.REVIEW_REPLY_MAX_CHARS, required=True,
                   message=_("Please give the reason for hiding this review."))  # fmt: skip
    locked = _lock(review.booking_id)
    review = locked.review or review
    if review.status == Status.HIDDEN:
        raise ReviewError(_("This review is already hidden."), code="already")
    review.status = Status.HIDDEN
    review.save(update_fields=["status"])
    _event(review, Kind.HIDDEN, user, now, reason)
    ratings_apply(locked.helper, remove=review)
    _tell(locked, review, Notification.Kind.REVIEW_HIDDEN, reason)
    return review


@transaction.atomic
def review_restore(
    *, review: Review, user: Any, reason: str = "", now: datetime | None = None
) -> Review:
    """Staff decide a reported or hidden review stays: it is published (and counted) again;
    the author and the helper are told when it had been hidden."""
    now = now or timezone.now()
    _moderator(user)
    locked = _lock(review.booking_id)
    review = locked.review or review
    if review.status == Status.PUBLISHED:
        raise ReviewError(_("This review is already published."), code="already")
    was_hidden = review.status == Status.HIDDEN
    review.status = Status.PUBLISHED
    review.save(update_fields=["status"])
    _event(review, Kind.RESTORED, user, now, reason.strip())
    if was_hidden:
        ratings_apply(locked.helper, add=review)
    _tell(locked, review, Notification.Kind.REVIEW_RESTORED, reason.strip())
    return review
