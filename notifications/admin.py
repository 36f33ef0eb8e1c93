from django.contrib import admin

from notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "recipient", "delivered_at", "attempts", "read_at"]
    list_filter = ["kind", ("delivered_at", admin.EmptyFieldListFilter), "created_at"]
    search_fields = ["recipient__email"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False
