from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from bookings.models import Booking, BookingEvent, Service, ServiceCategory
from bookings.services import BookingError, booking_cancel
from mila.lib.money import format_chf


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


class BookingEventInline(admin.TabularInline):
    model = BookingEvent
    extra = 0
    can_delete = False
    fields = ("at", "from_status", "to_status", "role", "actor", "note", "data")
    readonly_fields = fields
    ordering = ["at", "pk"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    """Read-mostly: status changes go through the booking services (actions below)."""

    list_display = [
        "reference",
        "status",
        "service",
        "customer",
        "starts_at",
        "postcode",
        "total_chf",
    ]
    list_filter = ["status", "timing", "tier", "service__category", "starts_at", "created_at"]
    search_fields = ["reference", "customer__email", "postcode", "city"]
    list_select_related = ["service", "customer"]
    date_hierarchy = "starts_at"
    ordering = ["-starts_at"]
    inlines = [BookingEventInline]
    actions = ["cancel_bookings"]
    readonly_fields = [f.name for f in Booking._meta.fields]
    fieldsets = (
        (None, {"fields": ("reference", "status", "customer", "service", "tier", "helper")}),
        (
            _("Visit"),
            {"fields": ("timing", "starts_at", "ends_at", "problem", "visit_code",
                        "reschedule_count")},
        ),
        (
            _("Address"),
            {"fields": ("street", "postcode", "city", "country", "lat", "lng", "phone")},
        ),
        (
            _("Price"),
            {"fields": ("price_base", "price_surcharge", "price_extra", "price_total", "commission",
                        "currency", "payment_method", "cancellation_fee", "cancellation_reason")},
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

    @admin.display(description=_("total"), ordering="price_total")
    def total_chf(self, booking: Booking) -> str:
        return format_chf(booking.price_total)

    @admin.action(description=_("Cancel selected bookings (no fee for the customer)"))
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
