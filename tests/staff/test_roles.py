"""Roles: "Support" looks after bookings and customers, "Onboarding" decides on helpers.
Every admin action refuses whoever may not use it, and nothing changes."""

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from bookings.models import Booking, BookingEvent
from helpers.models import HelperEvent, HelperProfile
from tests.factories import BookingFactory, HelperProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

BOOKINGS = "admin:bookings_booking_changelist"
HELPERS = "admin:helpers_helperprofile_changelist"


def act(client: Any, changelist: str, action: str, *rows: Any, **extra: Any) -> Any:
    data = {"action": action, "_selected_action": [row.pk for row in rows], **extra}
    return client.post(reverse(changelist), data)


def permissions(role: str) -> set[str]:
    group = Group.objects.get(name=role)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}


def test_the_migration_creates_both_roles() -> None:
    support, onboarding = permissions("Support"), permissions("Onboarding")
    assert {"bookings.view_booking", "bookings.cancel_booking", "bookings.assign_booking",
            "customers.view_user", "reviews.view_review"} <= support  # fmt: skip
    assert {"helpers.view_helperprofile", "helpers.decide_helper"} <= onboarding
    assert "helpers.decide_helper" not in support
    assert not {p for p in onboarding if p.startswith(("bookings.", "reviews.", "customers."))
                and not p.endswith("_servicecategory")}  # fmt: skip
    # Nobody but a superuser makes someone staff or changes their groups.
    assert "customers.change_user" not in support | onboarding


def test_support_cannot_approve_helpers(client: Any, support: Any) -> None:
    profile = HelperProfileFactory(status=HelperProfile.Status.APPLIED)
    client.force_login(support)
    response = client.get(reverse(HELPERS))
    assert response.status_code == 200  # may look a helper up
    assert response.context["action_form"] is None  # and no action to choose
    for action in ("approve", "reject", "suspend", "reinstate"):
        assert act(client, HELPERS, action, profile, confirm="1", reason="x").status_code == 403
    profile.refresh_from_db()
    assert profile.status == HelperProfile.Status.APPLIED
    assert not HelperEvent.objects.exists()


def test_onboarding_approves_helpers(client: Any, onboarding: Any) -> None:
    profile = HelperProfileFactory(status=HelperProfile.Status.APPLIED)
    client.force_login(onboarding)
    assert act(client, HELPERS, "approve", profile).status_code == 302
    profile.refresh_from_db()
    assert profile.status == HelperProfile.Status.APPROVED
    assert HelperEvent.objects.get().actor == onboarding


@pytest.mark.parametrize("action", ["cancel_bookings", "search_again", "assign_helper"])
def test_onboarding_cannot_act_on_bookings(client: Any, onboarding: Any, action: str) -> None:
    booking = BookingFactory(status=Booking.Status.UNFULFILLED)
    client.force_login(onboarding)
    assert client.get(reverse(BOOKINGS)).status_code == 403
    assert act(client, BOOKINGS, action, booking).status_code == 403
    booking.refresh_from_db()
    assert booking.status == Booking.Status.UNFULFILLED
    assert not BookingEvent.objects.exists()


def test_onboarding_cannot_moderate_reviews(onboarding: Any) -> None:
    assert not any(onboarding.has_perm(f"reviews.{p}_review") for p in ("change", "hide", "view"))


def test_support_cancels_and_searches_again(client: Any, support: Any) -> None:
    cancel, again = BookingFactory(), BookingFactory(status=Booking.Status.UNFULFILLED)
    client.force_login(support)
    response = client.get(reverse(BOOKINGS))
    names = {name for name, _ in response.context["action_form"].fields["action"].choices}
    assert {"cancel_bookings", "search_again", "assign_helper"} <= names
    assert act(client, BOOKINGS, "cancel_bookings", cancel).status_code == 302
    assert act(client, BOOKINGS, "search_again", again).status_code == 302
    cancel.refresh_from_db()
    again.refresh_from_db()
    assert (cancel.status, again.status) == (Booking.Status.CANCELLED, Booking.Status.SEARCHING)
    assert set(BookingEvent.objects.values_list("actor", flat=True)) == {support.pk}


def _every_action() -> list[tuple[str, str]]:
    """(changelist URL name, action) for every action of every model admin."""
    found = []
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        for action in [*(model_admin.actions or []), "delete_selected"]:
            name = action if isinstance(action, str) else action.__name__
            found.append((f"admin:{meta.app_label}_{meta.model_name}_changelist", name))
    return found


@pytest.mark.parametrize(("changelist", "action"), _every_action())
def test_non_staff_reach_no_admin_action(client: Any, changelist: str, action: str) -> None:
    booking, profile = BookingFactory(), HelperProfileFactory(status=HelperProfile.Status.APPLIED)
    for user in (UserFactory(), profile.user):
        client.force_login(user)
        response = act(client, changelist, action, booking, profile, confirm="1", reason="x")
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
        assert client.get(response["Location"]).status_code == 403
    booking.refresh_from_db()
    profile.refresh_from_db()
    assert (booking.status, profile.status) == ("searching", "applied")
    assert not BookingEvent.objects.exists() and not HelperEvent.objects.exists()


@pytest.mark.parametrize(("changelist", "action"), _every_action())
def test_staff_without_a_role_use_no_admin_action(
    client: Any, changelist: str, action: str
) -> None:
    booking, profile = BookingFactory(), HelperProfileFactory(status=HelperProfile.Status.APPLIED)
    client.force_login(UserFactory(is_staff=True))
    response = act(client, changelist, action, booking, profile, confirm="1", reason="x")
    assert response.status_code == 403
    booking.refresh_from_db()
    profile.refresh_from_db()
    assert (booking.status, profile.status) == ("searching", "applied")
