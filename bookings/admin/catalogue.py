"""The catalogue staff edit: service categories and the services in them (name, price, length,
position, whether they can be booked)."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from bookings.models import Service, ServiceCategory
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
