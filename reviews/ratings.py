"""A helper's rating aggregates (average, count, distribution 1–5, per category), kept in step
with their reviews in the transaction that changes a review, and recomputed from scratch by
``manage.py recompute_ratings``.

The average is derived from the distribution (sum of stars / count), so applying the same
changes incrementally and recomputing them give exactly the same row.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count

from bookings.matching.candidates import RATING_MEAN_CACHE_KEY
from helpers.models import HelperProfile
from helpers.signals import helpers_changed
from mila.pagecache import pages_changed
from reviews.models import Review

PLATFORM_RATING_CACHE_KEY = "reviews:platform-rating"
CENT = Decimal("0.01")


@dataclass
class Ratings:
    """One helper's aggregates as plain values."""

    distribution: list[int] = field(default_factory=lambda: [0] * 5)
    categories: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def of(cls, helper: HelperProfile) -> "Ratings":
        distribution = list(helper.rating_distribution or []) + [0] * 5
        categories = {key: list(value) for key, value in (helper.category_ratings or {}).items()}
        return cls(distribution[:5], categories)

    @property
    def count(self) -> int:
        return sum(self.distribution)

    @property
    def average(self) -> Decimal:
        if not self.count:
            return Decimal("0.00")
        points = sum(stars * n for stars, n in enumerate(self.distribution, start=1))
        return (Decimal(points) / self.count).quantize(CENT)

    def by_category(self) -> dict[int, tuple[Decimal, int]]:
        """Each rated service category's (average, count), by category id; the average is
        rounded as the overall one is, so a helper rated in one category shows the same."""
        return {
            int(key): ((Decimal(total) / count).quantize(CENT), count)
            for key, (total, count) in self.categories.items()
            if key.isdigit() and count > 0
        }

    def add(self, stars: int, category_id: int | None, sign: int = 1) -> None:
        """Count ``sign`` more ratings of ``stars`` (a negative sign takes them away)."""
        self.distribution[stars - 1] += sign
        key = str(category_id)
        total, count = self.categories.get(key, [0, 0])
        total, count = total + sign * stars, count + sign
        if count:
            self.categories[key] = [total, count]
        else:
            self.categories.pop(key, None)

    def fields(self) -> dict[str, Any]:
        return {
            "rating_distribution": self.distribution,
            "category_ratings": dict(sorted(self.categories.items())),
            "rating_count": self.count,
            "rating_average": self.average,
        }


def stored(helper: HelperProfile) -> dict[str, Any]:
    """What the helper's row says now, in the shape of ``Ratings.fields``."""
    return {
        "rating_distribution": list(helper.rating_distribution or [0] * 5),
        "category_ratings": dict(sorted((helper.category_ratings or {}).items())),
        "rating_count": helper.rating_count,
        "rating_average": Decimal(helper.rating_average).quantize(CENT),
    }


def ratings_forget_cached() -> None:
    """The platform's mean (matching's prior, the home page) moved: now, and once more after
    commit, so nobody caches the value of the transaction before it."""

    def forget() -> None:
        cache.delete_many([RATING_MEAN_CACHE_KEY, PLATFORM_RATING_CACHE_KEY])
        pages_changed()  # the home page shows the mean, helper and service pages their ratings

    forget()
    transaction.on_commit(forget)


def ratings_apply(
    helper: HelperProfile, *, add: Review | None = None, remove: Review | None = None
) -> None:
    """Change the (locked) helper's aggregates by a review that starts or stops counting
    (``remove`` is the review as it counted before). Matching's slots follow."""
    ratings = Ratings.of(helper)
    for review, sign in ((remove, -1), (add, 1)):
        if review is not None:
            ratings.add(review.stars, review.booking.service.category_id, sign)
    values = ratings.fields()
    HelperProfile.objects.filter(pk=helper.pk).update(**values)
    for name, value in values.items():
        setattr(helper, name, value)
    helpers_changed.send(sender=HelperProfile, helper_ids=[helper.pk])
    ratings_forget_cached()


def ratings_expected() -> dict[int, Ratings]:
    """Every helper's aggregates from their counted reviews (one query)."""
    expected: dict[int, Ratings] = defaultdict(Ratings)
    rows = (
        Review.objects.counted()
        .values("helper_id", "booking__service__category_id", "stars")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        expected[row["helper_id"]].add(row["stars"], row["booking__service__category_id"], row["n"])
    return expected


@dataclass(frozen=True)
class Recomputed:
    helpers: int
    drifted: list[int]


@transaction.atomic
def ratings_recompute(*, fix: bool = True) -> Recomputed:
    """Recompute every helper's aggregates from the reviews; the helpers whose row differed
    (drift) are returned, and corrected unless ``fix`` is False."""
    expected = ratings_expected()
    drifted = []
    helpers = HelperProfile.objects.order_by("pk")
    if fix:
        helpers = helpers.select_for_update()
    for helper in helpers:
        values = expected.get(helper.pk, Ratings()).fields()
        if stored(helper) != values:
            drifted.append(helper.pk)
            if fix:
                HelperProfile.objects.filter(pk=helper.pk).update(**values)
    if fix and drifted:
        helpers_changed.send(sender=HelperProfile, helper_ids=drifted)
        ratings_forget_cached()
    return Recomputed(helpers=len(helpers), drifted=drifted)
