"""How well a helper fits a booking, as pure functions (DESIGN §6): no database."""

import json
from dataclasses import replace
from typing import Any

import pytest

from bookings.matching.scoring import (
    DEFAULT_WEIGHTS,
    PARTS,
    HelperFacts,
    Scored,
    ScoringPolicy,
    bayesian_rating,
    best,
    breakdown,
    score,
)

POLICY = ScoringPolicy()
PRIOR_MEAN = 4.5
# An ordinary candidate: every part of their score is above 0 and below 1.
HELPER = HelperFacts(
    helper_id=1,
    distance_km=2.0,
    radius_km=10,
    rating_average=4.8,
    rating_count=40,
    category_jobs=10,
    acceptance_rate=0.9,
    languages=("de", "fr"),
    recent_jobs=2,
)


def scored(
    policy: ScoringPolicy = POLICY,
    *,
    customer_language: str = "de",
    prior_mean: float = PRIOR_MEAN,
    **facts: Any,
) -> Scored:
    return score(
        replace(HELPER, **facts),
        customer_language=customer_language,
        prior_mean=prior_mean,
        policy=policy,
    )


def weights(**changes: float) -> dict[str, float]:
    return {**DEFAULT_WEIGHTS, **changes}


# --- bayesian_rating ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("average", "prior_mean", "prior_weight"),
    [
        (5.0, 4.5, 10),
        (1.0, 4.5, 10),
        (0.0, 4.5, 10),  # no ratings yet: the stored average means nothing
        (4.9, 3.8, 10),
        (0.0, 4.5, 0),  # even when the prior otherwise counts for nothing
    ],
)
def test_a_helper_without_ratings_has_the_platform_mean(
    average: float, prior_mean: float, prior_weight: float
) -> None:
    rating = bayesian_rating(average, 0, prior_mean=prior_mean, prior_weight=prior_weight)
    assert rating == prior_mean


def test_one_five_star_rating_does_not_beat_80_ratings_of_4_8() -> None:
    one = bayesian_rating(5.0, 1, prior_mean=4.5, prior_weight=10)
    eighty = bayesian_rating(4.8, 80, prior_mean=4.5, prior_weight=10)
    assert one == pytest.approx(50 / 11)  # (10 × 4.5 + 5) / 11 ≈ 4.55
    assert eighty == pytest.approx(429 / 90)  # (10 × 4.5 + 80 × 4.8) / 90 ≈ 4.77
    assert one < eighty


@pytest.mark.parametrize(
    ("average", "count", "expected"),
    [
        (4.8, 10, 4.65),  # as many ratings as the prior weight: half-way to the mean
        (3.0, 10, 3.75),
        (5.0, 1, 50 / 11),
        (4.0, 30, 4.125),  # (45 + 120) / 40
    ],
)
def test_the_prior_weight_counts_as_that_many_ratings_at_the_mean(
    average: float, count: int, expected: float
) -> None:
    assert bayesian_rating(average, count, prior_mean=4.5, prior_weight=10) == pytest.approx(
        expected
    )


@pytest.mark.parametrize(("average", "count"), [(5.0, 1), (4.2, 3), (1.0, 80), (3.7, 1000)])
def test_prior_weight_0_gives_the_raw_average(average: float, count: int) -> None:
    assert bayesian_rating(average, count, prior_mean=4.5, prior_weight=0) == pytest.approx(average)


@pytest.mark.parametrize("average", [4.9, 3.0])
def test_more_ratings_move_the_rating_towards_the_average(average: float) -> None:
    counts = [1, 2, 5, 10, 40, 80, 1000]
    ratings = [bayesian_rating(average, n, prior_mean=4.5, prior_weight=10) for n in counts]
    distances = [abs(rating - average) for rating in ratings]
    assert distances == sorted(distances, reverse=True)
    assert len(set(distances)) == len(distances)  # strictly closer with every step
    assert all(min(average, 4.5) < rating < max(average, 4.5) for rating in ratings)
    assert ratings[-1] == pytest.approx(average, abs=0.02)  # 1000 ratings outweigh the prior


# --- the parts of the score ---------------------------------------------------------------------


def test_every_part_is_reported() -> None:
    assert set(scored().parts) == set(PARTS) == set(DEFAULT_WEIGHTS)


@pytest.mark.parametrize(
    ("distance_km", "half_km", "part"),
    [
        (0.0, 5, 1.0),  # at the door
        (2.5, 5, 2 / 3),
        (5.0, 5, 0.5),  # exactly half at distance_half_km
        (15.0, 5, 0.25),
        (10.0, 10, 0.5),
        (5.0, 10, 2 / 3),
        (-0.1, 5, 1.0),  # a rounding error below 0 km is still at the door
    ],
)
def test_distance_part_halves_at_distance_half_km(
    distance_km: float, half_km: float, part: float
) -> None:
    policy = ScoringPolicy(distance_half_km=half_km)
    assert scored(policy, distance_km=distance_km).parts["distance"] == pytest.approx(part)


def test_the_distance_part_falls_with_every_km() -> None:
    parts = [scored(distance_km=km).parts["distance"] for km in (0, 1, 2, 5, 10, 30)]
    assert parts == sorted(parts, reverse=True)
    assert len(set(parts)) == len(parts)


@pytest.mark.parametrize(
    ("average", "part"),
    [
        (5.0, 1.0),
        (4.8, 0.95),
        (3.0, 0.5),
        (1.0, 0.0),
        (0.5, 0.0),  # out-of-range data stays within 0..1
        (5.5, 1.0),
    ],
)
def test_rating_part_maps_one_to_five_stars_onto_0_to_1(average: float, part: float) -> None:
    raw = ScoringPolicy(rating_prior_weight=0)
    result = scored(raw, rating_average=average, rating_count=3)
    assert result.rating == pytest.approx(average)
    assert result.parts["rating"] == pytest.approx(part)


def test_rating_part_uses_the_bayesian_rating() -> None:
    result = scored(rating_average=5.0, rating_count=1)
    assert result.rating == pytest.approx(50 / 11)
    assert result.parts["rating"] == pytest.approx((50 / 11 - 1) / 4)


def test_a_helper_without_ratings_gets_the_rating_part_of_the_mean() -> None:
    result = scored(rating_average=0.0, rating_count=0, prior_mean=4.2)
    assert result.rating == 4.2
    assert result.parts["rating"] == pytest.approx(0.8)


@pytest.mark.parametrize(
    ("jobs", "experience_jobs", "part"),
    [
        (0, 20, 0.0),
        (10, 20, 0.5),
        (19, 20, 0.95),
        (20, 20, 1.0),  # full experience exactly at experience_jobs
        (21, 20, 1.0),
        (200, 20, 1.0),
        (9, 10, 0.9),
        (10, 10, 1.0),
    ],
)
def test_experience_part_is_full_at_experience_jobs(
    jobs: int, experience_jobs: int, part: float
) -> None:
    policy = ScoringPolicy(experience_jobs=experience_jobs)
    assert scored(policy, category_jobs=jobs).parts["experience"] == pytest.approx(part)


@pytest.mark.parametrize(
    ("rate", "unknown", "part"),
    [
        (None, 0.7, 0.7),  # never answered an offer
        (None, 0.5, 0.5),
        (0.0, 0.7, 0.0),  # declined everything: not the same as unknown
        (0.9, 0.7, 0.9),
        (1.0, 0.7, 1.0),
    ],
)
def test_acceptance_part_is_the_rate_or_unknown_acceptance(
    rate: float | None, unknown: float, part: float
) -> None:
    policy = ScoringPolicy(unknown_acceptance=unknown)
    assert scored(policy, acceptance_rate=rate).parts["acceptance"] == pytest.approx(part)


@pytest.mark.parametrize(
    ("customer_language", "languages", "match"),
    [
        ("de", ("de", "fr"), True),
        ("fr", ("de", "fr"), True),
        ("it", ("de", "fr"), False),
        ("en", (), False),
    ],
)
def test_language_part_is_1_when_the_helper_speaks_the_customers_language(
    customer_language: str, languages: tuple[str, ...], match: bool
) -> None:
    result = scored(customer_language=customer_language, languages=languages)
    assert result.language_match is match
    assert result.parts["language"] == (1.0 if match else 0.0)


@pytest.mark.parametrize(
    ("recent_jobs", "fairness_jobs", "part"),
    [
        (0, 5, 1.0),
        (1, 5, 0.8),
        (4, 5, 0.2),  # one job short of fairness_jobs: still a boost
        (5, 5, 0.0),  # the boost is gone at fairness_jobs
        (6, 5, 0.0),
        (50, 5, 0.0),
        (5, 10, 0.5),
        (9, 10, 0.1),
        (10, 10, 0.0),
    ],
)
def test_fairness_part_fades_until_fairness_jobs(
    recent_jobs: int, fairness_jobs: int, part: float
) -> None:
    policy = ScoringPolicy(fairness_jobs=fairness_jobs)
    assert scored(policy, recent_jobs=recent_jobs).parts["fairness"] == pytest.approx(part)


# --- the total ----------------------------------------------------------------------------------


ONE_TO_SIX = {
    "distance": 1, "rating": 2, "experience": 3, "acceptance": 4, "language": 5, "fairness": 6,
}  # fmt: skip


def test_total_is_the_weighted_sum_of_the_parts() -> None:
    policy = ScoringPolicy(weights=ONE_TO_SIX, rating_prior_weight=0)
    # Every part is 0.5 except language and fairness, which are 1.
    result = scored(
        policy,
        distance_km=5.0,
        rating_average=3.0,
        category_jobs=10,
        acceptance_rate=0.5,
        recent_jobs=0,
    )
    assert result.total == pytest.approx(0.5 * 1 + 0.5 * 2 + 0.5 * 3 + 0.5 * 4 + 5 + 6)


def test_total_is_the_weighted_sum_with_the_default_weights() -> None:
    result = scored()
    expected = sum(DEFAULT_WEIGHTS[name] * result.parts[name] for name in PARTS)
    assert result.total == pytest.approx(expected)
    assert 0 < result.total < 100


def test_a_helper_perfect_in_every_part_scores_100_with_the_default_weights() -> None:
    result = scored(
        distance_km=0.0,
        rating_average=5.0,
        rating_count=0,
        prior_mean=5.0,
        category_jobs=20,
        acceptance_rate=1.0,
        recent_jobs=0,
    )
    assert result.total == pytest.approx(100)


@pytest.mark.parametrize("name", PARTS)
def test_a_part_weighted_0_no_longer_counts(name: str) -> None:
    with_part = scored()
    without = scored(ScoringPolicy(weights=weights(**{name: 0})))
    assert with_part.parts[name] > 0
    assert without.parts == with_part.parts
    assert without.total == pytest.approx(
        with_part.total - DEFAULT_WEIGHTS[name] * with_part.parts[name]
    )


def test_a_part_left_out_of_the_weights_counts_0() -> None:
    without_language = {name: w for name, w in DEFAULT_WEIGHTS.items() if name != "language"}
    speaks = scored(ScoringPolicy(weights=without_language), customer_language="de")
    does_not = scored(ScoringPolicy(weights=without_language), customer_language="it")
    assert speaks.total == pytest.approx(does_not.total)


# --- the fairness boost -------------------------------------------------------------------------

NEW_HELPER = HelperFacts(
    helper_id=2,
    distance_km=3.0,
    radius_km=10,
    rating_average=0.0,
    rating_count=0,
    category_jobs=0,
    acceptance_rate=None,
    languages=("de",),
    recent_jobs=0,
)


def established(*, category_jobs: int, acceptance_rate: float) -> HelperFacts:
    """A 4.8-star helper with 40 ratings and a full fairness period, as near as the new one."""
    return replace(
        NEW_HELPER,
        helper_id=1,
        rating_average=4.8,
        rating_count=40,
        category_jobs=category_jobs,
        acceptance_rate=acceptance_rate,
        recent_jobs=POLICY.fairness_jobs,
    )


ESTABLISHED = [
    established(category_jobs=10, acceptance_rate=0.8),
    established(category_jobs=20, acceptance_rate=0.9),
    established(category_jobs=50, acceptance_rate=1.0),  # full experience, accepts everything
]


@pytest.mark.parametrize("old_hand", ESTABLISHED)
def test_the_fairness_boost_keeps_new_helpers_from_starving(old_hand: HelperFacts) -> None:
    chosen = best(
        [old_hand, NEW_HELPER], k=1, customer_language="de", prior_mean=4.5, policy=POLICY
    )
    assert [s.facts.helper_id for s in chosen] == [NEW_HELPER.helper_id]


@pytest.mark.parametrize("old_hand", ESTABLISHED)
def test_without_the_fairness_weight_the_established_helper_wins(old_hand: HelperFacts) -> None:
    policy = ScoringPolicy(weights=weights(fairness=0))
    chosen = best(
        [NEW_HELPER, old_hand], k=1, customer_language="de", prior_mean=4.5, policy=policy
    )
    assert [s.facts.helper_id for s in chosen] == [old_hand.helper_id]


# --- best ---------------------------------------------------------------------------------------


def best_ids(candidates: list[HelperFacts], *, k: int, policy: ScoringPolicy = POLICY) -> list[int]:
    chosen = best(candidates, k=k, customer_language="de", prior_mean=PRIOR_MEAN, policy=policy)
    return [s.facts.helper_id for s in chosen]


def test_best_returns_k_candidates_best_first() -> None:
    # Alike but for the distance: the nearer, the better.
    candidates = [
        replace(HELPER, helper_id=helper_id, distance_km=km)
        for helper_id, km in [(1, 4.0), (2, 1.0), (3, 3.0), (4, 0.5), (5, 2.0)]
    ]
    chosen = best(candidates, k=3, customer_language="de", prior_mean=PRIOR_MEAN, policy=POLICY)
    assert [s.facts.helper_id for s in chosen] == [4, 2, 5]
    totals = [s.total for s in chosen]
    assert totals == sorted(totals, reverse=True)
    assert chosen[0].total > chosen[1].total > chosen[2].total


def test_best_puts_a_higher_score_before_a_nearer_helper() -> None:
    near_but_busy = replace(HELPER, helper_id=1, distance_km=1.0, recent_jobs=5)
    far_but_free = replace(HELPER, helper_id=2, distance_km=3.0, recent_jobs=0)
    assert best_ids([near_but_busy, far_but_free], k=2) == [2, 1]


@pytest.mark.parametrize(("count", "k", "returned"), [(2, 5, 2), (5, 5, 5), (0, 5, 0), (3, 0, 0)])
def test_best_returns_fewer_when_there_are_fewer_candidates(
    count: int, k: int, returned: int
) -> None:
    candidates = [replace(HELPER, helper_id=n) for n in range(1, count + 1)]
    assert len(best_ids(candidates, k=k)) == returned


def test_ties_go_to_the_nearer_helper_then_the_lower_id() -> None:
    # Distance weighted 0: these helpers score the same wherever they live.
    policy = ScoringPolicy(weights=weights(distance=0))
    candidates = [
        replace(HELPER, helper_id=7, distance_km=3.0),
        replace(HELPER, helper_id=9, distance_km=2.0),
        replace(HELPER, helper_id=1, distance_km=4.0),
        replace(HELPER, helper_id=3, distance_km=2.0),
    ]
    chosen = best(candidates, k=4, customer_language="de", prior_mean=PRIOR_MEAN, policy=policy)
    assert len({s.total for s in chosen}) == 1
    assert [s.facts.helper_id for s in chosen] == [3, 9, 7, 1]
    # The same data always gives the same offers, whatever order the database returns.
    assert best_ids(candidates[::-1], k=4, policy=policy) == [3, 9, 7, 1]
    assert best_ids(candidates, k=2, policy=policy) == [3, 9]


# --- breakdown ----------------------------------------------------------------------------------


def breakdown_of(
    *, customer_language: str = "fr", prior_mean: float = 4.56789, **facts: Any
) -> dict[str, Any]:
    defaults: dict[str, Any] = {
        "distance_km": 3.14159,
        "rating_average": 5.0,
        "rating_count": 1,
        "category_jobs": 7,
        "acceptance_rate": None,
        "recent_jobs": 2,
    }
    result = scored(
        customer_language=customer_language, prior_mean=prior_mean, **{**defaults, **facts}
    )
    return breakdown(result, prior_mean=prior_mean, customer_language=customer_language)


def test_breakdown_states_the_facts_and_the_rounded_parts() -> None:
    assert breakdown_of() == {
        "distance_km": 3.14,
        "radius_km": 10,
        "outside_area": False,
        "rating": 4.607,  # (10 × 4.56789 + 5) / 11 = 4.60717…
        "rating_average": 5.0,
        "rating_count": 1,
        "prior_mean": 4.568,
        "category_jobs": 7,
        "acceptance_rate": None,
        "language": "fr",
        "recent_jobs": 2,
        "parts": {
            "distance": 0.6141,  # 1 / (1 + 3.14159 / 5) = 0.614130…
            "rating": 0.9018,  # (4.60717… − 1) / 4 = 0.901793…
            "experience": 0.35,
            "acceptance": 0.7,
            "language": 1.0,
            "fairness": 0.6,
        },
    }


@pytest.mark.parametrize("acceptance_rate", [None, 0.9])
def test_breakdown_is_json_serialisable(acceptance_rate: float | None) -> None:
    stored = breakdown_of(acceptance_rate=acceptance_rate)
    assert json.loads(json.dumps(stored)) == stored


@pytest.mark.parametrize(
    ("distance_km", "radius_km", "outside"),
    [
        (10.0, 10, False),  # on the edge of their area is inside
        (9.99, 10, False),
        (10.01, 10, True),
        (13.0, 10, True),
        (0.0, 0, False),
        (0.5, 0, True),
    ],
)
def test_outside_area_when_farther_than_the_helpers_radius(
    distance_km: float, radius_km: int, outside: bool
) -> None:
    assert breakdown_of(distance_km=distance_km, radius_km=radius_km)["outside_area"] is outside


@pytest.mark.parametrize(
    ("customer_language", "languages", "language"),
    [
        ("fr", ("de", "fr"), "fr"),
        ("de", ("de", "fr"), "de"),
        ("it", ("de", "fr"), ""),
    ],
)
def test_breakdown_names_the_shared_language_or_none(
    customer_language: str, languages: tuple[str, ...], language: str
) -> None:
    stored = breakdown_of(customer_language=customer_language, languages=languages)
    assert stored["language"] == language


# --- the policy from the settings ---------------------------------------------------------------


def test_the_default_settings_give_the_default_policy() -> None:
    assert ScoringPolicy.from_settings() == ScoringPolicy()


def test_the_policy_follows_the_matching_settings(settings: Any) -> None:
    new_weights = {
        "distance": 40, "rating": 20, "experience": 5, "acceptance": 5, "language": 10,
        "fairness": 20,
    }  # fmt: skip
    settings.MATCHING_WEIGHTS = new_weights
    settings.MATCHING_FAIRNESS_JOBS = 3
    settings.MATCHING_RATING_PRIOR_WEIGHT = 4
    settings.MATCHING_DISTANCE_HALF_KM = 2
    settings.MATCHING_EXPERIENCE_JOBS = 8
    settings.MATCHING_UNKNOWN_ACCEPTANCE = 0.5

    policy = ScoringPolicy.from_settings()

    assert dict(policy.weights) == new_weights
    assert (
        policy.fairness_jobs,
        policy.rating_prior_weight,
        policy.distance_half_km,
        policy.experience_jobs,
        policy.unknown_acceptance,
    ) == (3, 4, 2, 8, 0.5)
    assert scored(policy, recent_jobs=3).parts["fairness"] == 0.0
    assert scored(policy, recent_jobs=2).parts["fairness"] == pytest.approx(1 / 3)
    assert scored(policy, distance_km=2.0).parts["distance"] == pytest.approx(0.5)


def test_the_policy_keeps_its_own_read_only_weights(settings: Any) -> None:
    settings.MATCHING_WEIGHTS = weights(distance=40)
    policy = ScoringPolicy.from_settings()
    settings.MATCHING_WEIGHTS["distance"] = 0  # a later change does not reach this policy
    assert policy.weights["distance"] == 40
    with pytest.raises(TypeError):
        policy.weights["distance"] = 0  # type: ignore[index]
