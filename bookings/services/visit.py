"""The visit, run from the helper's phone (DESIGN §4, §6.7): on my way, start at the door,
complete with a visit report; or the customer was not there; or the helper gives the job back.

Each action locks the helper's row, then the booking's (the lock order of
``bookings.matching.offers``), checks that the person is the booking's helper and that the
booking is where the action starts; the same action sent twice (a double tap, a re-sent form)
is refused with code ``already`` and changes nothing.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings.matching import dispatch
from bookings.matching.offers import offer_gave_back
from bookings.models import Booking, BookingEvent, Offer, VisitReport, WithdrawReason
from bookings.notices import notify_booking, notify_staff
from bookings.policy import BookingPolicy, is_late_withdrawal, no_show_fee, no_show_from
from bookings.pricing import PricingPolicy, Quote, final_quote
from bookings.services.transitions import BookingError, booking_transition
from helpers.models import HelperProfile
from notifications.models import Notification
from payments.lifecycle import payments_booking_ended, payments_visit_completed

Status = Booking.Status
Role = BookingEvent.Role


@dataclass(frozen=True)
class VisitReportInput:
    work_done: str
    devices: list[str] = field(default_factory=list)
    recommendations: str = ""


def _job(booking: Booking, user: Any) -> tuple[HelperProfile, Booking]:
    """The helper's row and the booking's, locked in that order; refused unless ``user`` is
    the booking's helper (or was, and gave it back: then the action was done already)."""
    helper = HelperProfile.objects.locked().select_related("user").filter(user=user).first()
    locked = (
        Booking.objects.locked().select_related("service", "customer").filter(pk=booking.pk).first()
    )
    if helper is None or locked is None:
        raise BookingError(_("You may not change this booking."), code="forbidden")
    if locked.helper_id != helper.pk:
        if gave_back(locked, helper):
            raise BookingError(_("You have already given this job back."), code="already")
        raise BookingError(_("You may not change this booking."), code="forbidden")
    locked.helper = helper
    return helper, locked


def gave_back(booking: Booking, helper: HelperProfile) -> bool:
    return Offer.objects.filter(
        booking=booking, helper=helper, withdrawn_reason=Offer.Withdrawn.GAVE_BACK
    ).exists()


def _expect(booking: Booking, statuses: tuple[str, ...], message: Any) -> None:
    if booking.status not in statuses:
        raise BookingError(message, code="status")


def en_route_from(booking: Booking, policy: BookingPolicy | None = None) -> datetime:
    """The earliest moment the helper can say they are on their way."""
    return booking.starts_at - (policy or BookingPolicy.from_settings()).en_route_lead


@transaction.atomic
def visit_on_my_way(
    *, booking: Booking, user: Any, eta_minutes: int, now: datetime | None = None
) -> Booking:
    """The helper sets off and says when they arrive; the customer is told, with the door
    code to compare."""
    now = now or timezone.now()
    helper, booking = _job(booking, user)
    if booking.status == Status.EN_ROUTE:
        raise BookingError(_("You have already said that you are on your way."), code="already")
    _expect(booking, (Status.CONFIRMED,), _("You can set off only for a confirmed job."))
    low, high = settings.VISIT_ETA_MINUTES
    if not low <= eta_minutes <= high:
        raise BookingError(
            _("Please say in how many minutes you arrive: %(low)s to %(high)s.")
            % {"low": low, "high": high},
            code="eta",
        )
    policy = BookingPolicy.from_settings()
    if now < en_route_from(booking, policy):
        hours = int(policy.en_route_lead.total_seconds() // 3600)
        raise BookingError(
            _("You can set off at the earliest %(hours)s hours before the visit.")
            % {"hours": hours},
            code="too_early",
        )
    booking_transition(booking=booking, to=Status.EN_ROUTE, actor=user, role=Role.HELPER,
                       data={"eta_minutes": eta_minutes}, now=now)  # fmt: skip
    booking.eta_at = now + timedelta(minutes=eta_minutes)
    booking.save(update_fields=["eta_at"])
    notify_booking(
        booking, Notification.Kind.BOOKING_EN_ROUTE, recipients=[booking.customer],
        helper_name=helper.user.first_name, eta_minutes=eta_minutes,
        eta_at=booking.eta_at.isoformat(),
    )  # fmt: skip
    return booking


@transaction.atomic
def visit_start(*, booking: Booking, user: Any, now: datetime | None = None) -> Booking:
    """At the door: the helper said the code, the customer compared it and let them in."""
    now = now or timezone.now()
    booking = _job(booking, user)[1]
    if booking.status == Status.IN_PROGRESS:
        raise BookingError(_("The visit has already started."), code="already")
    message = _("First say that you are on your way; then the visit can start at the door.")
    _expect(booking, (Status.EN_ROUTE,), message)
    return booking_transition(
        booking=booking, to=Status.IN_PROGRESS, actor=user, role=Role.HELPER, now=now
    )


def duration_choices(booking: Booking) -> list[int]:
    """The durations a helper can report, in minutes: 30-minute steps up to the longest visit."""
    unit = PricingPolicy.from_settings().extra_time_unit_minutes
    return list(range(unit, settings.VISIT_MAX_MINUTES + 1, unit))


def completion_quote(booking: Booking, worked_minutes: int) -> Quote:
    """The final price if the visit took ``worked_minutes``."""
    return final_quote(
        base=booking.price_base, surcharge=booking.price_surcharge,
        duration_minutes=booking.service.duration_minutes, worked_minutes=worked_minutes,
        tier=booking.tier, policy=PricingPolicy.from_settings(),
    )  # fmt: skip


def _check_report(report: VisitReportInput) -> VisitReportInput:
    work_done = report.work_done.strip()
    if len(work_done) < settings.VISIT_REPORT_MIN_CHARS:
        raise BookingError(
            _("Please write what you did in at least %(count)s characters.")
            % {"count": settings.VISIT_REPORT_MIN_CHARS},
            code="report",
        )
    devices = [device.strip() for device in report.devices if device.strip()]
    return VisitReportInput(work_done, devices, report.recommendations.strip())


@transaction.atomic
def visit_complete(
    *, booking: Booking, user: Any, worked_minutes: int, report: VisitReportInput,
    now: datetime | None = None,
) -> Booking:  # fmt: skip
    """The visit is done: the time it took sets the final price (extra time beyond the
    service's duration, in started 30-minute units), the report stays with the booking, and
    the customer is told."""
    now = now or timezone.now()
    helper, booking = _job(booking, user)
    if booking.status == Status.COMPLETED:
        raise BookingError(_("This visit is already completed."), code="already")
    _expect(booking, (Status.IN_PROGRESS,), _("You can complete a visit once it has started."))
    if worked_minutes not in duration_choices(booking):
        raise BookingError(_("Please choose how long the visit took."), code="minutes")
    report = _check_report(report)
    price = completion_quote(booking, worked_minutes)
    booking.price_extra, booking.price_total = price.extra_time, price.total
    booking.commission, booking.worked_minutes = price.commission, worked_minutes
    booking.save(update_fields=["price_extra", "price_total", "commission", "worked_minutes"])
    VisitReport.objects.create(
        booking=booking, work_done=report.work_done, devices=report.devices,
        recommendations=report.recommendations, minutes=worked_minutes, created_at=now,
    )  # fmt: skip
    extra_units = sum(line.quantity for line in price.lines if line.code == "extra_time")
    booking_transition(booking=booking, to=Status.COMPLETED, actor=user, role=Role.HELPER,
                       data={"minutes": worked_minutes, "extra_units": extra_units},
                       now=now)  # fmt: skip
    HelperProfile.objects.filter(pk=helper.pk).update(completed_jobs=F("completed_jobs") + 1)
    lines = [{"code": line.code, "amount": line.amount, "quantity": line.quantity}
             for line in price.lines]  # fmt: skip
    payments_visit_completed(booking=booking, lines=lines, now=now)
    notify_booking(
        booking, Notification.Kind.BOOKING_COMPLETED, recipients=[booking.customer],
        helper_name=helper.user.first_name, minutes=worked_minutes,
        follow_up_days=settings.FOLLOW_UP_DAYS,
    )  # fmt: skip
    # The review request: the reviews app takes the rating from the booking page.
    notify_booking(
        booking, Notification.Kind.REVIEW_REQUEST, recipients=[booking.customer],
        helper_name=helper.user.first_name, review_days=settings.REVIEW_WINDOW_DAYS,
    )  # fmt: skip
    return booking


def no_show_possible_from(booking: Booking) -> datetime:
    return no_show_from(
        starts_at=booking.starts_at, eta_at=booking.eta_at, policy=BookingPolicy.from_settings()
    )


@transaction.atomic
def visit_no_show(*, booking: Booking, user: Any, now: datetime | None = None) -> Booking:
    """The helper is at the door and nobody opens: once they waited past the start (or the
    arrival time they gave), the visit is closed with the policy's no-show fee; the customer
    and staff are told."""
    now = now or timezone.now()
    helper, booking = _job(booking, user)
    if booking.status == Status.CANCELLED and booking.no_show:
        raise BookingError(
            _("You have already reported that the customer was not there."), code="already"
        )
    _expect(booking, (Status.EN_ROUTE,),
            _("You can report this only when you are on your way to the visit."))  # fmt: skip
    possible_from = no_show_possible_from(booking)
    if now < possible_from:
        local = timezone.localtime(possible_from)
        raise BookingError(
            _("Please wait until %(time)s and try to call the customer first.")
            % {"time": local.strftime("%H:%M")},
            code="too_early",
        )
    fee = no_show_fee(base_price=booking.price_base, policy=BookingPolicy.from_settings())
    booking_transition(booking=booking, to=Status.CANCELLED, actor=user, role=Role.HELPER,
                       note=str(_("The customer was not there.")),
                       data={"fee": fee, "no_show": True}, now=now)  # fmt: skip
    booking.cancellation_fee, booking.no_show = fee, True
    booking.save(update_fields=["cancellation_fee", "no_show"])
    payments_booking_ended(booking=booking, now=now)
    name = helper.user.first_name
    notify_booking(booking, Notification.Kind.BOOKING_NO_SHOW, recipients=[booking.customer],
                   helper_name=name, fee=fee)  # fmt: skip
    notify_staff(booking, Notification.Kind.STAFF_NO_SHOW, helper_name=helper.public_name, fee=fee)
    return booking


@transaction.atomic
def visit_withdraw(
    *, booking: Booking, user: Any, reason: str, note: str = "", now: datetime | None = None
) -> Booking:
    """The helper gives the job back: the booking looks for a helper again, without them;
    the customer is told. Less than 24 h before the start it is flagged to staff and counted
    on the helper's record."""
    now = now or timezone.now()
    helper, booking = _job(booking, user)
    _expect(booking, (Status.CONFIRMED, Status.EN_ROUTE),
            _("This job can no longer be given back. Please call us."))  # fmt: skip
    if reason not in WithdrawReason.values:
        raise BookingError(_("Please say why you give the job back."), code="reason")
    late = is_late_withdrawal(
        starts_at=booking.starts_at, now=now, policy=BookingPolicy.from_settings()
    )
    booking_transition(booking=booking, to=Status.SEARCHING, actor=user, role=Role.HELPER,
                       note=note, data={"withdrawn_by": helper.pk, "reason": reason,
                                        "late": late}, now=now)  # fmt: skip
    booking.eta_at = None
    booking.save(update_fields=["eta_at"])
    offer_gave_back(booking=booking, helper=helper, now=now)
    dispatch.search_on_commit(booking)
    notify_booking(booking, Notification.Kind.BOOKING_HELPER_CHANGED, recipients=[booking.customer])
    if late:
        HelperProfile.objects.filter(pk=helper.pk).update(
            late_withdrawals=F("late_withdrawals") + 1
        )
        hours = max(0, int((booking.starts_at - now).total_seconds() // 3600))
        notify_staff(
            booking, Notification.Kind.STAFF_LATE_WITHDRAWAL, helper_name=helper.public_name,
            hours_before=hours, reason=reason, note=note,
            late_withdrawals=helper.late_withdrawals + 1,
        )  # fmt: skip
    return booking
