"""Matching follows what happens to helpers (DESIGN §9: signals only for loose add-ons): their
slots are rebuilt, and a helper who can no longer take jobs (suspended, account closed or
deactivated) has their open offers withdrawn — in the same transaction as the change."""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import m2m_changed, post_save

from bookings.matching.offers import offers_withdraw
from bookings.matching.slots import slots_refresh
from bookings.models import HelperSlot, Offer
from helpers.models import HelperProfile
from helpers.signals import helpers_changed


@transaction.atomic  # also when the change that signalled ran without one (autocommit)
def helpers_followed(helper_ids: Iterable[int]) -> None:
    ids = sorted(set(helper_ids))
    slots_refresh(ids)
    gone = HelperProfile.objects.filter(pk__in=ids).exclude(
        status=HelperProfile.Status.APPROVED, user__is_active=True
    )
    if gone.exists():
        offers_withdraw(offers=Offer.objects.filter(helper__in=gone),
                        reason=Offer.Withdrawn.PAUSED)  # fmt: skip


def _profile_saved(sender: Any, instance: HelperProfile, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        helpers_followed([instance.pk])


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
    helpers_followed(helper_ids)


def _user_saved(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    """A deactivated account (staff can untick "active") gets no offers."""
    if not raw:
        helpers_followed(HelperProfile.objects.filter(user=instance).values_list("pk", flat=True))


def connect() -> None:
    """Called once, from BookingsConfig.ready()."""
    post_save.connect(_profile_saved, sender=HelperProfile, dispatch_uid="slots-profile")
    m2m_changed.connect(
        _skills_changed, sender=HelperProfile.skills.through, dispatch_uid="slots-skills"
    )
    helpers_changed.connect(_helpers_changed, dispatch_uid="slots-helpers")
    post_save.connect(_user_saved, sender=get_user_model(), dispatch_uid="slots-user")
