"""Staff review helpers in the admin: the queue, search, and approve / reject / suspend /
reinstate through the services (audit row, e-mail)."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from helpers.models import HelperEvent, HelperProfile
from notifications.models import Notification
from tests.factories import HelperProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

S = HelperProfile.Status
CHANGELIST = "admin:helpers_helperprofile_changelist"


@pytest.fixture
def staff_client(client: Any, staff: Any) -> Any:
    client.force_login(staff)
    return client


def act(client: Any, action: str, *profiles: HelperProfile, **extra: Any) -> Any:
    data = {"action": action, "_selected_action": [p.pk for p in profiles], **extra}
    return client.post(reverse(CHANGELIST), data)


def status_of(profile: HelperProfile) -> str:
    profile.refresh_from_db()
    return profile.status


def messages_text(response: Any) -> str:
    return " ".join(str(m) for m in response.context["messages"])


# --- the queue and search ----------------------------------------------------------------------


def test_applications_oldest_first(staff_client: Any) -> None:
    now = timezone.now()
    middle = HelperProfileFactory(status=S.APPLIED, created_at=now - timedelta(days=2))
    newest = HelperProfileFactory(status=S.APPLIED, created_at=now - timedelta(hours=1))
    oldest = HelperProfileFactory(status=S.APPLIED, created_at=now - timedelta(days=9))
    HelperProfileFactory(status=S.APPROVED, created_at=now - timedelta(days=30))
    HelperProfileFactory(status=S.REJECTED, created_at=now - timedelta(days=20))
    response = staff_client.get(reverse(CHANGELIST), {"status__exact": "applied"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [oldest, middle, newest]


@pytest.mark.parametrize("query", ["ruth.keller@example.ch", "Keller", "keller", "3011", "Bern"])
def test_search(staff_client: Any, query: str) -> None:
    found = HelperProfileFactory(user__email="ruth.keller@example.ch", user__first_name="Ruth",
                                 user__last_name="Keller", postcode="3011", city="Bern",
                                 status=S.APPLIED)  # fmt: skip
    HelperProfileFactory(user__first_name="Anna", user__last_name="Huber")
    HelperProfileFactory(user__first_name="Marco", user__last_name="Müller", postcode="8002")
    response = staff_client.get(reverse(CHANGELIST), {"q": query})
    assert list(response.context["cl"].result_list) == [found]


def test_change_page_shows_the_audit_trail(staff_client: Any, staff: Any) -> None:
    profile = HelperProfileFactory(status=S.REJECTED, status_reason="Zu weit weg")
    HelperEvent.objects.create(helper=profile, from_status=S.APPLIED, to_status=S.REJECTED,
                               actor=staff, reason="Zu weit weg")  # fmt: skip
    response = staff_client.get(reverse("admin:helpers_helperprofile_change", args=[profile.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Zu weit weg" in body and profile.user.email in body
    assert 'name="status"' not in body  # status changes only through the actions


@pytest.mark.parametrize("count", [5, 50])
def test_changelist_query_count_does_not_grow(
    staff_client: Any, count: int, django_assert_max_num_queries: Callable
) -> None:
    statuses = [S.APPLIED, S.APPROVED, S.REJECTED, S.SUSPENDED]
    for i in range(count):
        HelperProfileFactory(status=statuses[i % 4], tier="pro" if i % 3 else "friend")
    with django_assert_max_num_queries(10):
        response = staff_client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    assert response.context["cl"].result_count == count


# --- approve and reinstate ---------------------------------------------------------------------


def test_approve(
    staff_client: Any, staff: Any, django_capture_on_commit_callbacks: Callable
) -> None:
    first, second = HelperProfileFactory.create_batch(2, status=S.APPLIED)
    untouched = HelperProfileFactory(status=S.APPLIED)
    with django_capture_on_commit_callbacks(execute=True):
        response = act(staff_client, "approve", first, second)
    assert response.status_code == 302
    assert (status_of(first), status_of(second), status_of(untouched)) == (
        S.APPROVED,
        S.APPROVED,
        S.APPLIED,
    )
    event = HelperEvent.objects.get(helper=first)
    assert (event.from_status, event.to_status, event.actor) == (S.APPLIED, S.APPROVED, staff)
    assert HelperEvent.objects.count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([first.user.email, second.user.email])


def test_reinstate(
    staff_client: Any, staff: Any, django_capture_on_commit_callbacks: Callable
) -> None:
    profile = HelperProfileFactory(status=S.SUSPENDED, status_reason="Beschwerden")
    with django_capture_on_commit_callbacks(execute=True):
        act(staff_client, "reinstate", profile)
    profile.refresh_from_db()
    assert (profile.status, profile.status_reason) == (S.APPROVED, "")
    event = HelperEvent.objects.get()
    assert (event.from_status, event.to_status, event.actor) == (S.SUSPENDED, S.APPROVED, staff)
    assert Notification.objects.get().kind == Notification.Kind.HELPER_REINSTATED
    assert [m.to for m in mail.outbox] == [[profile.user.email]]


@pytest.mark.parametrize("status", [S.REJECTED, S.APPROVED])
def test_approving_a_helper_not_under_review_is_refused(
    staff_client: Any, status: str, django_capture_on_commit_callbacks: Callable
) -> None:
    profile = HelperProfileFactory(status=status, status_reason="vorher")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse(CHANGELIST),
            {"action": "approve", "_selected_action": [profile.pk]},
            follow=True,
        )
    assert response.status_code == 200
    assert profile.public_name in messages_text(response)
    profile.refresh_from_db()
    assert (profile.status, profile.status_reason) == (status, "vorher")
    assert HelperEvent.objects.count() == 0 and Notification.objects.count() == 0
    assert mail.outbox == []


def test_mixed_selection_approves_only_the_applications(staff_client: Any) -> None:
    applied = HelperProfileFactory(status=S.APPLIED)
    rejected = HelperProfileFactory(status=S.REJECTED)
    act(staff_client, "approve", applied, rejected)
    assert (status_of(applied), status_of(rejected)) == (S.APPROVED, S.REJECTED)


def test_non_staff_cannot_use_the_actions(client: Any) -> None:
    profile = HelperProfileFactory(status=S.APPLIED)
    client.force_login(UserFactory())
    response = client.post(
        reverse(CHANGELIST), {"action": "approve", "_selected_action": [profile.pk]}, follow=True
    )
    assert response.status_code == 403
    assert status_of(profile) == S.APPLIED
    assert HelperEvent.objects.count() == 0 and Notification.objects.count() == 0


def test_helper_cannot_approve_themselves(client: Any) -> None:
    profile = HelperProfileFactory(status=S.APPLIED)
    client.force_login(profile.user)
    response = client.post(
        reverse(CHANGELIST), {"action": "approve", "_selected_action": [profile.pk]}, follow=True
    )
    assert response.status_code == 403
    assert status_of(profile) == S.APPLIED


def test_view_only_staff_cannot_decide(client: Any) -> None:
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_helperprofile"))
    client.force_login(viewer)
    profile = HelperProfileFactory(status=S.APPLIED)
    assert client.get(reverse(CHANGELIST)).status_code == 200  # may look
    act(client, "approve", profile)
    assert status_of(profile) == S.APPLIED


# --- reject and suspend: with a reason, asked on a page in between -----------------------------


@pytest.mark.parametrize(
    ("action", "start", "to", "kind"),
    [
        ("reject", S.APPLIED, S.REJECTED, Notification.Kind.HELPER_REJECTED),
        ("suspend", S.APPROVED, S.SUSPENDED, Notification.Kind.HELPER_SUSPENDED),
    ],
)
def test_decision_with_a_reason(
    staff_client: Any,
    staff: Any,
    django_capture_on_commit_callbacks: Callable,
    action: str,
    start: str,
    to: str,
    kind: str,
) -> None:
    profile = HelperProfileFactory(status=start)
    bystander = HelperProfileFactory(status=start)

    # 1. Choosing the action shows the page asking for a reason; nothing changes yet.
    response = act(staff_client, action, profile)
    assert response.status_code == 200
    assert response.templates[0].name == "admin/helpers/decision.html"
    assert list(response.context["helpers"]) == [profile]
    assert not response.context["form"].is_bound
    body = response.content.decode()
    assert profile.user.email in body and 'name="reason"' in body
    assert f'value="{profile.pk}"' in body and f'value="{action}"' in body
    assert status_of(profile) == start

    # 2. Confirming without a reason shows the page again, with an error.
    response = act(staff_client, action, profile, confirm="1", reason="   ")
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert status_of(profile) == start
    assert HelperEvent.objects.count() == 0 and Notification.objects.count() == 0

    # 3. With a reason it is done, and the helper reads the reason.
    reason = "Leider passt es im Moment nicht."
    with django_capture_on_commit_callbacks(execute=True):
        response = act(staff_client, action, profile, confirm="1", reason=reason)
    assert response.status_code == 302
    profile.refresh_from_db()
    assert (profile.status, profile.status_reason) == (to, reason)
    event = HelperEvent.objects.get()
    assert (event.helper, event.from_status, event.to_status) == (profile, start, to)
    assert (event.actor, event.reason) == (staff, reason)
    assert Notification.objects.get().kind == kind
    assert [m.to for m in mail.outbox] == [[profile.user.email]]
    assert reason in mail.outbox[0].body
    assert status_of(bystander) == start


def test_reject_several_at_once(staff_client: Any) -> None:
    helpers = HelperProfileFactory.create_batch(3, status=S.APPLIED)
    response = act(staff_client, "reject", *helpers[:2], confirm="1", reason="Keine Kapazität")
    assert response.status_code == 302
    assert [status_of(h) for h in helpers] == [S.REJECTED, S.REJECTED, S.APPLIED]
    assert HelperEvent.objects.count() == 2


def test_suspending_an_application_is_refused(staff_client: Any) -> None:
    profile = HelperProfileFactory(status=S.APPLIED)
    response = staff_client.post(
        reverse(CHANGELIST),
        {"action": "suspend", "_selected_action": [profile.pk], "confirm": "1",
         "reason": "Beschwerden"},
        follow=True,
    )  # fmt: skip
    assert response.status_code == 200
    assert profile.public_name in messages_text(response)
    assert status_of(profile) == S.APPLIED
    assert HelperEvent.objects.count() == 0


# --- editing a helper --------------------------------------------------------------------------


def change_data(profile: HelperProfile, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "tier": profile.tier, "company_name": profile.company_name, "uid": profile.uid,
        "skills": [s.pk for s in profile.skills.all()], "languages": ["de"], "bio": profile.bio,
        "postcode": profile.postcode, "city": profile.city, "country": profile.country,
        "radius_km": profile.radius_km, "max_jobs_per_day": profile.max_jobs_per_day,
    }  # fmt: skip
    for prefix in ("events", "windows", "time_off"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0",
                 f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}  # fmt: skip
    return data | changes


def test_staff_edit_a_helper(staff_client: Any) -> None:
    profile = HelperProfileFactory(status=S.APPROVED)
    url = reverse("admin:helpers_helperprofile_change", args=[profile.pk])
    response = staff_client.post(url, change_data(profile, radius_km="25", max_jobs_per_day="5"))
    assert response.status_code == 302
    profile.refresh_from_db()
    assert (profile.radius_km, profile.max_jobs_per_day, profile.status) == (25, 5, S.APPROVED)


def test_staff_changing_the_postcode_moves_the_helper(staff_client: Any) -> None:
    profile = HelperProfileFactory(status=S.APPROVED)  # Zürich 8001
    url = reverse("admin:helpers_helperprofile_change", args=[profile.pk])
    staff_client.post(url, change_data(profile, postcode="3011", city="Bern"))
    profile.refresh_from_db()
    moved = (profile.postcode, profile.city, profile.lat, profile.lng)
    assert moved in [("3011", "Bern", 46.9477, 7.4458), ("8001", "Zürich", 47.3721, 8.5417)]


def test_staff_cannot_store_an_invalid_uid(staff_client: Any) -> None:
    profile = HelperProfileFactory(tier="pro", company_name="Tech AG", uid="CHE-116.281.710")
    url = reverse("admin:helpers_helperprofile_change", args=[profile.pk])
    staff_client.post(url, change_data(profile, uid="CHE-123.456.789"))
    profile.refresh_from_db()
    assert profile.uid == "CHE-116.281.710"


def _window(**fields: str) -> dict[str, str]:
    return {f"windows-{n}-{k}": v for n, w in enumerate([fields]) for k, v in w.items()}


@pytest.mark.parametrize(
    ("starts", "ends", "message"),
    [
        ("08:10", "12:00", "Please use times on the hour or at :15, :30 or :45."),
        ("05:45", "12:00", "Please choose a time between 06:00 and 22:00."),
        ("08:00", "22:15", "Please choose a time between 06:00 and 22:00."),
        ("12:00", "08:00", "“Until” must be later than “From” on the same day."),
    ],
)
def test_staff_read_which_rule_weekly_times_break(
    staff_client: Any, staff: Any, starts: str, ends: str, message: str
) -> None:
    type(staff).objects.filter(pk=staff.pk).update(preferred_language="en")
    profile = HelperProfileFactory(status=S.APPROVED)
    url = reverse("admin:helpers_helperprofile_change", args=[profile.pk])
    data = change_data(profile) | {"windows-TOTAL_FORMS": "1"}
    data |= _window(weekday="0", starts=starts, ends=ends)
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not profile.windows.exists()


@pytest.mark.parametrize(("starts", "ends"), [("06:00", "08:15"), ("20:30", "22:00")])
def test_staff_save_weekly_times_on_any_quarter_hour(
    staff_client: Any, starts: str, ends: str
) -> None:
    profile = HelperProfileFactory(status=S.APPROVED)
    url = reverse("admin:helpers_helperprofile_change", args=[profile.pk])
    data = change_data(profile) | {"windows-TOTAL_FORMS": "1"}
    data |= _window(weekday="0", starts=starts, ends=ends)
    assert staff_client.post(url, data).status_code == 302
    assert [(f"{w.starts:%H:%M}", f"{w.ends:%H:%M}") for w in profile.windows.all()] == [
        (starts, ends)
    ]
