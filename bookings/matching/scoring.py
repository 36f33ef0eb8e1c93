"""How well a helper fits a booking: pure functions of plain values (no ORM, no settings
inside; callers pass a ScoringPolicy, ``ScoringPolicy.from_settings()`` in services).

Each part is a number from 0 to 1; the score is their weighted sum (MATCHING_WEIGHTS, which
add up to 100 by default, so scores run from 0 to 100). The offer stores the facts and the
parts, so the helper and staff can see why someone was asked.
"""

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

DEFAULT_WEIGHTS = MappingProxyType(
    {"distance": 30, "rating": 25, "experience": 10, "acceptance": 10, "language": 10,
     "fairness": 15}
)  # fmt: skip
PARTS = tuple(DEFAULT_WEIGHTS)


@dataclass(frozen=True, slots=True)
class HelperFacts:
    """What matching knows about one candidate for one booking."""

    helper_id: int
    distance_km: float
    radius_km: int
    rating_average: float
    rating_count: int
    category_jobs: int  # completed visits in the booking's category
    acceptance_rate: float | None  # None: never answered an offer yet
    languages: tuple[str, ...]
    recent_jobs: int  # jobs taken in the fairness period (14 days)


@dataclass(frozen=True)
class ScoringPolicy:
    weights: Mapping[str, float] = field(default_factory=lambda: DEFAULT_WEIGHTS)
    # A helper with no ratings counts as this many ratings at the platform's mean.
    rating_prior_weight: float = 10
    # The distance part is 1 at the door and halves at this distance.
    distance_half_km: float = 5
    # Completed visits in the category that earn the full experience part.
    experience_jobs: int = 20
    # Jobs in the fairness period after which a helper gets no fairness boost.
    fairness_jobs: int = 5
    # The acceptance part for a helper who has never answered an offer.
    unknown_acceptance: float = 0.7

    @classmethod
    def from_settings(cls) -> "ScoringPolicy":
        from django.conf import settings

        return cls(
            weights=MappingProxyType(dict(settings.MATCHING_WEIGHTS)),
            rating_prior_weight=settings.MATCHING_RATING_PRIOR_WEIGHT,
            distance_half_km=settings.MATCHING_DISTANCE_HALF_KM,
            experience_jobs=settings.MATCHING_EXPERIENCE_JOBS,
            fairness_jobs=settings.MATCHING_FAIRNESS_JOBS,
            unknown_acceptance=settings.MATCHING_UNKNOWN_ACCEPTANCE,
        )


@dataclass(frozen=True, slots=True)
class Scored:
    facts: HelperFacts
    total: float
    parts: Mapping[str, float]
    rating: float  # the Bayesian rating the rating part was computed from
    language_match: bool


def bayesian_rating(average: float, count: int, *, prior_mean: float, prior_weight: float) -> float:
    """The average rating shrunk towards the platform's mean: a helper with one 5-star
    rating does not outrank one with 80 ratings of 4.8."""
    if count <= 0:
        return prior_mean
    return (prior_weight * prior_mean + count * average) / (prior_weight + count)


def score(
    facts: HelperFacts, *, customer_language: str, prior_mean: float, policy: ScoringPolicy
) -> Scored:
    rating = bayesian_rating(
        facts.rating_average, facts.rating_count,
        prior_mean=prior_mean, prior_weight=policy.rating_prior_weight,
    )  # fmt: skip
    language_match = customer_language in facts.languages
    acceptance = facts.acceptance_rate
    parts = {
        "distance": 1 / (1 + max(facts.distance_km, 0) / policy.distance_half_km),
        "rating": _clamp((rating - 1) / 4),
        "experience": _clamp(facts.category_jobs / policy.experience_jobs),
        "acceptance": _clamp(policy.unknown_acceptance if acceptance is None else acceptance),
        "language": 1.0 if language_match else 0.0,
        "fairness": _clamp(1 - facts.recent_jobs / policy.fairness_jobs),
    }
    total = sum(policy.weights.get(name, 0) * value for name, value in parts.items())
    return Scored(facts, total, parts, rating, language_match)


def best(
    candidates: Iterable[HelperFacts], *, k: int, customer_language: str, prior_mean: float,
    policy: ScoringPolicy,
) -> list[Scored]:  # fmt: skip
    """The ``k`` best candidates, best first; ties go to the nearer helper, then the lower id
    (so the same data always gives the same offers)."""
    scored = (
        score(facts, customer_language=customer_language, prior_mean=prior_mean, policy=policy)
        for facts in candidates
    )
    return heapq.nsmallest(
        k, scored, key=lambda s: (-s.total, s.facts.distance_km, s.facts.helper_id)
    )


def breakdown(scored: Scored, *, prior_mean: float, customer_language: str) -> dict[str, Any]:
    """The JSON stored on the offer: the facts behind each part, and the parts."""
    facts = scored.facts
    return {
        "distance_km": round(facts.distance_km, 2),
        "radius_km": facts.radius_km,
        "outside_area": facts.distance_km > facts.radius_km,
        "rating": round(scored.rating, 3),
        "rating_average": facts.rating_average,
        "rating_count": facts.rating_count,
        "prior_mean": round(prior_mean, 3),
        "category_jobs": facts.category_jobs,
        "acceptance_rate": facts.acceptance_rate,
        "language": customer_language if scored.language_match else "",
        "recent_jobs": facts.recent_jobs,
        "parts": {name: round(value, 4) for name, value in scored.parts.items()},
    }


def _clamp(value: float) -> float:
    return min(max(value, 0.0), 1.0)
