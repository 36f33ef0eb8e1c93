"""One chronological audit per booking and per helper, merging every kind of event staff may
need to answer "what happened, who did it, why": booking events (notes included), offers sent
and answered, review moderation steps and the admin's own log. A handful of queries whatever
the number of rows (each source is one query, its people joined)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from bookings.admin import describe_event_data
from bookings.models import Booking, BookingEvent, Offer
from helpers.models import HelperProfile
from reviews.models import ReviewEvent


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    source: str  # what kind of row: "Booking", "Offer", "Review", "Admin", "Helper"
    what: str
    actor: Any  # a User or None (the system)
    details: str = ""
    reference: str = ""  # the booking it is about, on a helper's audit


def _booking_rows(events: Any, *, with_reference: bool = False) -> list[AuditRow]:
    rows = []
    for event in events:
        if event.data.get("kind") == BookingEvent.NOTE:
            what = _("Internal note")
        elif event.from_status == event.to_status:
            what = event.get_to_status_display()
        else:
            what = str(event)
        details = " · ".join(p for p in (event.note, describe_event_data(event.data)) if p != "–")
        rows.append(AuditRow(event.at, _("Booking"), what, event.actor, details,
                             event.booking.reference if with_reference else ""))  # fmt: skip
    return rows


def _offer_rows(offers: Any, *, about_helper: bool) -> list[AuditRow]:
    rows = []
    for offer in offers:
        who = offer.booking.reference if about_helper else str(offer.helper)
        reference = offer.booking.reference if about_helper else ""
        sent = _("Offer sent (wave %(wave)s, score %(score).1f)") % {
            "wave": offer.wave, "score": offer.score}  # fmt: skip
        rows.append(AuditRow(offer.sent_at, _("Offer"), sent, None, who, reference))
        if offer.responded_at:
            reason = offer.get_decline_reason_display() if offer.decline_reason else ""
            rows.append(AuditRow(offer.responded_at, _("Offer"), offer.get_status_display(),
                                 offer.helper.user, " · ".join(p for p in (who, reason) if p),
                                 reference))  # fmt: skip
    return rows


def _review_rows(events: Any) -> list[AuditRow]:
    return [
        AuditRow(
            e.at, _("Review"), e.get_kind_display(), e.actor, e.reason, e.review.booking.reference
        )
        for e in events
    ]


def _log_rows(model: type[Model], pk: int) -> list[AuditRow]:
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id=str(pk)
    ).select_related("user")
    return [
        AuditRow(e.action_time, _("Admin"), e.get_change_message() or str(e), e.user)
        for e in entries
    ]


def booking_audit_rows(booking: Booking) -> list[AuditRow]:
    events = booking.events.select_related("actor", "booking")
    offers = booking.offers.select_related("helper__user", "booking")
    reviews = ReviewEvent.objects.filter(review__booking=booking).select_related(
        "actor", "review__booking"
    )
    rows = _booking_rows(events) + _offer_rows(offers, about_helper=False) + _review_rows(reviews)
    return sorted(rows + _log_rows(Booking, booking.pk), key=lambda row: row.at)


def helper_audit_rows(helper: HelperProfile) -> list[AuditRow]:
    """The helper's own status changes, every offer they got, the events of the bookings they
    have or acted on, and the moderation of reviews about them."""
    own = [
        AuditRow(e.at, _("Helper"), str(e.get_to_status_display()), e.actor, e.reason)
        for e in helper.events.select_related("actor")
    ]
    offers = Offer.objects.filter(helper=helper).select_related("booking", "helper__user")
    events = BookingEvent.objects.filter(
        Q(booking__helper=helper) | Q(actor_id=helper.user_id)
    ).select_related("actor", "booking")
    reviews = ReviewEvent.objects.filter(review__helper=helper).select_related(
        "actor", "review__booking"
    )
    rows = own + _offer_rows(offers, about_helper=True) + _review_rows(reviews)
    rows += _booking_rows(events, with_reference=True) + _log_rows(HelperProfile, helper.pk)
    return sorted(rows, key=lambda row: row.at)


def _render(request: HttpRequest, title: str, rows: list[AuditRow], back: str) -> HttpResponse:
    return TemplateResponse(request, "admin/audit.html", {
        **admin.site.each_context(request), "title": title, "rows": rows, "back": back,
    })  # fmt: skip


def booking_audit(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm("bookings.view_booking"):
        raise PermissionDenied
    booking = get_object_or_404(Booking, pk=pk)
    title = _("Audit of %(reference)s") % {"reference": booking.reference}
    back = reverse("admin:bookings_booking_change", args=[booking.pk])
    return _render(request, title, booking_audit_rows(booking), back)


def helper_audit(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm("helpers.view_helperprofile"):
        raise PermissionDenied
    helper = get_object_or_404(HelperProfile.objects.select_related("user"), pk=pk)
    title = _("Audit of %(helper)s") % {"helper": helper}
    back = reverse("admin:helpers_helperprofile_change", args=[helper.pk])
    return _render(request, title, helper_audit_rows(helper), back)
