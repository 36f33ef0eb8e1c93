"""Who may be offered a booking (DESIGN §6): one SQL query, whatever the number of helpers.

The database does the filtering: approved, the service's category as a skill, a Pro for a Pro
booking, inside the bounding box of the widest radius (indexed), then the exact distance within
the helper's own radius (plus the wave's extra km), free for the visit (``free_between``), not
yet asked in this search, not the customer. Python only scores the rows that come back.
"""

import math
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Exists, F, FloatField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import ASin, Coalesce, Cos, Least, Power, Radians, Sin, Sqrt

from bookings.matching.scoring import HelperFacts
from bookings.models import Booking, Offer
from helpers.availability import free_between
from helpers.models import MAX_RADIUS_KM, HelperProfile
from mila.lib import geo

RATING_MEAN_CACHE_KEY = "matching:rating-mean"
RATING_MEAN_SECONDS = 600
# Statuses of a booking that a helper took on (for "jobs taken recently").
TAKEN = ("confirmed", "en_route", "in_progress", "completed")


def distance_km(lat: float, lng: float) -> Least:
    """The great-circle distance from (lat, lng) to a helper's home, in SQL (haversine)."""
    half_dlat = Radians(F("lat") - lat) / 2
    half_dlng = Radians(F("lng") - lng) / 2
    a = Power(Sin(half_dlat), 2) + math.cos(math.radians(lat)) * Cos(Radians(F("lat"))) * Power(
        Sin(half_dlng), 2
    )
    # Rounding can push sqrt(a) a hair above 1, where asin is undefined.
    return 2 * geo.EARTH_RADIUS_KM * ASin(Least(Sqrt(a), Value(1.0)), output_field=FloatField())


def candidates(
    *, booking: Booking, start: datetime, end: datetime, extra_km: int, now: datetime,
    include_asked: bool = False,
) -> list[HelperFacts]:  # fmt: skip
    """The helpers who may be offered ``booking`` for the visit [start, end)."""
    box = geo.bounding_box(booking.lat, booking.lng, MAX_RADIUS_KM + extra_km)
    helpers = HelperProfile.objects.approved().filter(
        lat__gte=box.min_lat, lat__lte=box.max_lat, lng__gte=box.min_lng, lng__lte=box.max_lng,
        skills=booking.service.category_id,
    ).exclude(user_id=booking.customer_id)  # fmt: skip
    if booking.tier == Booking.Tier.PRO:
        helpers = helpers.filter(tier=HelperProfile.Tier.PRO)
    if not include_asked:
        helpers = helpers.filter(~Exists(_asked_in_this_search(booking)))
    helpers = (
        free_between(helpers, start=start, end=end)
        .annotate(distance_km=distance_km(booking.lat, booking.lng))
        .filter(distance_km__lte=F("radius_km") + extra_km)
        .annotate(
            category_jobs=_count(
                Booking.objects.filter(
                    status=Booking.Status.COMPLETED, service__category=booking.service.category_id
                )
            ),
            recent_jobs=_count(
                Booking.objects.filter(
                    status__in=TAKEN,
                    confirmed_at__gte=now - timedelta(days=settings.MATCHING_FAIRNESS_DAYS),
                )
            ),
        )
    )
    rows = helpers.values_list(
        "pk", "distance_km", "radius_km", "rating_average", "rating_count", "category_jobs",
        "acceptance_rate", "languages", "recent_jobs",
    )  # fmt: skip
    return [_facts(*row) for row in rows]


def _facts(
    pk: int, distance: float, radius: int, average: object, count: int, jobs: int,
    acceptance: float | None, languages: list[str] | None, recent: int,
) -> HelperFacts:  # fmt: skip
    return HelperFacts(
        helper_id=pk, distance_km=distance, radius_km=radius, rating_average=float(average),
        rating_count=count, category_jobs=jobs, acceptance_rate=acceptance,
        languages=tuple(languages or ()), recent_jobs=recent,
    )  # fmt: skip


def _asked_in_this_search(booking: Booking) -> object:
    asked = Offer.objects.filter(booking=booking, helper=OuterRef("pk"))
    if booking.searching_at is not None:
        asked = asked.filter(sent_at__gte=booking.searching_at)
    return asked


def _count(bookings: object) -> Coalesce:
    per_helper = (
        bookings.filter(helper=OuterRef("pk"))  # type: ignore[attr-defined]
        .order_by()
        .values("helper")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(per_helper), 0)


def platform_rating_mean() -> float:
    """The mean of all ratings (the prior of every helper's Bayesian rating), cached: it
    moves slowly, and matching asks for it on every wave."""
    mean = cache.get(RATING_MEAN_CACHE_KEY)
    if mean is None:
        totals = HelperProfile.objects.approved().aggregate(
            points=Sum(F("rating_average") * F("rating_count"), output_field=FloatField()),
            ratings=Sum("rating_count", filter=Q(rating_count__gt=0)),
        )
        if totals["ratings"]:
            mean = float(totals["points"]) / totals["ratings"]
        else:
            mean = settings.MATCHING_DEFAULT_RATING
        cache.set(RATING_MEAN_CACHE_KEY, mean, RATING_MEAN_SECONDS)
    return float(mean)
