"""Reading reviews: what the public, a customer and a helper may see."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import F, FloatField, Q, Sum

from bookings.models import Booking, ServiceCategory
from helpers.models import HelperProfile
from reviews.models import Review
from reviews.ratings import PLATFORM_RATING_CACHE_KEY, Ratings

PLATFORM_RATING_SECONDS = 600


class CountedPaginator(Paginator):
    """Pages of a helper's public reviews: their number is the helper's rating count (the
    reviews that count are the visible ones), so paging costs no COUNT query."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self.known_count = count

    @property
    def count(self) -> int:
        return self.known_count


def public_review_pages(helper: HelperProfile, per_page: int) -> Paginator:
    """The helper's public reviews in pages, newest first; none without a query when the
    helper has no ratings."""
    reviews = public_reviews(helper) if helper.rating_count else Review.objects.none()
    return CountedPaginator(reviews, per_page, count=helper.rating_count)


def public_reviews(helper: HelperProfile) -> Any:
    """A helper's reviews as their public profile lists them, newest first: published ones
    and reported ones (until staff decide), never hidden ones."""
    return (
        Review.objects.visible()
        .filter(helper=helper)
        .select_related("author", "booking__service")
        .order_by("-created_at", "-pk")
    )


def review_for_customer(user: Any, reference: str) -> Review | None:
    return (
        Review.objects.filter(booking__customer=user, booking__reference=reference)
        .select_related("booking")
        .first()
        if getattr(user, "is_authenticated", False)
        else None
    )


def review_for_helper(user: Any, reference: str) -> Review | None:
    return (
        Review.objects.for_helper_user(user)
        .filter(booking__reference=reference)
        .select_related("booking")
        .first()
    )


def booking_for_review(user: Any, reference: str) -> Booking | None:
    """The customer's own booking (someone else's is None: a 404)."""
    return (
        Booking.objects.for_customer(user)
        .select_related("service", "helper__user")
        .filter(reference=reference)
        .first()
    )


@dataclass(frozen=True)
class PlatformRating:
    average: Decimal
    count: int


def platform_rating() -> PlatformRating | None:
    """The average of every counted rating on the platform and how many there are (None while
    there are none), cached; reviews.ratings forgets it when a rating changes."""
    cached = cache.get(PLATFORM_RATING_CACHE_KEY)
    if cached is None:
        totals = HelperProfile.objects.aggregate(
            points=Sum(F("rating_average") * F("rating_count"), output_field=FloatField()),
            ratings=Sum("rating_count", filter=Q(rating_count__gt=0)),
        )
        count = totals["ratings"] or 0
        average = round(totals["points"] / count, 1) if count else 0
        cached = (str(average), count)
        cache.set(PLATFORM_RATING_CACHE_KEY, cached, PLATFORM_RATING_SECONDS)
    average, count = cached
    return PlatformRating(Decimal(average), count) if count else None


def distribution(helper: HelperProfile) -> list[tuple[int, int]]:
    """(stars, how many) from 5 down to 1."""
    counts = (list(helper.rating_distribution or []) + [0] * 5)[:5]
    return [(stars, counts[stars - 1]) for stars in range(5, 0, -1)]


@dataclass(frozen=True)
class CategoryRating:
    name: str
    average: Decimal
    count: int


def category_ratings(helper: HelperProfile) -> list[CategoryRating]:
    """The helper's average in each service category they were rated in, named in the active
    language, most ratings first: one query for the names, none while there are no ratings."""
    rated = Ratings.of(helper).by_category()
    if not rated:
        return []
    categories = ServiceCategory.objects.in_bulk(list(rated))
    ordered = sorted(categories.values(), key=lambda c: (-rated[c.pk][1], c.position, c.slug))
    return [CategoryRating(c.name, *rated[c.pk]) for c in ordered]
