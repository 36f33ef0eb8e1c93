from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings import machine
from bookings.matching.offers import offers_withdraw
from bookings.matching.slots import slots_refresh
from bookings.models import Booking, BookingEvent, Offer, new_visit_code
from helpers.models import HelperProfile

Role = BookingEvent.Role
Status = Booking.Status

# Why the pending offers of a booking that stops searching are withdrawn.
WITHDRAWN_BECAUSE = {
    Status.CONFIRMED: Offer.Withdrawn.TAKEN,
    Status.CANCELLED: Offer.Withdrawn.CANCELLED,
    Status.UNFULFILLED: Offer.Withdrawn.CLOSED,
}


class BookingError(Exception):
    """A booking change that is not allowed; ``message`` is shown to the person who tried."""

    def __init__(self, message: Any, code: str = "invalid") -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code


def _check_actor(
    *, booking: Booking, to: str, actor: Any, role: str, helper: HelperProfile | None
) -> None:
    """The role someone claims must be theirs for this booking."""
    if role == Role.SYSTEM:
        ok = actor is None
    elif role == Role.CUSTOMER:
        ok = actor is not None and actor.pk == booking.customer_id
    elif role == Role.STAFF:
        ok = actor is not None and actor.is_staff
    else:  # helper: the one accepting (→ CONFIRMED), otherwise the booking's own helper
        assigned = helper if to == Booking.Status.CONFIRMED else booking.helper
        ok = (
            actor is not None
            and assigned is not None
            and assigned.user_id == actor.pk
            and assigned.status == HelperProfile.Status.APPROVED
        )
    if not ok:
        raise BookingError(_("You may not change this booking."), code="forbidden")


def _check_helper_fits(booking: Booking, helper: HelperProfile | None) -> None:
    """Only an approved helper can take a booking, and a Pro booking only a Pro."""
    if helper is None:
        raise BookingError(_("A confirmed booking needs a helper."), code="helper")
    if helper.status != HelperProfile.Status.APPROVED:
        raise BookingError(_("This helper is not approved."), code="helper")
    if booking.tier == Booking.Tier.PRO and helper.tier != HelperProfile.Tier.PRO:
        raise BookingError(_("This booking needs a Pro."), code="helper")


def record_event(
    *,
    booking: Booking,
    from_status: str,
    to_status: str,
    actor: Any,
    role: str,
    note: str = "",
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> BookingEvent:
    return BookingEvent.objects.create(
        booking=booking,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        role=role,
        note=note,
        data=data or {},
        at=at or timezone.now(),
    )


def _changes(
    booking: Booking, to: str, helper: HelperProfile | None, now: datetime
) -> dict[str, Any]:
    """The columns an edge writes: status, its timestamp, the helper, the search schedule."""
    changes: dict[str, Any] = {"status": to}
    if to in machine.TIMESTAMP_FIELD:
        changes[machine.TIMESTAMP_FIELD[Booking.Status(to)]] = now
    if to == Status.CONFIRMED:
        _check_helper_fits(booking, helper)
        changes["helper"] = helper
    elif to in machine.WITHOUT_HELPER:
        changes["helper"] = None
    if to == Status.SEARCHING:
        changes |= {"wave": 0, "next_wave_at": now}
        if booking.helper_id is not None:  # the helper who saw the door code is no longer it
            changes["visit_code"] = new_visit_code()
    elif booking.status == Status.SEARCHING:
        changes["next_wave_at"] = None
    return changes


@transaction.atomic
def booking_transition(
    *,
    booking: Booking,
    to: str,
    actor: Any,
    role: str,
    note: str = "",
    helper: HelperProfile | None = None,
    data: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> Booking:
    """Move a booking along one edge of the status machine, or refuse.

    The edge and the actor's role are checked against ``bookings.machine``; the change is a
    compare-and-set on the old status, so of two concurrent changes exactly one wins; the
    BookingEvent is written in the same transaction. Entering SEARCHING starts a new search
    (due now, for the first wave); leaving it withdraws the offers still waiting for an answer.
    """
    now = now or timezone.now()
    from_status = booking.status
    if not machine.is_allowed(from_status, to, role):
        raise BookingError(
            _("This booking cannot go from “%(from)s” to “%(to)s”.")
            % {"from": Booking.Status(from_status).label, "to": Booking.Status(to).label},
            code="transition",
        )
    _check_actor(booking=booking, to=to, actor=actor, role=role, helper=helper)
    changes = _changes(booking, to, helper, now)
    updated = Booking.objects.filter(pk=booking.pk, status=from_status).update(**changes)
    if updated != 1:
        raise BookingError(
            _("This booking was changed in the meantime. Please reload the page."),
            code="concurrent",
        )
    for field, value in changes.items():
        setattr(booking, field, value)
    if to == Status.COMPLETED and booking.helper_id:  # one more visit in the category
        slots_refresh([booking.helper_id])
    if from_status == Status.SEARCHING:
        reason = WITHDRAWN_BECAUSE[Status(to)]
        if (to, role) == (Status.CONFIRMED, Role.STAFF):
            reason = Offer.Withdrawn.STAFF
        offers_withdraw(offers=booking.offers.all(), reason=reason)
    record_event(
        booking=booking,
        from_status=from_status,
        to_status=to,
        actor=actor,
        role=role,
        note=note,
        data=data,
        at=now,
    )
    return booking
