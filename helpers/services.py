"""Writes on helpers: applying, staff decisions, profile, weekly windows, time off."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings.models import ServiceCategory
from bookings.services import bookings_release_helper
from helpers.availability import Window, merged, windows_problems
from helpers.models import AvailabilityWindow, HelperEvent, HelperProfile, TimeOff
from helpers.signals import helpers_changed
from mila.lib import geo
from notifications.models import Notification
from notifications.services import notify

Status = HelperProfile.Status

# Which status changes staff may make, and the notification each sends.
DECISIONS: dict[tuple[str, str], str] = {
    (Status.APPLIED, Status.APPROVED): Notification.Kind.HELPER_APPROVED,
    (Status.APPLIED, Status.REJECTED): Notification.Kind.HELPER_REJECTED,
    (Status.APPROVED, Status.SUSPENDED): Notification.Kind.HELPER_SUSPENDED,
    (Status.SUSPENDED, Status.APPROVED): Notification.Kind.HELPER_REINSTATED,
}
NEEDS_REASON = frozenset({Status.REJECTED, Status.SUSPENDED})
TIME_OFF_MAX_AHEAD = timedelta(days=365)


class HelperError(Exception):
    def __init__(self, message: Any, code: str = "invalid") -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Application:
    """What someone fills in to become a helper (already validated by the form)."""

    tier: str
    skills: Sequence[ServiceCategory]
    languages: Sequence[str]
    postcode: str
    country: str
    radius_km: int
    bio: str
    phone: str
    max_jobs_per_day: int
    company_name: str = ""
    uid: str = ""


def pro_details_errors(*, tier: str, company_name: str, uid: str) -> dict[str, Any]:
    """A Pro is a registered company: it needs its name and its UID number. Returns the
    message per missing field (empty for a Friend or a complete Pro)."""
    if tier != HelperProfile.Tier.PRO:
        return {}
    errors: dict[str, Any] = {}
    if not company_name.strip():
        errors["company_name"] = _("Pros need to give their company name.")
    if not uid.strip():
        errors["uid"] = _("Pros need to give their UID number.")
    return errors


def _apply_fields(profile: HelperProfile, application: Application) -> None:
    missing = pro_details_errors(
        tier=application.tier, company_name=application.company_name, uid=application.uid
    )
    if missing:
        raise HelperError(next(iter(missing.values())), code="pro_details")
    place = geo.lookup(application.postcode, application.country)
    if place is None:
        raise HelperError(_("We do not know this postcode."), code="postcode")
    profile.tier = application.tier
    profile.company_name = application.company_name if application.tier == "pro" else ""
    profile.uid = application.uid if application.tier == "pro" else ""
    profile.languages = list(application.languages)
    profile.postcode, profile.city, profile.country = place.postcode, place.name, place.country
    profile.lat, profile.lng = place.lat, place.lng
    profile.radius_km = application.radius_km
    profile.bio = application.bio
    profile.max_jobs_per_day = application.max_jobs_per_day


@transaction.atomic
def helper_apply(*, user: Any, application: Application) -> HelperProfile:
    """Someone applies to help. One application per person: applying again returns the
    existing one unchanged. The applicant gets an e-mail; staff find it in the admin queue."""
    existing = HelperProfile.objects.select_for_update().filter(user=user).first()
    if existing is not None:
        return existing
    profile = HelperProfile(user=user, status=Status.APPLIED, conduct_accepted_at=timezone.now())
    _apply_fields(profile, application)
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError:  # the same person applied in another request at the same moment
        return HelperProfile.objects.get(user=user)
    profile.skills.set(application.skills)
    user.phone = application.phone
    user.save(update_fields=["phone"])
    HelperEvent.objects.create(helper=profile, from_status="", to_status=Status.APPLIED, actor=user)
    notify(recipient=user, kind=Notification.Kind.HELPER_APPLIED, context=_context(profile))
    return profile


# What a helper may change about themselves; status and statistics belong to staff and services.
EDITABLE_FIELDS = [
    "tier", "company_name", "uid", "languages", "postcode", "city", "country", "lat", "lng",
    "radius_km", "bio", "max_jobs_per_day",
]  # fmt: skip


@transaction.atomic
def helper_update_profile(*, profile: HelperProfile, application: Application) -> HelperProfile:
    """A helper edits their own details. Once our team has reviewed them, Friend/Pro and the
    company details stay as reviewed (changing them is a new review, done by staff). Only the
    editable fields are written, so a staff decision made meanwhile is never undone."""
    if profile.status != Status.APPLIED:
        application = replace(
            application, tier=profile.tier, company_name=profile.company_name, uid=profile.uid
        )
    _apply_fields(profile, application)
    profile.save(update_fields=EDITABLE_FIELDS)
    profile.skills.set(application.skills)
    profile.user.phone = application.phone
    profile.user.save(update_fields=["phone"])
    return profile


@transaction.atomic
def helper_decide(
    *, profile: HelperProfile, to: str, actor: Any, reason: str = ""
) -> HelperProfile:
    """Staff approve, reject (with a reason), suspend (with a reason) or reinstate a helper.

    A compare-and-set on the old status: two staff clicking at once change it once.
    """
    if actor is None or not actor.is_staff:
        raise HelperError(_("Only staff can decide on helpers."), code="forbidden")
    kind = DECISIONS.get((profile.status, to))
    if kind is None:
        raise HelperError(
            _("A helper cannot go from “%(from)s” to “%(to)s”.")
            % {"from": Status(profile.status).label, "to": Status(to).label},
            code="transition",
        )
    reason = reason.strip()
    if to in NEEDS_REASON and not reason:
        raise HelperError(_("Please give a reason; the helper will read it."), code="reason")
    _change_status(profile=profile, to=to, actor=actor, reason=reason)
    notify(recipient=profile.user, kind=kind, context=_context(profile, reason=reason))
    if to == Status.SUSPENDED:
        # A suspended helper does not go to anyone's home: find their customers someone else.
        bookings_release_helper(helper=profile, actor=actor, reason=reason)
    return profile


def _change_status(*, profile: HelperProfile, to: str, actor: Any, reason: str) -> None:
    """The one place a helper's status is written: a compare-and-set on the old status plus
    the audit row, in the caller's transaction."""
    now = timezone.now()
    changed = HelperProfile.objects.filter(pk=profile.pk, status=profile.status).update(
        status=to, status_reason=reason, reviewed_at=now
    )
    if changed != 1:
        raise HelperError(_("Someone else changed this helper just now."), code="concurrent")
    from_status = profile.status
    profile.status, profile.status_reason, profile.reviewed_at = to, reason, now
    HelperEvent.objects.create(
        helper=profile, from_status=from_status, to_status=to, actor=actor, reason=reason, at=now
    )
    helpers_changed.send(sender=HelperProfile, helper_ids=[profile.pk])


@transaction.atomic
def helper_close(*, profile: HelperProfile, actor: Any) -> None:
    """The helper deleted their account: they stop helping (an application is withdrawn) and
    what identifies them is removed: what they wrote (profile, notes on time off), their town,
    and the calendar feed's key, so an old feed link stops (customers/personal_data.py)."""
    closing: dict[str, str] = {Status.APPLIED: Status.REJECTED, Status.APPROVED: Status.SUSPENDED}
    if profile.status in closing:
        _change_status(profile=profile, to=closing[profile.status], actor=actor,
                       reason="account deleted")  # fmt: skip
    HelperProfile.objects.filter(pk=profile.pk).update(
        bio="", company_name="", uid="", city="", calendar_token=None
    )
    TimeOff.objects.filter(helper=profile).exclude(note="").update(note="")


def _context(profile: HelperProfile, **extra: Any) -> dict[str, Any]:
    return {"helper_id": profile.pk, "tier": profile.tier, **extra}


@transaction.atomic
def availability_set_windows(*, profile: HelperProfile, windows: Iterable[Window]) -> None:
    """Replace a helper's weekly windows (15-minute steps, no overlaps) in one go.

    Back-to-back windows are stored as one (08–12 and 12–16 as 08–16): that is what they mean,
    and it lets the database check "inside one window" for matching."""
    windows = list(windows)
    if windows_problems(windows):
        raise HelperError(_("Please check the times."), code="windows")
    windows = merged(windows)
    # Two saves at once (a double click) must not both keep their rows: one waits.
    HelperProfile.objects.select_for_update(no_key=True).filter(pk=profile.pk).first()
    AvailabilityWindow.objects.filter(helper=profile).delete()
    AvailabilityWindow.objects.bulk_create(
        AvailabilityWindow(helper=profile, weekday=w.weekday, starts=w.starts, ends=w.ends)
        for w in windows
    )
    helpers_changed.send(sender=HelperProfile, helper_ids=[profile.pk])


def time_off_errors(*, first_day: date, last_day: date, today: date) -> dict[str, tuple[str, Any]]:
    """Time off is for the coming year: from today at the earliest, until a year from today at
    the latest, the last day not before the first. Returns (code, message) per field."""
    errors: dict[str, tuple[str, Any]] = {}
    if first_day < today:
        errors["first_day"] = ("past", _("Time off cannot start in the past."))
    if last_day < first_day:
        errors["last_day"] = ("order", _("The last day cannot be before the first day."))
    elif last_day > today + TIME_OFF_MAX_AHEAD:
        errors["last_day"] = ("too_far", _("Time off can be entered at most a year ahead."))
    return errors


def time_off_add(
    *, profile: HelperProfile, first_day: date, last_day: date, note: str = "",
    today: date | None = None,
) -> TimeOff:  # fmt: skip
    """Add days off, within the coming year (see ``time_off_errors``)."""
    today = today or timezone.localdate()
    errors = time_off_errors(first_day=first_day, last_day=last_day, today=today)
    if errors:
        code, message = next(iter(errors.values()))
        raise HelperError(message, code=code)
    return TimeOff.objects.create(helper=profile, first_day=first_day, last_day=last_day, note=note)


def time_off_delete(*, profile: HelperProfile, time_off_id: int) -> bool:
    deleted, _rows = TimeOff.objects.filter(helper=profile, pk=time_off_id).delete()
    return bool(deleted)
