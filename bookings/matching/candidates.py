"""Who may be offered a booking (DESIGN §6), and the best of them: one SQL query.

It searches the slots (matching's read model of helpers, see ``slots``): helpers with the
service's category as a skill and a weekly window around the visit (index columns), per radius
class in that class's box around the visit (a helper who goes 10 km is looked for in a 10 km
box: the widest radius anyone chose no longer sets the box for everyone), then the exact
distance within their own radius plus the wave's extra km; not away that day, not busy then,
under their daily maximum (the rules of ``helpers_available``); not asked yet in this search;
not the customer; a Pro for a Pro booking. The database computes each candidate's score with
the formula of ``scoring.score`` (a test keeps the two equal) and returns the best few; Python
scores those again with the pure function, which has the last word and explains itself.
A Python loop over the helpers in the area is never needed.
"""

import functools
import json
import math
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import F, FloatField, Q, Sum

from bookings.matching.scoring import HelperFacts, Scored, ScoringPolicy, best
from bookings.matching.slots import REACH_CLASSES_KM
from bookings.models import Booking
from helpers.availability import BUSY_STATUSES, DAY_STATUSES
from helpers.models import HelperProfile
from mila.lib import geo

RATING_MEAN_CACHE_KEY = "matching:rating-mean"
RATING_MEAN_SECONDS = 600
# Statuses of a booking that a helper took on (for "jobs taken recently").
TAKEN = ("confirmed", "en_route", "in_progress", "completed")
# The database returns a few more rows than wanted; the exact score picks among them (SQL and
# Python may round the same formula a hair apart).
ROWS_PER_WANTED = 4
MIN_ROWS = 20


@dataclass(frozen=True)
class Search:
    """What a candidate search is for: the booking, the visit window it must fit, how far
    beyond their own radius helpers may live, and the moment it runs."""

    booking: Booking
    start: datetime
    end: datetime
    extra_km: int
    now: datetime
    include_asked: bool = False  # staff choosing by hand may pick anyone
    only_helper: int | None = None  # is this one helper a candidate?


def candidates(search: Search, *, limit: int | None = None) -> list[HelperFacts]:
    """The helpers who may be offered the booking, best first (all without ``limit``)."""
    return [_facts(row) for row in _query(search, limit)]


def best_candidates(search: Search, *, k: int) -> list[Scored]:
    """The ``k`` best helpers for the booking, best first."""
    found = candidates(search, limit=max(ROWS_PER_WANTED * k, MIN_ROWS))
    return best(
        found, k=k, customer_language=search.booking.customer.preferred_language,
        prior_mean=platform_rating_mean(), policy=ScoringPolicy.from_settings(),
    )  # fmt: skip


def _facts(row: tuple[Any, ...]) -> HelperFacts:
    helper_id, distance, radius, average, count, acceptance, languages, jobs, recent, _ = row
    return HelperFacts(
        helper_id=helper_id, distance_km=float(distance), radius_km=radius,
        rating_average=float(average), rating_count=count, category_jobs=jobs,
        acceptance_rate=acceptance, languages=tuple(json.loads(languages)),
        recent_jobs=recent,
    )  # fmt: skip


def _query(search: Search, limit: int | None) -> list[tuple[Any, ...]]:
    tz = ZoneInfo(settings.TIME_ZONE)
    if search.end <= search.start or (
        search.start.astimezone(tz).date() != search.end.astimezone(tz).date()
    ):
        return []  # visits never run across midnight
    booking = search.booking
    customer_helper = (
        HelperProfile.objects.filter(user_id=booking.customer_id).values_list("pk", flat=True)
    ).first()
    sql = _sql(
        connection.vendor, pro=booking.tier == Booking.Tier.PRO,
        skip_asked=not search.include_asked, skip_helper=customer_helper is not None,
        limited=limit is not None, one=search.only_helper is not None,
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(sql, _params(search, customer_helper, limit))
        return cursor.fetchall()


def _params(search: Search, customer_helper: int | None, limit: int | None) -> dict[str, Any]:
    booking, ops = search.booking, connection.ops
    tz = ZoneInfo(settings.TIME_ZONE)
    local_start, local_end = search.start.astimezone(tz), search.end.astimezone(tz)
    day = local_start.date()
    day_start = datetime.combine(day, time.min, tzinfo=tz)
    policy = ScoringPolicy.from_settings()
    weights = policy.weights
    params: dict[str, Any] = {
        "category": booking.service.category_id,
        "weekday": day.weekday(),
        "from_time": ops.adapt_timefield_value(local_start.time()),
        "until_time": ops.adapt_timefield_value(local_end.time()),
        "lat": booking.lat, "lng": booking.lng,
        "diameter": 2 * geo.EARTH_RADIUS_KM, "cos_lat": math.cos(math.radians(booking.lat)),
        "extra_km": search.extra_km,
        "day": ops.adapt_datefield_value(day),
        "start": ops.adapt_datetimefield_value(search.start),
        "end": ops.adapt_datetimefield_value(search.end),
        "day_start": ops.adapt_datetimefield_value(day_start),
        "day_end": ops.adapt_datetimefield_value(day_start + timedelta(days=1)),
        "booking": booking.pk,
        "since": ops.adapt_datetimefield_value(booking.searching_at or booking.created_at),
        "customer_helper": customer_helper,
        "only_helper": search.only_helper,
        "limit": limit,
        "w_distance": weights.get("distance", 0), "half_km": policy.distance_half_km,
        "w_rating": weights.get("rating", 0), "prior_weight": policy.rating_prior_weight,
        "prior_mean": platform_rating_mean(),
        "w_acceptance": weights.get("acceptance", 0),
        "unknown_acceptance": policy.unknown_acceptance,
        "w_language": weights.get("language", 0),
        "language": f'%"{booking.customer.preferred_language}"%',
        "w_experience": weights.get("experience", 0),
        "experience_jobs": policy.experience_jobs,
        "w_fairness": weights.get("fairness", 0),
        "fairness_jobs": policy.fairness_jobs,
        "recent_since": ops.adapt_datetimefield_value(
            search.now - timedelta(days=settings.MATCHING_FAIRNESS_DAYS)
        ),
    }  # fmt: skip
    for reach in REACH_CLASSES_KM:
        box = geo.bounding_box(booking.lat, booking.lng, reach + search.extra_km)
        params |= {f"lat_lo_{reach}": box.min_lat, f"lat_hi_{reach}": box.max_lat,
                   f"lng_lo_{reach}": box.min_lng, f"lng_hi_{reach}": box.max_lng}  # fmt: skip
    return params


@functools.cache
def _sql(
    vendor: str, *, pro: bool, skip_asked: bool, skip_helper: bool, limited: bool, one: bool
) -> str:
    """The query for a database and a kind of search. Only structure is formatted in; every
    value is a parameter."""
    least, greatest = ("MIN", "MAX") if vendor == "sqlite" else ("LEAST", "GREATEST")
    real = "REAL" if vendor == "sqlite" else "DOUBLE PRECISION"
    busy = ", ".join(f"'{status}'" for status in BUSY_STATUSES)
    that_day = ", ".join(f"'{status}'" for status in DAY_STATUSES)
    taken = ", ".join(f"'{status}'" for status in TAKEN)
    per_class = " UNION ALL ".join(
        f"""SELECT helper_id, lat, lng, radius_km, languages, category_jobs, rating_average,
                   rating_count, acceptance_rate
            FROM bookings_helperslot
            WHERE category_id = %(category)s AND weekday = %(weekday)s AND reach_km = {reach}
              AND lat BETWEEN %(lat_lo_{reach})s AND %(lat_hi_{reach})s
              AND lng BETWEEN %(lng_lo_{reach})s AND %(lng_hi_{reach})s
              AND starts <= %(from_time)s AND ends >= %(until_time)s
              {"AND tier = 'pro'" if pro else ""}
              {"AND helper_id = %(only_helper)s" if one else ""}"""  # noqa: S608 (structure only)
        for reach in REACH_CLASSES_KM
    )
    distance = f"""%(diameter)s * ASIN({least}(1.0, SQRT(
        POWER(SIN(RADIANS(lat - %(lat)s) / 2), 2)
        + %(cos_lat)s * COS(RADIANS(lat)) * POWER(SIN(RADIANS(lng - %(lng)s) / 2), 2))))"""
    rating = f"""CASE WHEN rating_count > 0 THEN
        (%(prior_weight)s * %(prior_mean)s + rating_count * CAST(rating_average AS {real}))
        / (%(prior_weight)s + rating_count) ELSE %(prior_mean)s END"""

    def clamp(value: str) -> str:
        return f"{greatest}(0, {least}(1, {value}))"

    # scoring.score, part by part (a test keeps the two equal).
    score = f"""%(w_distance)s / (1 + distance_km / %(half_km)s)
        + %(w_rating)s * {clamp(f"(({rating}) - 1) / 4")}
        + %(w_experience)s * {clamp(f"CAST(category_jobs AS {real}) / %(experience_jobs)s")}
        + %(w_acceptance)s * {clamp("COALESCE(acceptance_rate, %(unknown_acceptance)s)")}
        + CASE WHEN languages LIKE %(language)s THEN %(w_language)s ELSE 0 END
        + %(w_fairness)s * {clamp(f"1 - CAST(recent_jobs AS {real}) / %(fairness_jobs)s")}"""
    asked = """AND near.helper_id NOT IN (
                  SELECT helper_id FROM bookings_offer
                  WHERE booking_id = %(booking)s AND sent_at >= %(since)s)"""
    return f"""
        WITH slot AS MATERIALIZED ({per_class}),
        near AS (SELECT slot.*, {distance} AS distance_km FROM slot),
        recent AS (
            SELECT helper_id, COUNT(*) AS jobs FROM bookings_booking
            WHERE helper_id IS NOT NULL AND status IN ({taken})
              AND confirmed_at >= %(recent_since)s
            GROUP BY helper_id),
        candidate AS (
            SELECT near.*, COALESCE(recent.jobs, 0) AS recent_jobs
            FROM near LEFT JOIN recent ON recent.helper_id = near.helper_id
            WHERE distance_km <= radius_km + %(extra_km)s
              AND near.helper_id NOT IN (
                  SELECT helper_id FROM helpers_timeoff
                  WHERE first_day <= %(day)s AND last_day >= %(day)s)
              AND near.helper_id NOT IN (
                  SELECT helper_id FROM bookings_booking
                  WHERE helper_id IS NOT NULL AND status IN ({busy})
                    AND starts_at < %(end)s AND ends_at > %(start)s)
              AND near.helper_id NOT IN (
                  SELECT b.helper_id FROM bookings_booking b
                  JOIN helpers_helperprofile h ON h.id = b.helper_id
                  WHERE b.status IN ({that_day})
                    AND b.starts_at < %(day_end)s AND b.ends_at > %(day_start)s
                  GROUP BY b.helper_id, h.max_jobs_per_day
                  HAVING COUNT(*) >= h.max_jobs_per_day)
              {asked if skip_asked else ""}
              {"AND near.helper_id <> %(customer_helper)s" if skip_helper else ""})
        SELECT helper_id, distance_km, radius_km, rating_average, rating_count, acceptance_rate,
               languages, category_jobs, recent_jobs, {score} AS score
        FROM candidate
        ORDER BY score DESC, distance_km, helper_id
        {"LIMIT %(limit)s" if limited else ""}"""  # noqa: S608 (structure only)


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
