"""What a customer can change after booking: cancel, move to another time."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings import machine
from bookings.matching import dispatch
from bookings.matching.offers import offers_withdraw
from bookings.models import Booking, BookingEvent, Offer
from bookings.notices import notify_booking
from bookings.policy import (
    BookingPolicy,
    CancellationTerms,
    cancellation_terms,
    reschedule_problem,
    start_problem,
)
from bookings.pricing import PricingPolicy, is_last_minute, percent_of
from bookings.services.transitions import BookingError, booking_transition, record_event
from bookings.texts import reschedule_message
from helpers.models import HelperProfile
from mila.lib.money import format_chf
from notifications.models import Notification
from payments.lifecycle import payments_booking_ended

Role = BookingEvent.Role
FeeDecision = BookingEvent.FeeDecision
Status = Booking.Status


# Derived from the status machine: where a customer may go to CANCELLED, they can cancel.
CUSTOMER_CANCELLABLE = frozenset(
    src for (src, dst), roles in machine.ALLOWED.items()
    if dst == Status.CANCELLED and Role.CUSTOMER in roles
)  # fmt: skip
MOVABLE = frozenset({Status.SEARCHING, Status.CONFIRMED, Status.UNFULFILLED})


def _move_refusal(booking: Booking, now: datetime | None) -> tuple[str, str] | None:
    """(code, message) saying why the visit cannot be moved now, or None."""
    if booking.status not in MOVABLE:
        return "status", str(_("This booking can no longer be moved."))
    policy = BookingPolicy.from_settings()
    problem = reschedule_problem(
        starts_at=booking.starts_at, now=now or timezone.now(),
        reschedule_count=booking.reschedule_count, policy=policy,
        helper_assigned=booking.helper_id is not None,
    )  # fmt: skip
    return (str(problem), reschedule_message(problem, policy)) if problem else None


def booking_move_refusal(*, booking: Booking, now: datetime | None = None) -> str | None:
    """Why the customer cannot move this visit now, or None if they can."""
    refusal = _move_refusal(booking, now)
    return refusal[1] if refusal else None


def cancellation_preview(*, booking: Booking, now: datetime | None = None) -> CancellationTerms:
    """What cancelling would cost the customer right now (shown before they confirm)."""
    return cancellation_terms(
        base_price=booking.price_base,
        starts_at=booking.starts_at,
        now=now or timezone.now(),
        helper_on_the_way=booking.helper_on_the_way,
        policy=BookingPolicy.from_settings(),
        helper_assigned=booking.helper_id is not None,
    )


@dataclass(frozen=True)
class CancelResult:
    booking: Booking
    fee: int
    already_cancelled: bool = False


def _locked(booking: Booking) -> Booking:
    # Lock the booking row only: PostgreSQL cannot lock the nullable side of the helper join.
    return Booking.objects.locked().select_related("service", "helper__user").get(pk=booking.pk)


def _people_to_tell(booking: Booking, helper: Any) -> list[Any]:
    people = [booking.customer]
    if helper is not None:
        people.append(helper.user)
    return people


@transaction.atomic
def booking_cancel(
    *,
    booking: Booking,
    actor: Any,
    role: str,
    reason: str = "",
    expected_fee: int | None = None,
    fee_override: int | None = None,
    now: datetime | None = None,
    why: str = "",
) -> CancelResult:
    """Cancel a booking. A customer cancels free of charge until 24 h before the start, then
    pays half the base price, and the full base price once the helper is on the way.
    Cancelling an already cancelled booking changes nothing.

    ``expected_fee`` is the fee the customer was shown: if it went up in the meantime (a
    helper accepted, the 24 h passed), nothing is cancelled and they are asked again.

    Staff cancel free of charge, unless they decide on a fee (``fee_override``): the policy
    fee at most, never more than the customer would pay cancelling themselves.

    ``why``: a code the e-mail explains a system cancellation by ("card_not_confirmed").
    """
    now = now or timezone.now()
    booking = _locked(booking)
    if booking.status == Status.CANCELLED:
        return CancelResult(booking, booking.cancellation_fee, already_cancelled=True)
    policy_fee = cancellation_preview(booking=booking, now=now).fee
    fee = policy_fee if role == Role.CUSTOMER else 0
    data: dict[str, Any] = {}
    if fee_override is not None:
        data = _fee_decision(role=role, fee=fee_override, policy_fee=policy_fee, reason=reason)
        fee = fee_override
    if expected_fee is not None and fee > expected_fee:
        raise BookingError(
            _("The cancellation fee has changed in the meantime. Please check it again."),
            code="fee_changed",
        )
    helper = booking.helper
    booking_transition(
        booking=booking,
        to=Status.CANCELLED,
        actor=actor,
        role=role,
        note=reason,
        data={**data, "fee": fee},
        now=now,
    )
    booking.cancellation_fee = fee
    booking.cancellation_reason = reason
    booking.save(update_fields=["cancellation_fee", "cancellation_reason"])
    payments_booking_ended(booking=booking, now=now)
    notify_booking(
        booking,
        Notification.Kind.BOOKING_CANCELLED,
        recipients=_people_to_tell(booking, helper),
        fee=fee,
        cancelled_by=role,
        **({"why": why} if why else {}),
    )
    return CancelResult(booking, fee)


def _fee_decision(*, role: str, fee: int, policy_fee: int, reason: str) -> dict[str, Any]:
    """What staff decided about the fee, for the audit trail; only staff decide, with a reason,
    and 0 ≤ fee ≤ the policy fee."""
    if role != Role.STAFF:
        raise BookingError(_("You may not change this booking."), code="forbidden")
    if not reason.strip():
        raise BookingError(_("Please give a reason for the cancellation."), code="reason")
    if not 0 <= fee <= policy_fee:
        raise BookingError(
            _("The fee must be between CHF 0 and the policy fee of %(fee)s.")
            % {"fee": format_chf(policy_fee)},
            code="fee",
        )
    if fee == policy_fee:
        decision = FeeDecision.POLICY
    else:
        decision = FeeDecision.WAIVE if fee == 0 else FeeDecision.CUSTOM
    return {"policy_fee": policy_fee, "decision": decision.value, "reason": reason}


def _drop_surcharge_if_no_longer_last_minute(booking: Booking, now: datetime) -> None:
    """Moving keeps the price the customer accepted; it can only get cheaper: a last-minute
    surcharge falls away when the new time is no longer last-minute."""
    policy = PricingPolicy.from_settings()
    if booking.price_surcharge and not is_last_minute(
        starts_at=booking.starts_at, booked_at=now, policy=policy
    ):
        booking.price_surcharge = 0
        booking.price_total = booking.price_base + booking.price_extra
        booking.commission = percent_of(booking.price_total, policy.commission_percent)


@transaction.atomic
def booking_reschedule(
    *, booking: Booking, actor: Any, starts_at: datetime, now: datetime | None = None
) -> Booking:
    """Move a visit to another time: free until 24 h before the start, at most twice.

    A booking still looking for a helper keeps looking for the new time (what was offered
    for the old time is withdrawn); a confirmed one goes back to looking, and its helper is
    asked again first.
    """
    now = now or timezone.now()
    policy = BookingPolicy.from_settings()
    booking = _locked(booking)
    if actor is None or booking.customer_id != actor.pk:
        raise BookingError(_("You may not change this booking."), code="forbidden")
    refusal = _move_refusal(booking, now)
    if refusal:
        raise BookingError(refusal[1], code=refusal[0])
    if starts_at == booking.starts_at:  # the same move posted twice: it happened already
        return booking
    if start_problem(
        starts_at, duration_minutes=booking.service.duration_minutes, now=now,
        tz=timezone.get_default_timezone(), policy=policy,
    ):  # fmt: skip
        raise BookingError(_("This time cannot be booked."), code="time")
    previous: dict[str, Any] = {
        "starts_at": booking.starts_at.isoformat(),
        "timing": booking.timing,
    }
    helper = booking.helper
    if helper is not None:
        previous["helper_id"] = helper.pk
    # First let go of the old time — its offers (their helpers are told about the old time)
    # and its helper — and only then take the new one: the helper's other jobs may be there.
    offers_withdraw(offers=booking.offers.all(), reason=Offer.Withdrawn.MOVED)
    if booking.status == Status.SEARCHING:
        record_event(
            booking=booking, from_status=Status.SEARCHING, to_status=Status.SEARCHING,
            actor=actor, role=Role.CUSTOMER, data={"rescheduled": previous}, at=now,
        )  # fmt: skip
    else:
        booking_transition(
            booking=booking, to=Status.SEARCHING, actor=actor, role=Role.CUSTOMER,
            data={"rescheduled": previous}, now=now,
        )  # fmt: skip
    booking.starts_at = starts_at
    booking.ends_at = starts_at + timedelta(minutes=booking.service.duration_minutes)
    booking.timing = Booking.Timing.SCHEDULED
    booking.reschedule_count += 1
    _drop_surcharge_if_no_longer_last_minute(booking, now)
    booking.save()
    dispatch.search_restart(booking=booking, now=now, ask_first=helper)
    notify_booking(
        booking,
        Notification.Kind.BOOKING_RESCHEDULED,
        recipients=_people_to_tell(booking, helper),
        previous_starts_at=previous["starts_at"],
    )
    return booking


@transaction.atomic
def bookings_release_helper(*, helper: HelperProfile, actor: Any, reason: str) -> list[Booking]:
    """Staff take a helper off their confirmed and en-route visits (the helper was suspended):
    each goes back to looking for a helper at the same time, and its customer is told.
    Visits already in progress are left to staff. (Their open offers are withdrawn when their
    status changes: bookings.matching.receivers.)"""
    released = []
    upcoming = (
        Booking.objects.locked()
        .select_related("service")
        .filter(helper=helper, status__in=(Status.CONFIRMED, Status.EN_ROUTE))
    )
    for booking in upcoming:
        booking_transition(
            booking=booking, to=Status.SEARCHING, actor=actor, role=Role.STAFF, note=reason,
            data={"released_helper_id": helper.pk},
        )  # fmt: skip
        dispatch.search_on_commit(booking)
        notify_booking(
            booking, Notification.Kind.BOOKING_HELPER_CHANGED, recipients=[booking.customer]
        )
        released.append(booking)
    return released
