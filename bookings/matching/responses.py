"""A helper's answer to an offer — accept or decline — and staff stepping in: assigning a
helper by hand, or searching again (DESIGN §6).

Accepting is a compare-and-set through ``booking_transition`` (SEARCHING → CONFIRMED): of many
helpers accepting at once exactly one gets the job; the others are told plainly that someone
else took it. Locks follow the order in ``bookings.matching.offers``.
"""

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings.matching import dispatch
from bookings.matching.offers import (
    acceptance_refresh_on_commit,
    lock,
    offers_answer,
    offers_withdraw,
)
from bookings.matching.waves import WavePolicy, search_deadline
from bookings.models import Booking, BookingEvent, Offer
from bookings.notices import notify_booking
from bookings.services.transitions import BookingError, booking_transition, record_event
from helpers.availability import job_conflict
from helpers.models import HelperProfile
from notifications.models import Notification

Status = Booking.Status
Role = BookingEvent.Role
OVERLAP_CONSTRAINT = "booking_helper_jobs_never_overlap"

GONE = {  # why an offer can no longer be accepted, by what happened to it
    Offer.Withdrawn.TAKEN: ("taken", _("Someone else took this job.")),
    Offer.Withdrawn.STAFF: ("taken", _("Someone else took this job.")),
    Offer.Withdrawn.CANCELLED: ("cancelled", _("The customer cancelled this booking.")),
    Offer.Withdrawn.MOVED: (
        "moved", _("The customer moved the visit to another time, so this offer has ended."),
    ),
    Offer.Withdrawn.CLOSED: ("closed", _("This offer has ended.")),
    Offer.Withdrawn.OVERLAP: (
        "overlap", _("You took another job at this time, so this offer has ended."),
    ),
    Offer.Withdrawn.PAUSED: ("helper", _("Your helper account is paused.")),
}  # fmt: skip
CONFLICT_MESSAGES: dict[str, dict[str, Any]] = {  # to the helper, and to staff choosing one
    Role.HELPER: {
        "overlap": _("You already have a job at this time."),
        "daily_max": _("You have already reached your maximum number of jobs for that day."),
    },
    Role.STAFF: {
        "overlap": _("This helper already has a job at this time."),
        "daily_max": _("This helper has already reached their maximum number of jobs that day."),
    },
}


def _refusal(offer: Offer, booking: Booking, helper: HelperProfile, now: datetime) -> None:
    """Raise with a clear message if this offer cannot be answered now."""
    if offer.status == Offer.Status.ACCEPTED and booking.helper_id == helper.pk:
        raise BookingError(_("You have already accepted this job."), code="already_accepted")
    if offer.status == Offer.Status.DECLINED:
        raise BookingError(_("You have declined this offer."), code="declined")
    if offer.status == Offer.Status.WITHDRAWN and offer.withdrawn_reason in GONE:
        code, message = GONE[Offer.Withdrawn(offer.withdrawn_reason)]
        raise BookingError(message, code=code)
    if booking.status == Status.CANCELLED:
        raise BookingError(GONE[Offer.Withdrawn.CANCELLED][1], code="cancelled")
    if booking.status != Status.SEARCHING or offer.status != Offer.Status.PENDING:
        if booking.helper_id is not None:
            raise BookingError(GONE[Offer.Withdrawn.TAKEN][1], code="taken")
        raise BookingError(_("This offer has expired."), code="expired")
    if offer.expires_at <= now:
        raise BookingError(_("This offer has expired."), code="expired")
    if helper.status != HelperProfile.Status.APPROVED:
        raise BookingError(GONE[Offer.Withdrawn.PAUSED][1], code="helper")


def _lock_helper(pk: int) -> HelperProfile:
    return HelperProfile.objects.locked().select_related("user").get(pk=pk)


def _lock_booking(pk: int) -> Booking:
    return Booking.objects.locked().select_related("service", "customer").get(pk=pk)


def _locked(offer: Offer) -> tuple[HelperProfile, Booking, Offer]:
    helper, booking = _lock_helper(offer.helper_id), _lock_booking(offer.booking_id)
    return helper, booking, Offer.objects.locked().get(pk=offer.pk)


@transaction.atomic
def offer_accept(*, offer: Offer, user: Any, now: datetime | None = None) -> Booking:
    """The helper takes the job. Refused, with a message saying why, if someone else was
    faster, the offer ended, or the helper already has a job at that time."""
    now = now or timezone.now()
    helper, booking, offer = _locked(offer)
    if helper.user_id != getattr(user, "pk", None):
        raise BookingError(_("You may not answer this offer."), code="forbidden")
    _refusal(offer, booking, helper, now)
    offers_answer(offers=Offer.objects.filter(pk=offer.pk), status=Offer.Status.ACCEPTED, now=now)
    _give_job(booking, helper, actor=user, role=Role.HELPER, now=now,
              data={"offer_id": offer.pk, "wave": offer.wave})  # fmt: skip
    acceptance_refresh_on_commit([helper.pk])
    return booking


@transaction.atomic
def booking_assign(
    *, booking: Booking, helper: HelperProfile, actor: Any, note: str = "",
    now: datetime | None = None,
) -> Booking:  # fmt: skip
    """Staff give a searching or unfulfilled booking to a helper they arranged it with (on
    the phone, say): the helper's weekly times are not checked, their other jobs are."""
    now = now or timezone.now()
    if actor is None or not actor.is_staff:
        raise BookingError(_("Only staff can assign a helper."), code="forbidden")
    helper, booking = _lock_helper(helper.pk), _lock_booking(booking.pk)
    if booking.status not in (Status.SEARCHING, Status.UNFULFILLED):
        raise BookingError(_("This booking already has a helper or has ended."), code="status")
    if booking.timing == Booking.Timing.SCHEDULED and booking.starts_at <= now:
        raise BookingError(TIME_PASSED, code="passed")
    offers_answer(
        offers=Offer.objects.filter(booking=booking, helper=helper, status=Offer.Status.PENDING),
        status=Offer.Status.ACCEPTED, now=now,
    )  # fmt: skip
    _give_job(booking, helper, actor=actor, role=Role.STAFF, now=now, note=note)
    return booking


def _give_job(
    booking: Booking, helper: HelperProfile, *, actor: Any, role: str, now: datetime,
    note: str = "", data: dict[str, Any] | None = None,
) -> None:  # fmt: skip
    """Confirm the booking with this helper; withdraw the other offers of the booking and the
    helper's offers that now overlap; tell the customer and the helper."""
    start, end = dispatch.booking_visit_window(booking, now)
    conflict = job_conflict(helper=helper, start=start, end=end, ignore_booking=booking.pk)
    if conflict:
        raise BookingError(CONFLICT_MESSAGES[role][conflict], code=conflict)
    overlapping = Offer.objects.filter(pk__in=_offers_overlapping(helper, booking, start, end, now))
    # Every offer row this change may write, locked at once in id order.
    lock(Offer.objects.filter(Q(booking=booking) | Q(pk__in=overlapping.values("pk")),
                              status=Offer.Status.PENDING))  # fmt: skip
    if (booking.starts_at, booking.ends_at) != (start, end):  # "as soon as possible": from now
        Booking.objects.filter(pk=booking.pk).update(starts_at=start, ends_at=end)
        booking.starts_at, booking.ends_at = start, end
    try:
        with transaction.atomic():
            booking_transition(booking=booking, to=Status.CONFIRMED, actor=actor, role=role,
                               helper=helper, note=note, data=data, now=now)  # fmt: skip
    except IntegrityError as error:
        if OVERLAP_CONSTRAINT not in str(error):
            raise
        raise BookingError(CONFLICT_MESSAGES[role]["overlap"], code="overlap") from error
    offers_withdraw(offers=overlapping, reason=Offer.Withdrawn.OVERLAP)
    notify_booking(
        booking, Notification.Kind.BOOKING_CONFIRMED, recipients=[booking.customer],
        helper_name=helper.user.first_name, helper_rating=str(helper.rating_average),
        helper_ratings=helper.rating_count,
    )  # fmt: skip
    notify_booking(booking, Notification.Kind.JOB_CONFIRMED, recipients=[helper.user],
                   assigned_by_staff=role == Role.STAFF)  # fmt: skip


TIME_PASSED = _("The time of this visit has passed: move it to a new time first.")
TOO_CLOSE_TO_SEARCH = _(
    "The visit starts too soon to search for a helper: move it to a later time first, or "
    "assign a helper you arranged it with."
)


def _offers_overlapping(
    helper: HelperProfile, booking: Booking, start: datetime, end: datetime, now: datetime
) -> set[int]:
    """The helper's other pending offers they could no longer accept with a job from start to
    end: a chosen time that overlaps it, or an "as soon as possible" visit whose window
    from now (arrival included) does."""
    pending = Offer.objects.filter(helper=helper, status=Offer.Status.PENDING).exclude(
        booking=booking
    )
    found = set(
        pending.filter(booking__timing=Booking.Timing.SCHEDULED, booking__starts_at__lt=end,
                       booking__ends_at__gt=start).values_list("pk", flat=True)
    )  # fmt: skip
    for offer in pending.filter(booking__timing=Booking.Timing.ASAP).select_related(
        "booking__service"
    ):
        asap_start, asap_end = dispatch.booking_visit_window(offer.booking, now)
        if asap_start < end and asap_end > start:
            found.add(offer.pk)
    return found


@transaction.atomic
def offer_decline(
    *, offer: Offer, user: Any, reason: str = "", now: datetime | None = None
) -> Offer:
    """The helper says no (optionally why). When nobody of the wave is left to answer, the
    next wave goes out right away instead of waiting for the offers to expire."""
    now = now or timezone.now()
    booking = Booking.objects.locked().get(pk=offer.booking_id)
    offer = Offer.objects.locked().select_related("helper").get(pk=offer.pk)
    if offer.helper.user_id != getattr(user, "pk", None):
        raise BookingError(_("You may not answer this offer."), code="forbidden")
    if offer.status == Offer.Status.DECLINED:
        raise BookingError(_("You have declined this offer."), code="already_declined")
    _refusal(offer, booking, offer.helper, now)
    if reason not in Offer.DeclineReason.values:
        reason = ""
    offers_answer(offers=Offer.objects.filter(pk=offer.pk), status=Offer.Status.DECLINED,
                  now=now, reason=reason)  # fmt: skip
    offer.status, offer.responded_at, offer.decline_reason = Offer.Status.DECLINED, now, reason
    if not booking.offers.open(now).exists():
        Booking.objects.filter(pk=booking.pk).update(next_wave_at=now)
        dispatch.search_on_commit(booking)
    acceptance_refresh_on_commit([offer.helper_id])
    return offer


@transaction.atomic
def booking_search_again(*, booking: Booking, actor: Any, now: datetime | None = None) -> Booking:
    """Staff start the search over from the first wave — after nobody was found, or to ask
    everyone again now. Helpers asked before may be asked again."""
    now = now or timezone.now()
    if actor is None or not actor.is_staff:
        raise BookingError(_("Only staff can start a new search."), code="forbidden")
    booking = Booking.objects.locked().get(pk=booking.pk)
    if booking.status in (Status.SEARCHING, Status.UNFULFILLED):
        asap = booking.timing == Booking.Timing.ASAP
        deadline = search_deadline(asap=asap, starts_at=booking.starts_at, searching_since=now,
                                   policy=WavePolicy.from_settings())  # fmt: skip
        if now >= deadline:
            raise BookingError(
                TIME_PASSED if booking.starts_at <= now else TOO_CLOSE_TO_SEARCH, code="too_close"
            )
    note = str(_("Our team started a new search."))
    if booking.status == Status.UNFULFILLED:
        booking_transition(booking=booking, to=Status.SEARCHING, actor=actor, role=Role.STAFF,
                           note=note, now=now)  # fmt: skip
        dispatch.search_on_commit(booking)
    elif booking.status == Status.SEARCHING:
        record_event(booking=booking, from_status=Status.SEARCHING, to_status=Status.SEARCHING,
                     actor=actor, role=Role.STAFF, note=note, at=now)  # fmt: skip
        dispatch.search_restart(booking=booking, now=now)
    else:
        raise BookingError(_("A new search is possible only for a booking without a helper."),
                           code="status")  # fmt: skip
    return booking
