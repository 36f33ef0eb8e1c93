"""Staff moderate reviews here: the reported ones first, hide (with a reason) or restore
through reviews.services — each writes an audit row and tells the author and the helper.
Nothing else of a review is editable."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from mila.lib.admin_actions import RefuseForbiddenActions, reason_page
from reviews.forms import HideForm
from reviews.models import Review, ReviewEvent
from reviews.services import ReviewError, review_hide, review_restore


class ReviewEventInline(admin.TabularInline):
    model = ReviewEvent
    extra = 0
    can_delete = False
    fields = ("at", "kind", "actor", "reason")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Review)
class ReviewAdmin(RefuseForbiddenActions, admin.ModelAdmin):
    list_display = ["booking", "helper", "author", "stars", "status", "created_at", "short_comment"]
    list_filter = ["status", "stars"]
    list_select_related = ["booking", "helper__user", "author"]
    search_fields = ["booking__reference", "comment", "reply", "author__email",
                     "helper__user__first_name", "helper__user__last_name"]  # fmt: skip
    date_hierarchy = "created_at"
    ordering = ["-created_at"]
    inlines = [ReviewEventInline]
    actions = ["hide", "restore"]
    fields = readonly_fields = (
        "booking", "helper", "author", "stars", "comment", "status", "reply", "replied_at",
        "created_at", "edited_at",
    )  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # only the customer writes a review

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # hide instead: the log stays

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("reviews.change_review")

    @admin.display(description=_("comment"))
    def short_comment(self, review: Review) -> str:
        text = review.comment
        return text if len(text) <= 80 else f"{text[:79]}…"  # escaped by the changelist

    def _moderate(self, request: HttpRequest, queryset: QuerySet[Review], service: Any,
                  reason: str, done_message: str) -> None:  # fmt: skip
        done = 0
        for review in queryset:
            try:
                service(review=review, user=request.user, reason=reason)
            except ReviewError as error:
                self.message_user(
                    request, f"{review.booking_id}: {error.message}", messages.WARNING
                )
            else:
                done += 1
        if done:
            self.message_user(request, done_message % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("Hide selected reviews (reason needed)"), permissions=["moderate"])
    def hide(self, request: HttpRequest, queryset: QuerySet[Review]) -> HttpResponse | None:
        form = HideForm(request.POST if "confirm" in request.POST else None)
        if form.is_valid():
            count = queryset.count()
            message = ngettext("%(count)d review hidden.", "%(count)d reviews hidden.", count)
            self._moderate(request, queryset, review_hide, form.cleaned_data["reason"], message)
            return None
        return reason_page(
            self, request, template="reviews/admin/hide.html", title=_("Hide reviews"),
            form=form, reviews=queryset.select_related("booking"),
        )  # fmt: skip

    @admin.action(description=_("Publish selected reviews again"), permissions=["moderate"])
    def restore(self, request: HttpRequest, queryset: QuerySet[Review]) -> None:
        count = queryset.count()
        message = ngettext("%(count)d review published.", "%(count)d reviews published.", count)
        self._moderate(request, queryset, review_restore, "", message)


@admin.register(ReviewEvent)
class ReviewEventAdmin(admin.ModelAdmin):
    list_display = ["at", "review", "kind", "actor"]
    list_filter = ["kind"]
    list_select_related = ["review", "actor"]
    readonly_fields = ["review", "kind", "actor", "reason", "data", "at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
