"""Staff review helpers here: the application queue, and approve / reject / suspend /
reinstate through helpers.services (each writes an audit row and e-mails the helper)."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from helpers.availability import (
    MAX_WINDOWS,
    WINDOW_EARLIEST,
    WINDOW_LATEST,
    Window,
    windows_problems,
)
from helpers.forms import DecisionForm
from helpers.models import AvailabilityWindow, HelperEvent, HelperProfile, TimeOff
from helpers.services import (
    HelperError,
    availability_set_windows,
    helper_decide,
    pro_details_errors,
)
from helpers.validators import normalise_uid
from mila.lib import geo
from mila.lib.admin_actions import RefuseForbiddenActions, reason_page

Status = HelperProfile.Status


class HelperEventInline(admin.TabularInline):
    model = HelperEvent
    extra = 0
    can_delete = False
    fields = ("at", "from_status", "to_status", "actor", "reason")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class WindowInlineFormSet(forms.BaseInlineFormSet):
    """Staff edit weekly times under the same rules as the helper (quarter hours between 06:00
    and 22:00, no overlaps); the saved times are merged like the helper's own (see save_related)."""

    def clean(self) -> None:
        super().clean()
        windows = [
            Window(form.cleaned_data["weekday"], form.cleaned_data["starts"],
                   form.cleaned_data["ends"])
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]  # fmt: skip
        problems = windows_problems(windows)
        if problems:
            raise forms.ValidationError(
                [WINDOW_PROBLEMS[code]() for code in dict.fromkeys(problems)]
            )


# What staff read for each problem code of windows_problems: the rule the times break.
WINDOW_PROBLEMS: dict[str, Callable[[], str]] = {
    "step": lambda: gettext("Please use times on the hour or at :15, :30 or :45."),
    "range": lambda: (
        gettext("Please choose a time between %(earliest)s and %(latest)s.")
        % {"earliest": f"{WINDOW_EARLIEST:%H:%M}", "latest": f"{WINDOW_LATEST:%H:%M}"}
    ),
    "order": lambda: gettext("“Until” must be later than “From” on the same day."),
    "overlap": lambda: gettext("Two times overlap on the same day. Please join or change them."),
    "too_many": lambda: (
        gettext("At most %(count)d weekly times are possible.") % {"count": MAX_WINDOWS}
    ),
}


class WindowInline(admin.TabularInline):
    model = AvailabilityWindow
    formset = WindowInlineFormSet
    extra = 0


class TimeOffInline(admin.TabularInline):
    model = TimeOff
    extra = 0


class HelperProfileAdminForm(forms.ModelForm):
    """Staff may correct a helper's details; the same rules as the helper's own form apply."""

    # The model's JSON list as the languages to tick: a raw JSON box saves an empty one as NULL.
    languages = forms.MultipleChoiceField(
        label=_("languages"),
        choices=settings.LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Please choose at least one language.")},
    )

    class Meta:
        model = HelperProfile
        fields = [
            "tier", "company_name", "uid", "skills", "languages", "bio", "postcode", "country",
            "radius_km", "max_jobs_per_day",
        ]  # fmt: skip

    def clean_uid(self) -> str:
        value = (self.cleaned_data.get("uid") or "").strip()
        return normalise_uid(value) if value else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        missing = pro_details_errors(
            tier=data.get("tier", ""), company_name=data.get("company_name", ""),
            uid=data.get("uid") or "",
        )  # fmt: skip
        for field, message in missing.items():
            if field not in self.errors:
                self.add_error(field, message)
        self.place = geo.lookup(data.get("postcode") or "", data.get("country") or "CH")
        if self.place is None:
            self.add_error("postcode", _("We don't know this postcode. Please check it."))
        return data


@admin.register(HelperProfile)
class HelperProfileAdmin(RefuseForbiddenActions, admin.ModelAdmin):
    list_display = ["__str__", "email", "tier", "status", "postcode", "city", "created_at"]
    list_filter = ["status", "tier", "skills", "country"]
    list_select_related = ["user"]
    search_fields = ["user__first_name", "user__last_name", "user__email", "postcode", "city",
                     "company_name", "uid"]  # fmt: skip
    ordering = ["created_at"]  # the queue: oldest application first
    date_hierarchy = "created_at"
    filter_horizontal = ["skills"]
    inlines = [HelperEventInline, WindowInline, TimeOffInline]
    actions = ["approve", "reject", "suspend", "reinstate"]
    readonly_fields = [
        "user", "email", "phone", "public_id", "status", "status_reason", "reviewed_at", "city",
        "conduct_accepted_at", "created_at", "lat", "lng", "rating_average", "rating_count",
        "completed_jobs", "acceptance_rate", "median_response_seconds", "late_withdrawals",
    ]  # fmt: skip
    fieldsets = (
        (None, {"fields": ("user", "email", "phone", "tier", "status", "status_reason",
                           "reviewed_at", "public_id")}),
        (_("Application"), {"fields": ("company_name", "uid", "skills", "languages", "bio",
                                       "conduct_accepted_at", "created_at")}),
        (_("Service area"), {"fields": ("postcode", "city", "country", "lat", "lng",
                                        "radius_km", "max_jobs_per_day")}),
        (_("Statistics"), {"fields": ("rating_average", "rating_count", "completed_jobs",
                                      "acceptance_rate", "median_response_seconds",
                                      "late_withdrawals")}),
    )  # fmt: skip

    form = HelperProfileAdminForm

    def save_model(self, request: HttpRequest, obj: HelperProfile, form: Any, change: bool) -> None:
        # The map position follows the postcode, so matching searches around the right place.
        place = form.place
        obj.postcode, obj.city, obj.lat, obj.lng = place.postcode, place.name, place.lat, place.lng
        if change:  # never write back a status that a decision changed meanwhile
            columns = [f for f in HelperProfileAdminForm.Meta.fields if f != "skills"]  # m2m later
            obj.save(update_fields=[*columns, "city", "lat", "lng"])
        else:
            super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        profile = form.instance
        windows = [Window(w.weekday, w.starts, w.ends) for w in profile.windows.all()]
        availability_set_windows(profile=profile, windows=windows)

    def get_queryset(self, request: HttpRequest) -> QuerySet[HelperProfile]:
        return super().get_queryset(request).select_related("user")

    @admin.display(description=_("e-mail"), ordering="user__email")
    def email(self, profile: HelperProfile) -> str:
        return profile.user.email

    @admin.display(description=_("phone"))
    def phone(self, profile: HelperProfile) -> str:
        return str(profile.user.phone or "")

    def has_decide_permission(self, request: HttpRequest) -> bool:
        """Approving, declining, suspending and reinstating is the Onboarding role's work."""
        return request.user.has_perm("helpers.decide_helper")

    def _decide(
        self, request: HttpRequest, queryset: QuerySet[HelperProfile], to: str, reason: str = ""
    ) -> None:
        done = 0
        for profile in queryset.select_related("user"):
            try:
                helper_decide(profile=profile, to=to, actor=request.user, reason=reason)
            except HelperError as error:
                self.message_user(request, f"{profile}: {error.message}", messages.WARNING)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext(
                    "%(count)d helper now: %(status)s.", "%(count)d helpers now: %(status)s.", done
                )
                % {"count": done, "status": Status(to).label},
                messages.SUCCESS,
            )

    def _decide_with_reason(
        self, request: HttpRequest, queryset: QuerySet[HelperProfile], to: str, title: object
    ) -> HttpResponse | None:
        """Rejecting and suspending need a reason: ask for it on an intermediate page."""
        form = DecisionForm(request.POST if "confirm" in request.POST else None)
        if form.is_valid():
            self._decide(request, queryset, to, form.cleaned_data["reason"])
            return None
        return reason_page(
            self,
            request,
            template="admin/helpers/decision.html",
            title=title,
            form=form,
            helpers=queryset.select_related("user"),
        )

    @admin.action(description=_("Approve selected applications"), permissions=["decide"])
    def approve(self, request: HttpRequest, queryset: QuerySet[HelperProfile]) -> None:
        self._decide(request, queryset, Status.APPROVED)

    @admin.action(
        description=_("Decline selected applications (reason needed)"), permissions=["decide"]
    )
    def reject(
        self, request: HttpRequest, queryset: QuerySet[HelperProfile]
    ) -> HttpResponse | None:
        return self._decide_with_reason(
            request, queryset, Status.REJECTED, _("Decline applications")
        )

    @admin.action(description=_("Suspend selected helpers (reason needed)"), permissions=["decide"])
    def suspend(
        self, request: HttpRequest, queryset: QuerySet[HelperProfile]
    ) -> HttpResponse | None:
        return self._decide_with_reason(request, queryset, Status.SUSPENDED, _("Suspend helpers"))

    @admin.action(description=_("Reinstate selected helpers"), permissions=["decide"])
    def reinstate(self, request: HttpRequest, queryset: QuerySet[HelperProfile]) -> None:
        self._decide(request, queryset, Status.APPROVED)
