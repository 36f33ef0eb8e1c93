from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import (
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.lookups import LessThan
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from bookings.backoffice import BookingStaffViews
from bookings.matching.candidates import best_candidates
from bookings.matching.dispatch import booking_search
from bookings.matching.responses import booking_assign, booking_search_again
from bookings.models import (
    Booking,
    BookingEvent,
    Offer,
    Service,
    ServiceCategory,
    VisitReport,
    WaitlistEntry,
)
from bookings.services import BookingError, booking_cancel
from helpers.models import HelperProfile
from mila.formats import format_when
from mila.lib.admin_actions import RefuseForbiddenActions
from mila.lib.money import format_chf


def in_chf(field: str, *, ordering: bool = False) -> Any:
    """An admin column or read-only field showing a Rappen amount of the booking in CHF,
    labelled like the model field."""

    def show(admin_: Any, booking: Booking) -> str:
        return format_chf(getattr(booking, field))

    return admin.display(
        description=getattr(Booking._meta.get_field(field), "verbose_name", field),
        ordering=field if ordering else None,
    )(show)


PAYMENT_METHODS = {  # Booking.payment_method, as staff read it
    "invoice": _("Invoice after the visit"),
    "card": _("Card (amount reserved)"),
    "free": _("Free of charge (follow-up)"),
}
# Staff may assign helpers who live a little further out than matching would ask.
ASSIGN_EXTRA_KM = 10
ASSIGN_LIST_LENGTH = 25


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(admin.ModelAdmin):
    list_display = ["name_de", "slug", "position", "active"]
    list_editable = ["position", "active"]
    ordering = ["position"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = [
        "name_de",
        "category",
        "duration_minutes",
        "price_chf",
        "pro_only",
        "position",
        "active",
    ]
    list_editable = ["position", "active"]
    list_filter = ["active", "pro_only", "category"]
    list_select_related = ["category"]
    search_fields = ["name_de", "name_fr", "name_it", "name_en", "slug"]
    ordering = ["category__position", "position"]
    prepopulated_fields = {"slug": ["name_en"]}
    actions = ["activate", "deactivate"]

    @admin.display(description=_("price"), ordering="price")
    def price_chf(self, service: Service) -> str:
        return format_chf(service.price)

    @admin.action(description=_("Make selected services bookable"))
    def activate(self, request: HttpRequest, queryset: QuerySet[Service]) -> None:
        queryset.update(active=True)

    @admin.action(description=_("Stop selected services from being booked"))
    def deactivate(self, request: HttpRequest, queryset: QuerySet[Service]) -> None:
        queryset.update(active=False)


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(admin.ModelAdmin):
    """Who is waiting where, and for what: the people to write to when helpers arrive."""

    list_display = ["email", "postcode", "country", "service", "language", "created_at"]
    list_filter = ["country", "language", "service__category", "created_at"]
    list_select_related = ["service"]
    search_fields = ["email", "postcode"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at"]


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


def needs_helper_conditions(now: datetime) -> dict[str, Q]:
    """Bookings staff must rescue: no helper found (today or later), or starting within 2 h
    while still searching. The admin index counts them with the same conditions."""
    today = datetime.combine(
        timezone.localdate(now), time.min, tzinfo=timezone.get_current_timezone()
    )
    unfulfilled = Q(status=Booking.Status.UNFULFILLED, starts_at__gte=today)
    soon = Q(status=Booking.Status.SEARCHING, starts_at__lte=now + timedelta(hours=2))
    return {"any": unfulfilled | soon, "unfulfilled": unfulfilled, "soon": soon}


# A helper who gives a job back this recently still shows on the admin index.
LATE_WITHDRAWAL_DAYS = 30


def attention_conditions(now: datetime) -> dict[str, Q]:
    """Visits in progress for longer than twice their planned length (someone forgot to end
    it, or something went wrong), and bookings a helper gave back late in the last 30 days."""
    planned = ExpressionWrapper(F("ends_at") - F("starts_at"), output_field=DurationField())
    overdue_at = ExpressionWrapper(
        F("started_at") + planned + planned, output_field=DateTimeField()
    )
    late = BookingEvent.objects.filter(
        booking=OuterRef("pk"), at__gte=now - timedelta(days=LATE_WITHDRAWAL_DAYS),
        data__late=True, data__has_key="withdrawn_by",
    )  # fmt: skip
    return {
        "overrun": Q(status=Booking.Status.IN_PROGRESS) & Q(LessThan(overdue_at, now)),
        "late_withdrawal": Q(Exists(late)),
    }


class NeedsHelperFilter(admin.SimpleListFilter):
    title = _("helper needed")
    parameter_name = "needs_helper"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("any", _("No helper found, or starting within 2 h without one")),
            ("unfulfilled", _("No helper found (today or later)")),
            ("soon", _("Starting within 2 h, still searching")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Booking]) -> QuerySet[Booking]:
        chosen = needs_helper_conditions(timezone.now())
        value = self.value() or ""
        return queryset.filter(chosen[value]) if value in chosen else queryset


class NeedsAttentionFilter(admin.SimpleListFilter):
    title = _("needs attention")
    parameter_name = "attention"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("overrun", _("Visit in progress for more than twice its length")),
            ("late_withdrawal", _("Given back late by a helper (last 30 days)")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Booking]) -> QuerySet[Booking]:
        chosen = attention_conditions(timezone.now())
        value = self.value() or ""
        return queryset.filter(chosen[value]) if value in chosen else queryset


class AssignForm(forms.Form):
    helper = forms.ModelChoiceField(
        label=_("Helper"),
        queryset=HelperProfile.objects.approved(),
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose a helper."),
                        "invalid_choice": _("Please choose one of the helpers listed.")},
    )  # fmt: skip
    note = forms.CharField(
        label=_("Note for the history (e.g. who you spoke to)"), required=False, max_length=500
    )


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


@admin.register(Booking)
class BookingAdmin(RefuseForbiddenActions, BookingStaffViews, admin.ModelAdmin):
    """Read-mostly: status changes go through the booking services (actions below)."""

    list_display = [
        "reference",
        "status",
        "service",
        "customer_name",
        "starts_at",
        "postcode",
        "total_chf",
    ]
    list_filter = [NeedsHelperFilter, NeedsAttentionFilter, "status", "timing", "tier",
                   "service__category", "starts_at", "created_at"]  # fmt: skip
    search_fields = ["reference", "customer__email", "postcode", "city"]
    list_select_related = ["service", "customer"]
    date_hierarchy = "starts_at"
    ordering = ["-starts_at"]
    inlines = [VisitReportInline, OfferInline, BookingEventInline]
    actions = ["assign_helper", "search_again", "cancel_bookings"]
    readonly_fields = [f.name for f in Booking._meta.fields] + [
        "base_chf", "surcharge_chf", "extra_chf", "total_chf", "commission_chf", "payment",
        "cancellation_fee_chf", "follow_up_payout_chf",
    ]  # fmt: skip
    fieldsets = (
        (None, {"fields": ("reference", "status", "customer", "service", "tier", "helper",
                           "wave", "next_wave_at")}),
        (
            _("Visit"),
            {"fields": ("timing", "starts_at", "ends_at", "problem", "visit_code",
                        "reschedule_count", "eta_at", "worked_minutes", "no_show",
                        "preferred_helper", "follow_up_of", "follow_up_payout_chf")},
        ),
        (
            _("Address"),
            {"fields": ("street", "postcode", "city", "country", "lat", "lng", "phone")},
        ),
        (
            _("Price"),
            {"fields": ("base_chf", "surcharge_chf", "extra_chf", "total_chf", "commission_chf",
                        "payment", "cancellation_fee_chf", "cancellation_reason")},
        ),
        (
            _("History"),
            {"fields": ("created_at", "searching_at", "confirmed_at", "en_route_at", "started_at",
                        "completed_at", "unfulfilled_at", "cancelled_at", "idempotency_key")},
        ),
    )  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    total_chf = in_chf("price_total", ordering=True)
    base_chf = in_chf("price_base")
    surcharge_chf = in_chf("price_surcharge")
    extra_chf = in_chf("price_extra")
    commission_chf = in_chf("commission")
    cancellation_fee_chf = in_chf("cancellation_fee")
    follow_up_payout_chf = in_chf("follow_up_payout")

    @admin.display(description=_("payment method"))
    def payment(self, booking: Booking) -> str:
        return str(PAYMENT_METHODS.get(booking.payment_method, booking.payment_method))

    @admin.display(description=_("customer"), ordering="customer__last_name")
    def customer_name(self, booking: Booking) -> str:
        return booking.customer.get_full_name() or booking.customer.email

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:  # fmt: skip
        """Every field is read-only (changes go through the actions): no Save buttons."""
        hidden = ("show_save", "show_save_and_continue", "show_save_and_add_another")
        extra_context = {**(extra_context or {}), **dict.fromkeys(hidden, False)}
        return super().change_view(request, object_id, form_url, extra_context)

    def has_cancel_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("bookings.cancel_booking")

    def has_assign_permission(self, request: HttpRequest) -> bool:
        """Assigning a helper by hand and searching again: the Support role's rescue work."""
        return request.user.has_perm("bookings.assign_booking")

    # Kept for cancelling several at once free of charge (e.g. a storm closes a region); a fee
    # decision is made per booking on its own cancel page (bookings/backoffice.py).
    @admin.action(
        description=_("Cancel selected bookings (no fee for the customer)"), permissions=["cancel"]
    )
    def cancel_bookings(self, request: HttpRequest, queryset: QuerySet[Booking]) -> None:
        done = 0
        for booking in queryset:
            try:
                result = booking_cancel(
                    booking=booking, actor=request.user, role=BookingEvent.Role.STAFF,
                    reason=str(_("Cancelled by the Mila team")),
                )  # fmt: skip
            except BookingError as error:
                self.message_user(request, f"{booking.reference}: {error.message}", messages.ERROR)
            else:
                done += not result.already_cancelled
        cancelled = ngettext(
            "%(count)d booking cancelled.", "%(count)d bookings cancelled.", done
        ) % {"count": done}
        self.message_user(request, cancelled)

    @admin.action(
        description=_("Search again for a helper (from the first wave)"), permissions=["assign"]
    )
    def search_again(self, request: HttpRequest, queryset: QuerySet[Booking]) -> None:
        done = 0
        for booking in queryset:
            try:
                booking_search_again(booking=booking, actor=request.user)
            except BookingError as error:
                self.message_user(request, f"{booking.reference}: {error.message}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(count)d booking is searching again.",
                         "%(count)d bookings are searching again.", done) % {"count": done},
            )  # fmt: skip

    @admin.action(description=_("Assign a helper by hand…"), permissions=["assign"])
    def assign_helper(
        self, request: HttpRequest, queryset: QuerySet[Booking]
    ) -> HttpResponse | None:
        """An intermediate page: the helpers free for the visit, best first; staff pick the
        one they arranged it with."""
        if queryset.count() != 1:
            self.message_user(request, _("Please choose exactly one booking."), messages.ERROR)
            return None
        booking = queryset.select_related("service", "customer").get()
        form = AssignForm(request.POST if "confirm" in request.POST else None)
        if form.is_valid():
            try:
                booking_assign(booking=booking, helper=form.cleaned_data["helper"],
                               actor=request.user, note=form.cleaned_data["note"])  # fmt: skip
            except BookingError as error:
                self.message_user(request, f"{booking.reference}: {error.message}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("The helper has been assigned; the helper and the customer were told."),
                )
            return None
        return TemplateResponse(request, "admin/bookings/assign.html", {
            **self.admin_site.each_context(request),
            "title": _("Assign a helper to %(reference)s") % {"reference": booking.reference},
            "booking": booking, "form": form, "free": self._free_helpers(booking),
            "action": request.POST.get("action"), "opts": self.model._meta,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        })  # fmt: skip

    def _free_helpers(self, booking: Booking) -> list[tuple[HelperProfile, Any]]:
        search = booking_search(
            booking, timezone.now(), extra_km=ASSIGN_EXTRA_KM, include_asked=True
        )
        best = best_candidates(search, k=ASSIGN_LIST_LENGTH)
        helpers = HelperProfile.objects.select_related("user").in_bulk(
            [s.facts.helper_id for s in best]
        )
        return [(helpers[s.facts.helper_id], s) for s in best]
