"""What helpers earned, read from the ledger (payments.ledger): per month for the helper's
earnings page and the dashboard, and per helper for staff's monthly payout export."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from helpers.models import HelperProfile
from payments.models import EarningEntry

Kind = EarningEntry.Kind
VISITS = (Kind.JOB, Kind.FOLLOW_UP)
FEES = (Kind.CANCELLATION_FEE, Kind.NO_SHOW_FEE)


@dataclass
class MonthEarnings:
    month: date
    visits: int = 0
    visits_amount: int = 0
    fees: int = 0
    fees_amount: int = 0
    refunds_amount: int = 0  # negative

    @property
    def total(self) -> int:
        return self.visits_amount + self.fees_amount + self.refunds_amount

    def add(self, kind: str, count: int, amount: int) -> None:
        if kind in VISITS:
            self.visits += count
            self.visits_amount += amount
        elif kind in FEES:
            self.fees += count
            self.fees_amount += amount
        else:
            self.refunds_amount += amount


@dataclass
class EarningsSummary:
    months: list[MonthEarnings] = field(default_factory=list)  # newest first

    @property
    def total(self) -> int:
        return sum(month.total for month in self.months)

    @property
    def visits(self) -> int:
        return sum(month.visits for month in self.months)

    def month(self, day: date) -> MonthEarnings:
        first = day.replace(day=1)
        return next((m for m in self.months if m.month == first), MonthEarnings(first))


def _by_month(entries: QuerySet[EarningEntry], *group: str) -> QuerySet[Any]:
    tz = timezone.get_default_timezone()
    return (
        entries.annotate(month=TruncMonth("at", tzinfo=tz))
        .values("month", "kind", *group)
        .annotate(count=Count("pk"), amount=Sum("amount"))
        .order_by()
    )


def _month_of(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def helper_earnings_by_month(helper: HelperProfile) -> EarningsSummary:
    """Every month the helper earned something, newest first: one query."""
    months: dict[date, MonthEarnings] = {}
    for row in _by_month(EarningEntry.objects.filter(helper=helper)):
        month = _month_of(row["month"])
        months.setdefault(month, MonthEarnings(month)).add(row["kind"], row["count"], row["amount"])
    return EarningsSummary(sorted(months.values(), key=lambda m: m.month, reverse=True))


@dataclass
class PayoutRow:
    helper: HelperProfile
    earnings: MonthEarnings


def payouts_for_month(month: date) -> list[PayoutRow]:
    """What each helper is owed for one month (local time), by name: two queries."""
    tz = timezone.get_default_timezone()
    start = datetime(month.year, month.month, 1, tzinfo=tz)
    end = datetime(month.year + month.month // 12, month.month % 12 + 1, 1, tzinfo=tz)
    rows = _by_month(EarningEntry.objects.filter(at__gte=start, at__lt=end), "helper")
    per_helper: dict[int, MonthEarnings] = defaultdict(lambda: MonthEarnings(start.date()))
    for row in rows:
        per_helper[row["helper"]].add(row["kind"], row["count"], row["amount"])
    helpers = HelperProfile.objects.select_related("user").in_bulk(list(per_helper))
    ordered = sorted(helpers.values(), key=lambda h: (h.user.last_name, h.user.first_name, h.pk))
    return [PayoutRow(helper, per_helper[helper.pk]) for helper in ordered]
