"""The bookings staff must look at: no helper found, starting soon without one, a visit
running far too long, a job given back late. The booking list filters by them, and the admin
index (mila/backoffice.py) counts them with the same conditions."""

from datetime import datetime, time, timedelta
from typing import Any

from django.contrib import admin
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
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings.models import Booking, BookingEvent


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
