"""Prices as pure functions of plain values (DESIGN §5). No database, no settings inside:
callers pass a PricingPolicy (``PricingPolicy.from_settings()`` in services).

All amounts are integer Rappen. Customer prices are rounded to 5 Rappen, as Swiss prices are.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

FRIEND = "friend"
PRO = "pro"


@dataclass(frozen=True)
class PricingPolicy:
    last_minute_percent: int = 20
    last_minute_window: timedelta = timedelta(hours=2)
    pro_markup_percent: int = 25
    commission_percent: int = 20
    extra_time_unit_minutes: int = 30

    @classmethod
    def from_settings(cls) -> "PricingPolicy":
        from django.conf import settings

        return cls(
            last_minute_percent=settings.PRICING_LAST_MINUTE_PERCENT,
            last_minute_window=timedelta(hours=settings.PRICING_LAST_MINUTE_HOURS),
            pro_markup_percent=settings.PRICING_PRO_MARKUP_PERCENT,
            commission_percent=settings.PRICING_COMMISSION_PERCENT,
            extra_time_unit_minutes=settings.PRICING_EXTRA_TIME_UNIT_MINUTES,
        )


@dataclass(frozen=True)
class QuoteLine:
    code: str  # "base", "last_minute", "extra_time"
    amount: int
    quantity: int = 1


@dataclass(frozen=True)
class Quote:
    tier: str
    lines: tuple[QuoteLine, ...]
    commission: int
    duration_minutes: int
    meta: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)

    @property
    def base(self) -> int:
        return self.amount("base")

    @property
    def surcharge(self) -> int:
        return self.amount("last_minute")

    @property
    def extra_time(self) -> int:
        return self.amount("extra_time")

    @property
    def helper_payout(self) -> int:
        return net_payout(self.total, self.commission)

    def amount(self, code: str) -> int:
        return sum(line.amount for line in self.lines if line.code == code)


def net_payout(total: int, commission: int) -> int:
    """What the helper earns: the price the customer pays less the platform's commission."""
    return total - commission


def commission_split(amount: int, policy: PricingPolicy) -> tuple[int, int]:
    """(commission, the helper's share) of an amount the customer pays besides the visit's
    quote: a cancellation or missed-visit fee, or a refund taken back from both."""
    commission = percent_of(amount, policy.commission_percent)
    return commission, net_payout(amount, commission)


def base_payout(price: int, policy: PricingPolicy) -> int:
    """What a helper normally earns for a job of this price: the price less the commission
    (the payout a job advertises; extra time and surcharges come on top)."""
    return net_payout(price, percent_of(price, policy.commission_percent))


def round_to_5(rappen: float) -> int:
    """Round half up to the next 5 Rappen (CHF 0.05), the smallest Swiss coin."""
    return int((rappen + 2.5) // 5 * 5)


def percent_of(amount: int, percent: int) -> int:
    """``percent`` % of ``amount`` in whole Rappen, rounded half up."""
    return (amount * percent + 50) // 100


def tier_price(price: int, tier: str, policy: PricingPolicy, *, pro_only: bool = False) -> int:
    """The service's base price for a Friend, or with the Pro markup. A Pros-only service's
    price is already a Pro price."""
    if tier == PRO and not pro_only:
        return round_to_5(price * (100 + policy.pro_markup_percent) / 100)
    return price


def is_last_minute(*, starts_at: datetime, booked_at: datetime, policy: PricingPolicy) -> bool:
    """A visit that starts less than two hours after booking is last-minute."""
    return starts_at - booked_at < policy.last_minute_window


def extra_time_unit_price(base: int, duration_minutes: int, policy: PricingPolicy) -> int:
    """Extra time is charged at the service's own rate, per started unit (30 minutes)."""
    return round_to_5(base * policy.extra_time_unit_minutes / duration_minutes)


def quote(
    *,
    price: int,
    duration_minutes: int,
    tier: str,
    starts_at: datetime,
    booked_at: datetime,
    policy: PricingPolicy,
    extra_units: int = 0,
    pro_only: bool = False,
) -> Quote:
    """What the customer pays: base (covers the service's duration) + last-minute surcharge
    + extra time; and the platform's commission of that total."""
    if price <= 0 or duration_minutes <= 0 or extra_units < 0:
        raise ValueError("price and duration must be positive, extra time not negative")
    base = tier_price(price, tier, policy, pro_only=pro_only)
    surcharge = 0
    if is_last_minute(starts_at=starts_at, booked_at=booked_at, policy=policy):
        surcharge = round_to_5(base * policy.last_minute_percent / 100)
    return _priced(base=base, surcharge=surcharge, extra_units=extra_units,
                   duration_minutes=duration_minutes, tier=tier, policy=policy)  # fmt: skip


def _priced(
    *, base: int, surcharge: int, extra_units: int, duration_minutes: int, tier: str,
    policy: PricingPolicy,
) -> Quote:  # fmt: skip
    """The lines (base, surcharge if any, extra time if any) and the commission of their sum."""
    lines = [QuoteLine("base", base)]
    if surcharge:
        lines.append(QuoteLine("last_minute", surcharge))
    if extra_units:
        unit = extra_time_unit_price(base, duration_minutes, policy)
        lines.append(QuoteLine("extra_time", unit * extra_units, quantity=extra_units))
    total = sum(line.amount for line in lines)
    return Quote(
        tier=tier,
        lines=tuple(lines),
        commission=percent_of(total, policy.commission_percent),
        duration_minutes=duration_minutes,
    )


def extra_time_units(*, worked_minutes: int, duration_minutes: int, unit_minutes: int) -> int:
    """The started units of extra time beyond what the base price covers: 61 minutes of a
    60-minute service is one unit of 30 minutes; a visit that took less costs no less."""
    over = max(0, worked_minutes - duration_minutes)
    return -(-over // unit_minutes)


def final_quote(
    *, base: int, surcharge: int, duration_minutes: int, worked_minutes: int, tier: str,
    policy: PricingPolicy,
) -> Quote:  # fmt: skip
    """What the customer pays once the visit is done: the base and surcharge they accepted,
    and the extra time beyond the service's duration at the service's own rate."""
    units = extra_time_units(
        worked_minutes=worked_minutes, duration_minutes=duration_minutes,
        unit_minutes=policy.extra_time_unit_minutes,
    )  # fmt: skip
    return _priced(base=base, surcharge=surcharge, extra_units=units,
                   duration_minutes=duration_minutes, tier=tier, policy=policy)  # fmt: skip
