"""What happened around a booking, for staff to read: its offers to helpers (and why each
helper was asked), its history, the visit report, and the waitlist of places without helpers.
The inlines show on the booking's page (booking.py)."""

from datetime import datetime
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bookings.models import Booking, BookingEvent, Offer, VisitReport, WaitlistEntry
from mila.formats import format_when
from mila.lib.money import format_chf

# How a BookingEvent's details read: key → words with its value.
EVENT_DETAILS: tuple[tuple[str, Any], ...] = (
    ("kind", lambda kind: gettext("internal note") if kind == BookingEvent.NOTE else ""),
    ("fee", lambda fee: gettext("fee %(fee)s") % {"fee": format_chf(int(fee))}),
    ("policy_fee", lambda fee: gettext("policy fee %(fee)s") % {"fee": format_chf(int(fee))}),
    ("decision", lambda decision: str(BookingEvent.FeeDecision(decision).label)),
    ("no_show", lambda yes: gettext("the customer was not there") if yes else ""),
    ("eta_minutes", lambda m: gettext("arrives in %(minutes)s min") % {"minutes": m}),
    ("minutes", lambda m: gettext("took %(minutes)s min") % {"minutes": m}),
    ("reason", lambda reason: gettext("reason: %(reason)s") % {"reason": reason}),
    ("late", lambda yes: gettext("less than 24 h before the start") if yes else ""),
    ("wave", lambda wave: gettext("wave %(wave)s") % {"wave": wave}),
    ("waves", lambda waves: gettext("after %(waves)s waves") % {"waves": waves}),
)


def describe_event_data(data: dict[str, Any]) -> str:
    """A BookingEvent's details in words, times local and amounts in CHF (not raw JSON)."""
    parts = []
    moved = data.get("rescheduled") or {}
    if moved.get("timing") == Booking.Timing.ASAP:
        parts.append(gettext("moved from “as soon as possible”"))
    elif moved.get("starts_at"):
        old = datetime.fromisoformat(moved["starts_at"])
        when = format_when(old, "WEEKDAY_DATETIME")
        parts.append(gettext("moved from %(when)s") % {"when": when})
    parts += [describe(data[key]) for key, describe in EVENT_DETAILS if key in data]
    return "; ".join(part for part in parts if part) or "–"


def describe_breakdown(breakdown: dict[str, Any]) -> str:
    """An offer's "why" in one line for staff: the facts, then each part of the score."""
    acceptance = breakdown.get("acceptance_rate")
    facts = [
        gettext("%(km).1f km (radius %(radius)s)")
        % {"km": breakdown.get("distance_km", 0), "radius": breakdown.get("radius_km", "?")},
        gettext("★ %(rating).2f (%(count)s ratings)")
        % {"rating": breakdown.get("rating", 0), "count": breakdown.get("rating_count", 0)},
        gettext("%(jobs)s jobs in category") % {"jobs": breakdown.get("category_jobs", 0)},
        gettext("accepts %(rate)s") % {"rate": f"{acceptance:.0%}"}
        if acceptance is not None
        else gettext("acceptance unknown"),
        gettext("speaks %(language)s") % {"language": breakdown["language"]}
        if breakdown.get("language")
        else gettext("another language"),
        gettext("%(jobs)s recent jobs") % {"jobs": breakdown.get("recent_jobs", 0)},
    ]
    if breakdown.get("outside_area"):
        facts.append(gettext("outside own area"))
    parts = " · ".join(f"{name} {value:.2f}" for name, value in breakdown.get("parts", {}).items())
    return " · ".join(facts) + (f" — {parts}" if parts else "")


class VisitReportInline(admin.StackedInline):
    model = VisitReport
    extra = 0
    can_delete = False
    fields = ("created_at", "minutes", "work_done", "devices", "recommendations")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class BookingEventInline(admin.TabularInline):
    model = BookingEvent
    extra = 0
    can_delete = False
    fields = ("at", "from_status", "to_status", "role", "actor", "note", "details")
    readonly_fields = fields

    @admin.display(description=_("details"))
    def details(self, event: BookingEvent) -> str:
        return describe_event_data(event.data)

    ordering = ["at", "pk"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[BookingEvent]:
        return super().get_queryset(request).select_related("actor")


class OfferInline(admin.TabularInline):
    """Who was asked, in which wave, with what score and why, and what they answered."""

    model = Offer
    extra = 0
    can_delete = False
    fields = ("wave", "helper", "status", "score", "why", "sent_at", "expires_at",
              "responded_at", "decline_reason", "withdrawn_reason")  # fmt: skip
    readonly_fields = fields
    ordering = ["wave", "-score"]
    verbose_name_plural = _("offers to helpers")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Offer]:
        return super().get_queryset(request).select_related("helper__user")

    @admin.display(description=_("why this helper"))
    def why(self, offer: Offer) -> str:
        return describe_breakdown(offer.breakdown)


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    """Read-only: every offer, to look up what a helper was asked and answered."""

    list_display = ["booking", "helper", "wave", "status", "score", "sent_at", "responded_at"]
    list_filter = ["status", "wave", "decline_reason", "withdrawn_reason", "sent_at"]
    list_select_related = ["booking", "helper__user"]
    search_fields = ["booking__reference", "helper__user__email", "helper__user__last_name"]
    date_hierarchy = "sent_at"
    readonly_fields = [f.name for f in Offer._meta.fields] + ["why"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description=_("why this helper"))
    def why(self, offer: Offer) -> str:
        return describe_breakdown(offer.breakdown)


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(admin.ModelAdmin):
    """Who is waiting where, and for what: the people to write to when helpers arrive."""

    list_display = ["email", "postcode", "country", "service", "language", "created_at"]
    list_filter = ["country", "language", "service__category", "created_at"]
    list_select_related = ["service"]
    search_fields = ["email", "postcode"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at"]
