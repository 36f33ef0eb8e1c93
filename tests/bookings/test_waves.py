"""The wave policy as pure functions (DESIGN §6): no database, default WavePolicy."""

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bookings.matching.waves import (
    WavePolicy,
    offer_expiry,
    search_deadline,
    visit_window,
    wave_extra_km,
)

TZ = ZoneInfo("Europe/Zurich")
POLICY = WavePolicy()
# A Monday morning in Zürich (summer time).
NOW = datetime(2027, 5, 3, 8, 0, tzinfo=TZ)
STARTS_AT = datetime(2027, 5, 6, 10, 0, tzinfo=TZ)
ENDS_AT = datetime(2027, 5, 6, 11, 0, tzinfo=TZ)


def minutes(value: float) -> timedelta:
    return timedelta(minutes=value)


# --- search_deadline ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("asap", "policy", "deadline"),
    [
        (True, POLICY, NOW + minutes(60)),  # an hour after the search began
        (False, POLICY, STARTS_AT - minutes(60)),  # an hour before the start
        (True, WavePolicy(asap_search=minutes(30)), NOW + minutes(30)),
        (False, WavePolicy(scheduled_cutoff=minutes(120)), STARTS_AT - minutes(120)),
        # Each kind of visit ignores the other's setting.
        (True, WavePolicy(scheduled_cutoff=minutes(120)), NOW + minutes(60)),
        (False, WavePolicy(asap_search=minutes(30)), STARTS_AT - minutes(60)),
    ],
)
def test_search_deadline(asap: bool, policy: WavePolicy, deadline: datetime) -> None:
    result = search_deadline(asap=asap, starts_at=STARTS_AT, searching_since=NOW, policy=policy)
    assert result == deadline


def test_an_asap_search_counts_from_when_it_began_not_from_the_start() -> None:
    began = NOW + minutes(17)
    assert search_deadline(
        asap=True, starts_at=NOW, searching_since=began, policy=POLICY
    ) == began + minutes(60)


# --- offer_expiry -------------------------------------------------------------------------------


def expiry_after(
    *, asap: bool, minutes_left: float, waves_left: int, policy: WavePolicy = POLICY
) -> timedelta:
    """How long an offer sent at NOW stays open, with the deadline ``minutes_left`` away."""
    deadline = NOW + minutes(minutes_left)
    expires = offer_expiry(
        asap=asap, now=NOW, deadline=deadline, waves_left=waves_left, policy=policy
    )
    return expires - NOW


@pytest.mark.parametrize(
    ("minutes_left", "waves_left", "ttl"),
    [
        (60, 4, 5),  # five minutes for "as soon as possible"
        (60, 1, 5),  # however many waves are left
        (3 * 24 * 60, 4, 5),
        (5, 4, 5),
        (3, 4, 3),  # but never after the deadline
    ],
)
def test_an_asap_offer_is_open_for_5_minutes(minutes_left: int, waves_left: int, ttl: int) -> None:
    assert expiry_after(asap=True, minutes_left=minutes_left, waves_left=waves_left) == minutes(ttl)


@pytest.mark.parametrize(
    ("minutes_left", "waves_left", "ttl"),
    [
        (3 * 24 * 60, 4, 60),  # plenty of time: an hour
        (241, 4, 60),
        (240, 4, 60),  # four waves of an hour fit exactly
        (239, 4, 59.75),  # the remaining waves must fit before the deadline
        (80, 4, 20),
        (80, 2, 40),
        (45, 3, 15),
        (61, 1, 60),
        (59, 1, 59),
        (20, 4, 5),  # a quarter of 20 minutes is the "as soon as possible" time
        (19, 4, 5),  # never shorter than that
        (12, 4, 5),
        (5, 4, 5),
        (4, 4, 4),  # unless the deadline is sooner
        (1, 1, 1),
    ],
)
def test_a_scheduled_offer_is_open_for_an_hour_or_its_share_of_the_time_left(
    minutes_left: int, waves_left: int, ttl: float
) -> None:
    assert expiry_after(asap=False, minutes_left=minutes_left, waves_left=waves_left) == minutes(
        ttl
    )


@pytest.mark.parametrize(("minutes_left", "ttl"), [(40, 40), (90, 60), (3, 3)])
def test_waves_left_0_counts_as_1(minutes_left: int, ttl: int) -> None:
    last = expiry_after(asap=False, minutes_left=minutes_left, waves_left=1)
    assert expiry_after(asap=False, minutes_left=minutes_left, waves_left=0) == last == minutes(ttl)


@pytest.mark.parametrize(
    ("asap", "minutes_left", "waves_left", "ttl"),
    [
        (False, 600, 4, 30),  # the scheduled time from the policy
        (False, 80, 4, 20),
        (False, 40, 4, 10),  # never under the policy's "as soon as possible" time
        (False, 8, 4, 8),
        (True, 600, 4, 10),
        (True, 8, 4, 8),
    ],
)
def test_offer_expiry_follows_the_policy(
    asap: bool, minutes_left: int, waves_left: int, ttl: int
) -> None:
    policy = WavePolicy(asap_offer=minutes(10), scheduled_offer=minutes(30))
    expires = expiry_after(
        asap=asap, minutes_left=minutes_left, waves_left=waves_left, policy=policy
    )
    assert expires == minutes(ttl)


@pytest.mark.parametrize("asap", [True, False])
@pytest.mark.parametrize("waves_left", [0, 1, 2, 3, 4])
@pytest.mark.parametrize("minutes_left", [1, 4, 5, 6, 19, 20, 21, 79, 80, 81, 239, 240, 241, 999])
def test_an_offer_never_outlives_the_deadline(
    asap: bool, waves_left: int, minutes_left: int
) -> None:
    ttl = expiry_after(asap=asap, minutes_left=minutes_left, waves_left=waves_left)
    assert ttl <= minutes(minutes_left)
    assert ttl >= min(minutes(5), minutes(minutes_left))
    assert ttl <= minutes(5 if asap else 60)


def test_a_scheduled_offer_sent_before_summer_time_begins_lasts_60_real_minutes() -> None:
    # 28 March 2027 is the last Sunday of March: at 02:00 Zürich clocks jump to 03:00.
    sent = datetime(2027, 3, 28, 1, 50, tzinfo=TZ)
    assert sent.weekday() == 6
    assert (sent + timedelta(days=7)).month == 4
    assert sent.utcoffset() == timedelta(hours=1)
    deadline = datetime(2027, 3, 29, 9, 0, tzinfo=TZ)

    for now in (sent, sent.astimezone(UTC)):  # as a local time and as the server has it
        expires = offer_expiry(asap=False, now=now, deadline=deadline, waves_left=4, policy=POLICY)
        assert expires.astimezone(UTC) - now.astimezone(UTC) == minutes(60)
        assert expires.astimezone(UTC) == datetime(2027, 3, 28, 0, 50, tzinfo=UTC) + minutes(60)
        on_the_clock = expires.astimezone(UTC).astimezone(TZ)
        assert (on_the_clock.hour, on_the_clock.minute) == (3, 50)
        assert on_the_clock.utcoffset() == timedelta(hours=2)


# --- visit_window -------------------------------------------------------------------------------


@pytest.mark.parametrize("duration", [60, 90])
def test_a_scheduled_visit_needs_its_own_time(duration: int) -> None:
    window = visit_window(
        asap=False,
        starts_at=STARTS_AT,
        ends_at=ENDS_AT,
        duration=minutes(duration),
        now=NOW,
        policy=POLICY,
    )
    assert window == (STARTS_AT, ENDS_AT)


@pytest.mark.parametrize(
    ("duration", "arrival", "end"),
    [
        (60, 60, 120),  # arrive within the hour, then the visit runs
        (90, 60, 150),
        (30, 60, 90),
        (60, 30, 90),
    ],
)
def test_an_asap_visit_needs_the_time_from_now_until_arrival_and_the_visit(
    duration: int, arrival: int, end: int
) -> None:
    window = visit_window(
        asap=True,
        starts_at=STARTS_AT,
        ends_at=ENDS_AT,
        duration=minutes(duration),
        now=NOW,
        policy=WavePolicy(asap_arrival=minutes(arrival)),
    )
    assert window == (NOW, NOW + minutes(end))


# --- waves --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wave", "extra_km"),
    [
        (0, None),
        (1, 0),
        (2, 0),
        (3, 3),
        (4, 6),
        (5, None),  # after the last wave
        (-1, None),
    ],
)
def test_wave_extra_km(wave: int, extra_km: int | None) -> None:
    assert wave_extra_km(wave, POLICY) == extra_km


@pytest.mark.parametrize(
    ("extra_km", "waves"),
    [((0, 0, 3, 6), 4), ((0,), 1), ((0, 2, 4, 6, 8), 5), ((), 0)],
)
def test_there_is_one_wave_per_extra_km_entry(extra_km: tuple[int, ...], waves: int) -> None:
    policy = WavePolicy(extra_km=extra_km)
    assert policy.waves == waves
    assert wave_extra_km(waves, policy) == (extra_km[-1] if extra_km else None)
    assert wave_extra_km(waves + 1, policy) is None


def test_the_default_settings_give_the_default_policy() -> None:
    assert WavePolicy.from_settings() == WavePolicy()
    assert WavePolicy.from_settings().waves == 4


def test_the_policy_follows_the_matching_settings(settings: Any) -> None:
    settings.MATCHING_WAVE_SIZE = 3
    settings.MATCHING_WAVE_EXTRA_KM = [0, 5, 10]  # a list in the settings is fine
    settings.MATCHING_OFFER_MINUTES_ASAP = 2
    settings.MATCHING_OFFER_MINUTES_SCHEDULED = 30
    settings.BOOKING_ASAP_SEARCH_MINUTES = 45
    settings.MATCHING_SCHEDULED_CUTOFF_MINUTES = 90
    settings.MATCHING_ASAP_ARRIVAL_MINUTES = 20

    policy = WavePolicy.from_settings()

    assert policy == WavePolicy(
        size=3,
        extra_km=(0, 5, 10),
        asap_offer=minutes(2),
        scheduled_offer=minutes(30),
        asap_search=minutes(45),
        scheduled_cutoff=minutes(90),
        asap_arrival=minutes(20),
    )
    assert policy.waves == 3
    assert wave_extra_km(3, policy) == 10
    assert wave_extra_km(4, policy) is None
    assert search_deadline(
        asap=False, starts_at=STARTS_AT, searching_since=NOW, policy=policy
    ) == STARTS_AT - minutes(90)
    assert expiry_after(asap=True, minutes_left=60, waves_left=3, policy=policy) == minutes(2)
