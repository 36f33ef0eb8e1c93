"""The wave policy as pure functions of plain values (DESIGN §6): how many helpers each wave
asks, how far beyond their own area, how long an offer stays open, and when the search gives up.
Callers pass a WavePolicy (``WavePolicy.from_settings()`` in services).
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta


@dataclass(frozen=True)
class WavePolicy:
    size: int = 5
    # One entry per wave: how many km beyond their own radius its helpers may live. Later
    # waves widen, and their offers say "a bit outside your area".
    extra_km: tuple[int, ...] = (0, 0, 3, 6)
    asap_offer: timedelta = timedelta(minutes=5)
    scheduled_offer: timedelta = timedelta(minutes=60)
    # "As soon as possible": how long we search before telling the customer nobody came.
    asap_search: timedelta = timedelta(minutes=60)
    # A chosen time: no helper this long before the start, and the search ends.
    scheduled_cutoff: timedelta = timedelta(minutes=60)
    # "As soon as possible" means: a helper arrives within this time, then the visit runs.
    asap_arrival: timedelta = timedelta(minutes=60)

    @classmethod
    def from_settings(cls) -> "WavePolicy":
        from django.conf import settings

        return cls(
            size=settings.MATCHING_WAVE_SIZE,
            extra_km=tuple(settings.MATCHING_WAVE_EXTRA_KM),
            asap_offer=timedelta(minutes=settings.MATCHING_OFFER_MINUTES_ASAP),
            scheduled_offer=timedelta(minutes=settings.MATCHING_OFFER_MINUTES_SCHEDULED),
            asap_search=timedelta(minutes=settings.BOOKING_ASAP_SEARCH_MINUTES),
            scheduled_cutoff=timedelta(minutes=settings.MATCHING_SCHEDULED_CUTOFF_MINUTES),
            asap_arrival=timedelta(minutes=settings.MATCHING_ASAP_ARRIVAL_MINUTES),
        )

    @property
    def waves(self) -> int:
        return len(self.extra_km)


def search_deadline(
    *, asap: bool, starts_at: datetime, searching_since: datetime, policy: WavePolicy
) -> datetime:
    """When the search gives up: an hour after it began for "as soon as possible", an hour
    before the start for a chosen time."""
    # In UTC: on the local clock an hour is not always an hour (summer time).
    if asap:
        return searching_since.astimezone(UTC) + policy.asap_search
    return starts_at.astimezone(UTC) - policy.scheduled_cutoff


def wave_extra_km(wave: int, policy: WavePolicy) -> int | None:
    """How far beyond their own radius wave ``wave`` (1, 2, …) asks, or None after the last."""
    if 1 <= wave <= policy.waves:
        return policy.extra_km[wave - 1]
    return None


def offer_expiry(
    *, asap: bool, now: datetime, deadline: datetime, waves_left: int, policy: WavePolicy
) -> datetime:
    """When an offer sent now expires: 5 minutes for "as soon as possible", an hour for a
    chosen time — shorter when the remaining waves must fit before the deadline (never under
    the "as soon as possible" time), and never after the deadline."""
    now = now.astimezone(UTC)
    if asap:
        ttl = policy.asap_offer
    else:
        share = (deadline - now) / max(waves_left, 1)
        ttl = min(policy.scheduled_offer, max(policy.asap_offer, share))
    return min(now + ttl, deadline)


def visit_window(
    *, asap: bool, starts_at: datetime, ends_at: datetime, duration: timedelta, now: datetime,
    policy: WavePolicy,
) -> tuple[datetime, datetime]:  # fmt: skip
    """The time a helper who takes the visit now keeps for it: a chosen visit's own time; for
    "as soon as possible", from now until they could have arrived and finished."""
    if asap:
        now = now.astimezone(UTC)
        return now, now + policy.asap_arrival + duration
    return starts_at, ends_at


def search_window(
    *, asap: bool, starts_at: datetime, ends_at: datetime, duration: timedelta, now: datetime
) -> tuple[datetime, datetime]:
    """The time that must lie in a helper's weekly times for them to be asked: a chosen
    visit's own time; for "as soon as possible", the visit from now (a helper free now can set
    off now). Their other jobs must leave the whole ``visit_window`` free."""
    if asap:
        now = now.astimezone(UTC)
        return now, now + duration
    return starts_at, ends_at
