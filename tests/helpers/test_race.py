"""Concurrent writes on one helper, each thread with its own connection (PostgreSQL only)."""

import threading
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest

from helpers.models import HelperEvent, HelperProfile
from helpers.services import HelperError, helper_apply, helper_decide
from mila.lib import geo
from notifications.models import Notification
from tests.concurrency import run_at_once
from tests.factories import HelperProfileFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]

S = HelperProfile.Status


def test_two_staff_deciding_at_once_decide_once(postgres: None) -> None:
    profile = HelperProfileFactory(status=S.APPLIED)
    staff = [UserFactory(is_staff=True), UserFactory(is_staff=True)]
    # Both opened the application while it was still under review.
    copies = [HelperProfile.objects.get(pk=profile.pk) for _ in staff]

    def approve() -> str:
        return helper_decide(profile=copies[0], to=S.APPROVED, actor=staff[0]).status

    def reject() -> str:
        return helper_decide(
            profile=copies[1], to=S.REJECTED, actor=staff[1], reason="Keine Kapazität"
        ).status

    results = run_at_once(approve, reject)

    winners = [value for outcome, value in results if outcome == "ok"]
    losers = [value for outcome, value in results if outcome == "error"]
    assert len(winners) == 1 and len(losers) == 1, results
    assert isinstance(losers[0], HelperError) and losers[0].code == "concurrent"
    assert HelperProfile.objects.get(pk=profile.pk).status == winners[0]
    assert HelperEvent.objects.filter(helper=profile).count() == 1
    assert Notification.objects.count() == 1


def test_applying_twice_at_once_makes_one_profile(
    postgres: None, make_application: Callable
) -> None:
    user = UserFactory()
    application = make_application()
    both_looked = threading.Barrier(2)
    real_lookup = geo.lookup

    def lookup_after_both_looked(*args: Any) -> Any:
        # Both requests have checked for an existing profile before either saves one.
        both_looked.wait(timeout=10)
        return real_lookup(*args)

    def apply() -> int:
        return helper_apply(user=user, application=application).pk

    with mock.patch.object(geo, "lookup", side_effect=lookup_after_both_looked):
        results = run_at_once(apply, apply)

    assert [outcome for outcome, _ in results] == ["ok", "ok"], results
    profile = HelperProfile.objects.get()
    assert {value for _, value in results} == {profile.pk}
    assert HelperEvent.objects.filter(helper=profile).count() == 1
