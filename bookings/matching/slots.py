"""Keeping matching's read model of helpers (``HelperSlot``) in step with the helpers.

A helper's slots are rebuilt — in the same transaction as the change — whenever their
profile, skills, weekly times, status or statistics change: on the model signals for saving a
profile and changing skills, on the helpers app's ``helpers_changed`` signal for what those do
not see (weekly times are replaced in bulk, statuses and statistics change by ``update()``),
and when one of their visits is completed (``booking_transition``). Nothing else writes slots.
``slots_rebuild_all`` (``manage.py rebuild_matching_slots``) rebuilds everyone's.

The rows are written by one INSERT … SELECT over the helpers, their skills and their windows:
set-based, so a rebuild of 100,000 helpers takes seconds, not the minutes of saving models.
"""

from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models.signals import m2m_changed, post_save

from bookings.models import HelperSlot
from helpers.models import HelperProfile
from helpers.signals import helpers_changed

# Helpers are searched per radius class: a helper who goes 10 km from home is looked for in a
# 10 km box around the visit, not in the box of the widest radius anyone chose.
REACH_CLASSES_KM = (5, 10, 15, 20, 30, 50)
BATCH = 1000

_REACH = " ".join(f"WHEN h.radius_km <= {reach} THEN {reach}" for reach in REACH_CLASSES_KM)
INSERT_SLOTS = f"""
    INSERT INTO bookings_helperslot (
        helper_id, category_id, weekday, starts, ends, lat, lng, radius_km, reach_km, tier,
        languages, category_jobs, rating_average, rating_count, acceptance_rate)
    SELECT h.id, s.servicecategory_id, w.weekday, w.starts, w.ends, h.lat, h.lng, h.radius_km,
           CASE {_REACH} END, h.tier, CAST(h.languages AS TEXT),
           (SELECT COUNT(*) FROM bookings_booking b
              JOIN bookings_service sv ON sv.id = b.service_id
             WHERE b.helper_id = h.id AND b.status = 'completed'
               AND sv.category_id = s.servicecategory_id),
           h.rating_average, h.rating_count, h.acceptance_rate
      FROM helpers_helperprofile h
      JOIN helpers_helperprofile_skills s ON s.helperprofile_id = h.id
      JOIN helpers_availabilitywindow w ON w.helper_id = h.id
     WHERE h.status = 'approved' AND h.lat IS NOT NULL AND h.lng IS NOT NULL"""  # noqa: S608 (constants only)


def reach_class(radius_km: int) -> int:
    return next(reach for reach in REACH_CLASSES_KM if radius_km <= reach)


def slots_refresh(helper_ids: Iterable[int]) -> None:
    """Rebuild these helpers' slots from their current rows (two statements per batch)."""
    ids = sorted(set(helper_ids))
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        HelperSlot.objects.filter(helper_id__in=batch).delete()
        with connection.cursor() as cursor:
            marks = ", ".join(["%s"] * len(batch))
            cursor.execute(f"{INSERT_SLOTS} AND h.id IN ({marks})", batch)


def slots_rebuild_all() -> int:
    """Rebuild every helper's slots; returns how many there are now."""
    HelperSlot.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(INSERT_SLOTS)
    return HelperSlot.objects.count()


def _profile_saved(sender: Any, instance: HelperProfile, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        slots_refresh([instance.pk])


def _skills_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:  # helper.skills.set(...)
        slots_refresh([instance.pk])
    elif pk_set:  # category.helpers.add(...)
        slots_refresh(pk_set)
    else:  # category.helpers.clear(): the helpers are gone from the relation already
        HelperSlot.objects.filter(category_id=instance.pk).delete()


def _helpers_changed(sender: Any, helper_ids: Iterable[int], **kwargs: Any) -> None:
    slots_refresh(helper_ids)


def connect() -> None:
    """Called once, from BookingsConfig.ready()."""
    post_save.connect(_profile_saved, sender=HelperProfile, dispatch_uid="slots-profile")
    m2m_changed.connect(
        _skills_changed, sender=HelperProfile.skills.through, dispatch_uid="slots-skills"
    )
    helpers_changed.connect(_helpers_changed, dispatch_uid="slots-helpers")
