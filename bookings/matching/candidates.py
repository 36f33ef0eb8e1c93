"""Who may be offered a booking (DESIGN §6), and the best of them: one SQL query.

It searches the slots (matching's read model of helpers, see ``slots``): helpers with the
service's category as a skill and a weekly window around the visit (index columns), per radius
class in that class's box around the visit (a helper who goes 10 km is looked for in a 10 km
box: the widest radius anyone chose no longer sets the box for everyone), then the exact
distance within their own radius plus the wave's extra km; not away that day, not busy then,
under their daily maximum (the rules of ``helpers_available``); not asked yet in this search,
nor ever if they gave this job back; not the customer; a Pro for a Pro booking.

Only the slot scan is proportional to the helpers in the area; everything that looks at a
helper's jobs and time off is an index probe for the few rows it is asked about. The database
ranks the helpers in reach by the score they would have without jobs taken recently (an upper
bound: the fairness part is never more than its weight), then walks down that ranking, checks
each helper's availability and counts their recent jobs, and stops after the rows it was asked
for. Python scores those with the pure function (``scoring.score``, which has the last word and
explains itself; a test keeps the SQL formula equal to it) and asks once more, for every helper
whose bound reaches the k-th score, when the ranking could still change below the last row.
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
# The database returns a few more rows than wanted, in the order of their upper bound; the
# exact score picks among them.
ROWS_PER_WANTED = 4
MIN_ROWS = 20
# SQL and Python may round the same formula a hair apart.
SCORE_EPSILON = 1e-6


@dataclass(frozen=True)
class Search:
    """What a candidate search is for: the booking, the visit window it must fit in the
    helper's weekly times, how far beyond their own radius helpers may live, and the moment it
    runs. ``keeps_start``–``keeps_end`` is the time accepting would keep free in the helper's
    calendar, when it is more than the visit ("as soon as possible": the way there too): the
    helper must have no other job then, or accepting would be refused."""

    booking: Booking
    start: datetime
    end: datetime
    extra_km: int
    now: datetime
    include_asked: bool = False  # staff choosing by hand may pick anyone
    only_helper: int | None = None  # is this one helper a candidate?
    keeps_start: datetime | None = None
    keeps_end: datetime | None = None


def candidates(search: Search) -> list[HelperFacts]:
    """Every helper who may be offered the booking, best first."""
    return [_facts(row) for row in _once(_query(search, _customer_helper(search.booking)))]


def best_candidates(search: Search, *, k: int) -> list[Scored]:
    """The ``k`` best helpers for the booking, best first."""
    wanted, customer_helper = max(ROWS_PER_WANTED * k, MIN_ROWS), _customer_helper(search.booking)
    rows = _query(search, customer_helper, limit=wanted)

    def ranked(rows: list[tuple[Any, ...]]) -> list[Scored]:
        return best(
            [_facts(row) for row in _once(rows)], k=k,
            customer_language=search.booking.customer.preferred_language,
            prior_mean=platform_rating_mean(), policy=ScoringPolicy.from_settings(),
        )  # fmt: skip

    chosen = ranked(rows)
    if len(rows) < wanted:
        return chosen  # that was everyone
    if len(chosen) < k:  # the rows held the same helpers more than once: look at everyone
        return ranked(_query(search, customer_helper))
    kth, lowest_bound = chosen[-1].total, min(row[BOUND] for row in rows)
    if kth > lowest_bound + SCORE_EPSILON:
        return chosen  # nobody further down the ranking can reach the k-th score
    return ranked(_query(search, customer_helper, floor=kth - SCORE_EPSILON))


def _once(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Each helper once: two of their weekly windows may both hold the visit (the forms merge
    overlapping windows, the database does not forbid them)."""
    first: dict[int, tuple[Any, ...]] = {}
    for row in rows:
        first.setdefault(row[0], row)
    return list(first.values())


BOUND = -2  # the row's column with the upper bound of its score (the score is the last)


def _facts(row: tuple[Any, ...]) -> HelperFacts:
    helper_id, distance, radius, average, count, acceptance, languages, jobs, recent, *_ = row
    return HelperFacts(
        helper_id=helper_id, distance_km=float(distance), radius_km=radius,
        rating_average=float(average), rating_count=count, category_jobs=jobs,
        acceptance_rate=acceptance, languages=tuple(json.loads(languages)),
        recent_jobs=recent,
    )  # fmt: skip


def _customer_helper(booking: Booking) -> int | None:
    """The customer's own helper profile, if they have one (never offered their booking)."""
    helper = HelperProfile.objects.filter(user_id=booking.customer_id).values_list("pk", flat=True)
    return helper.first()


def _query(
    search: Search,
    customer_helper: int | None,
    *,
    limit: int | None = None,
    floor: float | None = None,
) -> list[tuple[Any, ...]]:
    """The candidates as rows, best first: all of them, the first ``limit`` in the order of
    their upper bound, or those whose bound reaches ``floor``."""
    tz = ZoneInfo(settings.TIME_ZONE)
    if search.end <= search.start or (
        search.start.astimezone(tz).date() != search.end.astimezone(tz).date()
    ):
        return []  # visits never run across midnight
    booking = search.booking
    sql = _sql(
        connection.vendor, pro=booking.tier == Booking.Tier.PRO,
        skip_asked=not search.include_asked, skip_helper=customer_helper is not None,
        limited=limit is not None, floored=floor is not None, one=search.only_helper is not None,
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(sql, _params(search, customer_helper, limit, floor))
        return cursor.fetchall()


def _params(
    search: Search, customer_helper: int | None, limit: int | None, floor: float | None
) -> dict[str, Any]:
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
        "start": ops.adapt_datetimefield_value(search.keeps_start or search.start),
        "end": ops.adapt_datetimefield_value(search.keeps_end or search.end),
        "day_start": ops.adapt_datetimefield_value(day_start),
        "day_end": ops.adapt_datetimefield_value(day_start + timedelta(days=1)),
        "booking": booking.pk,
        "since": ops.adapt_datetimefield_value(booking.searching_at or booking.created_at),
        "customer_helper": customer_helper,
        "only_helper": search.only_helper,
        "limit": limit,
        "floor": floor,
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
        "fairness_bound": max(0, weights.get("fairness", 0)),
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
    vendor: str, *, pro: bool, skip_asked: bool, skip_helper: bool, limited: bool,
    floored: bool, one: bool,
) -> str:  # fmt: skip
    """The query for a database and a kind of search. Only structure is formatted in; every
    value is a parameter."""
    least, greatest = ("MIN", "MAX") if vendor == "sqlite" else ("LEAST", "GREATEST")
    real = "REAL" if vendor == "sqlite" else "DOUBLE PRECISION"
    # A fence: the walk below must not be pushed into the ranking (it would probe every row).
    fence = "LIMIT -1 OFFSET 0" if vendor == "sqlite" else "OFFSET 0"
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

    # scoring.score, part by part (a test keeps the two equal); the bound counts the fairness
    # part at its most.
    bound = f"""%(w_distance)s / (1 + distance_km / %(half_km)s)
        + %(w_rating)s * {clamp(f"(({rating}) - 1) / 4")}
        + %(w_experience)s * {clamp(f"CAST(category_jobs AS {real}) / %(experience_jobs)s")}
        + %(w_acceptance)s * {clamp("COALESCE(acceptance_rate, %(unknown_acceptance)s)")}
        + CASE WHEN languages LIKE %(language)s THEN %(w_language)s ELSE 0 END
        + %(fairness_bound)s"""
    fairness = f"%(w_fairness)s * {clamp(f'1 - CAST(recent_jobs AS {real}) / %(fairness_jobs)s')}"
    asked = """AND ranked.helper_id NOT IN (
                  SELECT helper_id FROM bookings_offer
                  WHERE booking_id = %(booking)s
                    AND (sent_at >= %(since)s OR withdrawn_reason = 'gave_back'))"""
    # Each probe reads one helper's rows through an index on (helper, ...). A job is on the
    # day (or overlaps the visit) if it ends after its start and starts before its end: only
    # the helper's coming jobs are read, never their history.
    return f"""
        WITH slot AS MATERIALIZED ({per_class}),
        near AS MATERIALIZED (SELECT slot.*, {distance} AS distance_km FROM slot)
        SELECT helper_id, distance_km, radius_km, rating_average, rating_count, acceptance_rate,
               languages, category_jobs, recent_jobs, bound,
               bound - %(fairness_bound)s + {fairness} AS score
        FROM (
            SELECT ranked.*, (
                SELECT COUNT(*) FROM bookings_booking b
                WHERE b.helper_id = ranked.helper_id AND b.confirmed_at >= %(recent_since)s
                  AND b.status IN ({taken})) AS recent_jobs
            FROM (
                SELECT near.*, {bound} AS bound
                FROM near
                WHERE distance_km <= radius_km + %(extra_km)s
                  {f"AND {bound} >= %(floor)s" if floored else ""}
                ORDER BY bound DESC, distance_km, helper_id {fence}
            ) ranked
            WHERE NOT EXISTS (
                    SELECT 1 FROM helpers_timeoff t
                    WHERE t.helper_id = ranked.helper_id
                      AND t.first_day <= %(day)s AND t.last_day >= %(day)s)
              AND NOT EXISTS (
                    SELECT 1 FROM bookings_booking b
                    WHERE b.helper_id = ranked.helper_id AND b.ends_at > %(start)s
                      AND b.starts_at < %(end)s AND b.status IN ({busy}))
              AND (SELECT COUNT(*) FROM bookings_booking b
                   WHERE b.helper_id = ranked.helper_id AND b.ends_at > %(day_start)s
                     AND b.starts_at < %(day_end)s AND b.status IN ({that_day}))
                  < (SELECT h.max_jobs_per_day FROM helpers_helperprofile h
                     WHERE h.id = ranked.helper_id)
              {asked if skip_asked else ""}
              {"AND ranked.helper_id <> %(customer_helper)s" if skip_helper else ""}
            ORDER BY bound DESC, distance_km, helper_id
            {"LIMIT %(limit)s" if limited else ""}
        ) candidate
        ORDER BY score DESC, distance_km, helper_id"""  # noqa: S608 (structure only)


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
