"""Prices as pure functions (DESIGN §5): no database, default PricingPolicy."""

from datetime import UTC, datetime, timedelta

import pytest

from bookings.pricing import (
    FRIEND,
    PRO,
    PricingPolicy,
    Quote,
    QuoteLine,
    extra_time_units,
    final_quote,
    percent_of,
    quote,
    round_to_5,
)

POLICY = PricingPolicy()
BOOKED_AT = datetime(2027, 5, 3, 8, 0, tzinfo=UTC)
THREE_DAYS_LATER = BOOKED_AT + timedelta(days=3)


def quote_for(
    *,
    price: int = 7900,
    duration: int = 60,
    tier: str = FRIEND,
    starts_at: datetime = THREE_DAYS_LATER,
    extra_units: int = 0,
) -> Quote:
    return quote(
        price=price,
        duration_minutes=duration,
        tier=tier,
        starts_at=starts_at,
        booked_at=BOOKED_AT,
        policy=POLICY,
        extra_units=extra_units,
    )


@pytest.mark.parametrize(
    ("price", "tier", "base"),
    [
        (7900, FRIEND, 7900),
        (7900, PRO, 9875),  # + 25 %
        (4990, FRIEND, 4990),
        (4990, PRO, 6240),  # 6237.5 rounds up to the next 5 Rappen
        (12000, PRO, 15000),
        (3310, PRO, 4140),  # 4137.5 → 4140
        (3300, PRO, 4125),
    ],
)
def test_base_price_for_friend_and_pro(price: int, tier: str, base: int) -> None:
    result = quote_for(price=price, tier=tier)
    assert result.tier == tier
    assert result.lines == (QuoteLine("base", base),)
    assert result.base == result.total == base
    assert result.surcharge == 0
    assert result.extra_time == 0


def test_a_pros_only_price_is_already_a_pro_price() -> None:
    result = quote(
        price=12000,
        duration_minutes=60,
        tier=PRO,
        starts_at=BOOKED_AT,
        booked_at=BOOKED_AT,
        policy=POLICY,
        pro_only=True,
    )
    assert (result.base, result.surcharge, result.total, result.commission) == (
        12000,
        2400,
        14400,
        2880,
    )


@pytest.mark.parametrize(
    ("starts_after_booking", "tier", "surcharge"),
    [
        (timedelta(hours=2), FRIEND, 0),  # exactly two hours: not last-minute
        (timedelta(hours=2, seconds=1), FRIEND, 0),
        (timedelta(days=3), FRIEND, 0),
        (timedelta(hours=2) - timedelta(seconds=1), FRIEND, 1580),  # 20 % of 7900
        (timedelta(hours=1), FRIEND, 1580),
        (timedelta(0), FRIEND, 1580),  # ASAP: starts when booked
        (timedelta(0), PRO, 1975),  # 20 % of 9875
        (timedelta(hours=2), PRO, 0),
    ],
)
def test_last_minute_surcharge(starts_after_booking: timedelta, tier: str, surcharge: int) -> None:
    result = quote_for(tier=tier, starts_at=BOOKED_AT + starts_after_booking)
    assert result.surcharge == surcharge
    assert ("last_minute" in [line.code for line in result.lines]) is (surcharge > 0)
    assert result.total == result.base + surcharge


def test_asap_surcharge_is_rounded_to_5_rappen() -> None:
    # 20 % of 4990 is 998 Rappen: a customer price ends in 0 or 5.
    result = quote_for(price=4990, starts_at=BOOKED_AT)
    assert result.surcharge == 1000
    assert result.total == 5990


@pytest.mark.parametrize(
    ("price", "duration", "tier", "units", "unit_price"),
    [
        (7900, 60, FRIEND, 1, 3950),  # half of the hour's price
        (7900, 60, FRIEND, 3, 3950),
        (7900, 90, FRIEND, 2, 2635),  # 2633.33 → 2635
        (7900, 60, PRO, 1, 4940),  # half of 9875 = 4937.5 → 4940
        (7900, 30, FRIEND, 2, 7900),
    ],
)
def test_extra_time_units(
    price: int, duration: int, tier: str, units: int, unit_price: int
) -> None:
    result = quote_for(price=price, duration=duration, tier=tier, extra_units=units)
    assert result.lines[-1] == QuoteLine("extra_time", unit_price * units, quantity=units)
    assert result.extra_time == unit_price * units
    assert result.total == result.base + unit_price * units


def test_no_extra_time_line_without_extra_units() -> None:
    assert [line.code for line in quote_for(extra_units=0).lines] == ["base"]


@pytest.mark.parametrize(
    ("kwargs", "total", "commission", "payout"),
    [
        ({}, 7900, 1580, 6320),
        ({"tier": PRO}, 9875, 1975, 7900),
        ({"starts_at": BOOKED_AT}, 9480, 1896, 7584),  # 7900 + 1580
        ({"tier": PRO, "starts_at": BOOKED_AT, "extra_units": 2}, 21730, 4346, 17384),
        ({"price": 7903}, 7903, 1581, 6322),  # 1580.6 → 1581
        ({"price": 7902}, 7902, 1580, 6322),  # 1580.4 → 1580
    ],
)
def test_total_commission_and_payout(
    kwargs: dict, total: int, commission: int, payout: int
) -> None:
    result = quote_for(**kwargs)
    assert result.total == sum(line.amount for line in result.lines) == total
    assert result.total == result.base + result.surcharge + result.extra_time
    assert result.commission == commission
    assert result.helper_payout == result.total - result.commission == payout


def test_commission_rounds_half_up() -> None:
    # With 20 % the commission of a 5-Rappen total is exact; with 10 % halves occur.
    result = quote(
        price=7925,
        duration_minutes=60,
        tier=FRIEND,
        starts_at=THREE_DAYS_LATER,
        booked_at=BOOKED_AT,
        policy=PricingPolicy(commission_percent=10),
    )
    assert result.commission == 793  # 792.5
    assert result.helper_payout == 7132


@pytest.mark.parametrize(
    ("amount", "percent", "expected"),
    [
        (7900, 20, 1580),
        (15, 10, 2),  # 1.5 → 2
        (25, 50, 13),  # 12.5 → 13
        (7925, 10, 793),  # 792.5 → 793
        (7924, 10, 792),  # 792.4 → 792
        (7926, 10, 793),  # 792.6 → 793
        (1, 20, 0),  # 0.2 → 0
        (0, 20, 0),
    ],
)
def test_percent_of_rounds_half_up(amount: int, percent: int, expected: int) -> None:
    assert percent_of(amount, percent) == expected


@pytest.mark.parametrize(
    ("rappen", "expected"),
    [
        (7900, 7900),
        (7902, 7900),
        (7902.49, 7900),
        (7902.5, 7905),  # half-way rounds up
        (7903, 7905),
        (7897.5, 7900),
        (7897.4, 7895),
        (7905, 7905),
        (0, 0),
        (2.5, 5),
        (2.4, 0),
    ],
)
def test_round_to_5(rappen: float, expected: int) -> None:
    assert round_to_5(rappen) == expected


@pytest.mark.parametrize(
    "kwargs",
    [
        {"price": 0},
        {"price": -1},
        {"price": -7900},
        {"duration": 0},
        {"duration": -60},
        {"extra_units": -1},
    ],
)
def test_negative_or_zero_input_is_refused(kwargs: dict) -> None:
    with pytest.raises(ValueError, match="positive"):
        quote_for(**kwargs)


@pytest.mark.parametrize(
    ("worked", "units"), [(30, 0), (60, 0), (61, 1), (90, 1), (91, 2), (120, 2), (480, 14)]
)
def test_extra_time_is_counted_in_started_half_hours_beyond_the_duration(
    worked: int, units: int
) -> None:
    assert extra_time_units(worked_minutes=worked, duration_minutes=60, unit_minutes=30) == units


def test_the_final_price_keeps_what_was_accepted_and_adds_the_extra_time() -> None:
    policy = PricingPolicy()
    final = final_quote(base=7900, surcharge=1580, duration_minutes=60, worked_minutes=100,
                        tier="friend", policy=policy)  # fmt: skip
    assert [(line.code, line.amount, line.quantity) for line in final.lines] == [
        ("base", 7900, 1), ("last_minute", 1580, 1), ("extra_time", 7900, 2),
    ]  # fmt: skip
    assert (final.total, final.commission) == (17380, 3476)
    free = final_quote(base=0, surcharge=0, duration_minutes=60, worked_minutes=120,
                       tier="friend", policy=policy)  # fmt: skip
    assert (free.total, free.commission) == (0, 0)  # a free follow-up stays free


def test_the_smallest_price_and_duration_are_accepted() -> None:
    """One Rappen and one minute are the least a service can have (0 is refused above)."""
    cheapest = quote_for(price=1)
    assert (cheapest.base, cheapest.total) == (1, 1)
    shortest = quote_for(duration=1)
    assert (shortest.base, shortest.duration_minutes) == (7900, 1)
    one_extra = quote_for(duration=1, extra_units=1)  # 30 minutes at the one-minute rate
    assert one_extra.extra_time == 7900 * 30
