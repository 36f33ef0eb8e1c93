"""Keeping matching's read model of helpers (``HelperSlot``) in step with the helpers.

A helper's slots are rebuilt — in the same transaction as the change — whenever their
profile, skills, weekly times, status, account or statistics change (see ``receivers``), and
when one of their visits is completed (``booking_transition``). Nothing else writes slots.
``slots_rebuild_all`` (``manage.py rebuild_matching_slots``) rebuilds everyone's.

The rows are written by one INSERT … SELECT over the helpers, their skills and their windows:
set-based, so a rebuild of 100,000 helpers takes seconds, not the minutes of saving models.
"""

from collections.abc import Iterable

from django.db import connection, transaction

from bookings.models import HelperSlot

# Helpers are searched per radius class: a helper who goes 10 km from home is looked for in a
# 10 km box around the visit, not in the box of the widest radius anyone chose.
REACH_CLASSES_KM = (5, 10, 15, 20, 30, 50)
BATCH = 1000
# pg_advisory_xact_lock(this + helper id) means "rebuilding this helper's slots".
ADVISORY_LOCK_SPACE = 7 << 48

_REACH = " ".join(f"WHEN h.radius_km <= {reach} THEN {reach}" for reach in REACH_CLASSES_KM)
# One slot per helper, skill, weekday and start: windows that start together (only ever
# written past the forms, which merge overlapping ones) count as the longest of them.
INSERT_SLOTS = f"""
    INSERT INTO bookings_helperslot (
        helper_id, category_id, weekday, starts, ends, lat, lng, radius_km, reach_km, tier,
        languages, category_jobs, rating_average, rating_count, acceptance_rate)
    SELECT h.id, s.servicecategory_id, w.weekday, w.starts, MAX(w.ends), h.lat, h.lng,
           h.radius_km, CASE {_REACH} END, h.tier, CAST(h.languages AS TEXT),
           (SELECT COUNT(*) FROM bookings_booking b
              JOIN bookings_service sv ON sv.id = b.service_id
             WHERE b.helper_id = h.id AND b.status = 'completed'
               AND sv.category_id = s.servicecategory_id),
           h.rating_average, h.rating_count, h.acceptance_rate
      FROM helpers_helperprofile h
      JOIN customers_user u ON u.id = h.user_id
      JOIN helpers_helperprofile_skills s ON s.helperprofile_id = h.id
      JOIN helpers_availabilitywindow w ON w.helper_id = h.id
     WHERE h.status = 'approved' AND u.is_active AND h.lat IS NOT NULL
       AND h.lng IS NOT NULL {{helpers}}
     GROUP BY h.id, s.servicecategory_id, w.weekday, w.starts"""  # noqa: S608 (constants only)


def reach_class(radius_km: int) -> int:
    return next(reach for reach in REACH_CLASSES_KM if radius_km <= reach)


@transaction.atomic
def slots_refresh(helper_ids: Iterable[int]) -> None:
    """Rebuild these helpers' slots from their current rows, in one transaction.

    Two rebuilds of one helper at once would both delete and then both insert; on PostgreSQL
    a transaction-scoped advisory lock per helper (taken in id order) makes them queue. It
    locks nothing else, so it cannot upset the row lock order of the caller.
    """
    ids = sorted(set(helper_ids))
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                keys = [ADVISORY_LOCK_SPACE + helper_id for helper_id in batch]
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(key) FROM unnest(%s::bigint[]) AS key", [keys]
                )
            HelperSlot.objects.filter(helper_id__in=batch).delete()
            marks = ", ".join(["%s"] * len(batch))
            cursor.execute(INSERT_SLOTS.format(helpers=f"AND h.id IN ({marks})"), batch)


@transaction.atomic
def slots_rebuild_all() -> int:
    """Rebuild every helper's slots; returns how many there are now."""
    HelperSlot.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(INSERT_SLOTS.format(helpers=""))
    return HelperSlot.objects.count()
