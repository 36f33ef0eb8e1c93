"""Bookings in the admin: read-mostly; staff change them only through the booking services,
by the actions here (assign a helper, search again, cancel) and the pages of
bookings/backoffice.py."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from bookings.admin.attention import NeedsAttentionFilter, NeedsHelperFilter
from bookings.admin.records import BookingEventInline, OfferInline, VisitReportInline
from bookings.backoffice import BookingStaffViews
from bookings.matching.candidates import best_candidates
from bookings.matching.dispatch import booking_search
from bookings.matching.responses import booking_assign, booking_search_again
from bookings.models import Booking, BookingEvent
from bookings.services import BookingError, booking_cancel
from helpers.models import HelperProfile
from mila.lib.admin_actions import RefuseForbiddenActions, chf_column


def in_chf(field: str, *, ordering: bool = False) -> Any:
    """A column or read-only field of a booking's Rappen amount in CHF, labelled like the
    model field."""
    label = getattr(Booking._meta.get_field(field), "verbose_name", field)
    return chf_column(field, label, ordering=ordering)


PAYMENT_METHODS = {  # Booking.payment_method, as staff read it
    "invoice": _("Invoice after the visit"),
    "card": _("Card (amount reserved)"),
    "free": _("Free of charge (follow-up)"),
}
# Staff may assign helpers who live a little further out than matching would ask.
ASSIGN_EXTRA_KM = 10
ASSIGN_LIST_LENGTH = 25


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
