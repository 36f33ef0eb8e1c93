"""Helper services as a caller sees them: profiles, status changes, audit rows, notifications and
e-mails."""

from collections.abc import Callable
from datetime import date, time, timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from bookings.models import ServiceCategory
from helpers.availability import Window
from helpers.models import AvailabilityWindow, HelperEvent, HelperProfile, TimeOff
from helpers.services import (
    HelperError,
    availability_set_windows,
    helper_apply,
    helper_decide,
    helper_update_profile,
    time_off_add,
    time_off_delete,
)
from notifications.models import Notification
from tests.factories import (
    AvailabilityWindowFactory,
    HelperProfileFactory,
    TimeOffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

S = HelperProfile.Status
Kind = Notification.Kind


def events(profile: HelperProfile) -> list[tuple[str, str, int | None, str]]:
    return list(
        HelperEvent.objects.filter(helper=profile)
        .order_by("pk")
        .values_list("from_status", "to_status", "actor_id", "reason")
    )


def notified(kind: str) -> list[int]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))


def row(profile: HelperProfile) -> dict[str, Any]:
    return dict(HelperProfile.objects.values().get(pk=profile.pk))


# --- helper_apply ------------------------------------------------------------------------------


def test_apply_creates_a_profile_under_review(
    make_application: Callable, django_capture_on_commit_callbacks: Callable
) -> None:
    user = UserFactory(first_name="Lena", phone="")
    application = make_application()
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        profile = helper_apply(user=user, application=application)
    profile.refresh_from_db()
    user.refresh_from_db()

    assert (profile.user, profile.status, profile.tier) == (user, S.APPLIED, "friend")
    assert (profile.postcode, profile.city, profile.country) == ("8001", "Zürich", "CH")
    assert (profile.lat, profile.lng) == (47.3721, 8.5417)
    assert (profile.radius_km, profile.max_jobs_per_day) == (15, 4)
    assert profile.languages == ["de", "en"]
    assert profile.bio == application.bio
    assert set(profile.skills.all()) == set(application.skills) and application.skills
    assert profile.conduct_accepted_at is not None and profile.conduct_accepted_at >= before
    assert profile.reviewed_at is None
    assert str(user.phone) == "+41791234567"
    assert events(profile) == [("", S.APPLIED, user.pk, "")]

    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind) == (user, Kind.HELPER_APPLIED)
    assert notification.context["helper_id"] == profile.pk
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    assert "Lena" in mail.outbox[0].body


def test_apply_normalises_the_postcode_to_the_place(make_application: Callable) -> None:
    profile = helper_apply(user=UserFactory(), application=make_application(postcode=" 3011 "))
    profile.refresh_from_db()
    assert (profile.postcode, profile.city) == ("3011", "Bern")
    assert (profile.lat, profile.lng) == (46.9477, 7.4458)


def test_no_e_mail_before_the_commit(
    make_application: Callable, django_capture_on_commit_callbacks: Callable
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        helper_apply(user=UserFactory(), application=make_application())
    assert mail.outbox == []
    for callback in callbacks:  # the commit
        callback()
    assert len(mail.outbox) == 1


def test_applying_twice_returns_the_first_application_unchanged(
    make_application: Callable, django_capture_on_commit_callbacks: Callable
) -> None:
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = helper_apply(user=user, application=make_application())
    before = row(first)
    with django_capture_on_commit_callbacks(execute=True):
        second = helper_apply(
            user=user,
            application=make_application(postcode="3011", radius_km=40, tier="pro",
                                         company_name="Tech AG", uid="CHE-116.281.710",
                                         phone="+41781111111"),
        )  # fmt: skip
    assert second.pk == first.pk
    assert row(first) == before
    assert HelperProfile.objects.count() == 1
    assert HelperEvent.objects.count() == 1
    assert notified(Kind.HELPER_APPLIED) == [user.pk]
    assert len(mail.outbox) == 1
    user.refresh_from_db()
    assert str(user.phone) == "+41791234567"


def test_pro_fields_are_cleared_for_a_friend(make_application: Callable) -> None:
    application = make_application(tier="friend", company_name="Tech AG", uid="CHE-116.281.710")
    profile = helper_apply(user=UserFactory(), application=application)
    profile.refresh_from_db()
    assert (profile.tier, profile.company_name, profile.uid) == ("friend", "", "")


def test_pro_keeps_company_and_uid(make_application: Callable) -> None:
    application = make_application(tier="pro", company_name="Tech AG", uid="CHE-116.281.710")
    profile = helper_apply(user=UserFactory(), application=application)
    profile.refresh_from_db()
    assert (profile.tier, profile.company_name, profile.uid) == (
        "pro",
        "Tech AG",
        "CHE-116.281.710",
    )


def test_apply_with_unknown_postcode_saves_nothing(make_application: Callable) -> None:
    user = UserFactory(phone="")
    with pytest.raises(HelperError) as error:
        helper_apply(user=user, application=make_application(postcode="9999"))
    assert error.value.code == "postcode"
    assert HelperProfile.objects.count() == 0
    assert HelperEvent.objects.count() == 0 and Notification.objects.count() == 0
    user.refresh_from_db()
    assert str(user.phone) == ""


# --- helper_update_profile ---------------------------------------------------------------------


def test_update_profile_keeps_the_status(make_application: Callable) -> None:
    profile = HelperProfileFactory(status=S.SUSPENDED, status_reason="Beschwerden")
    category = ServiceCategory.objects.filter(active=True).last()
    helper_update_profile(
        profile=profile,
        application=make_application(postcode="3011", skills=[category], phone="+41781111111"),
    )
    profile.refresh_from_db()
    assert (profile.status, profile.status_reason) == (S.SUSPENDED, "Beschwerden")
    assert (profile.postcode, profile.city) == ("3011", "Bern")
    assert list(profile.skills.all()) == [category]
    assert str(profile.user.phone) == "+41781111111"
    assert HelperEvent.objects.count() == 0


# --- helper_decide -----------------------------------------------------------------------------


def decide(profile: HelperProfile, to: str, actor: Any, reason: str = "") -> HelperProfile:
    return helper_decide(profile=profile, to=to, actor=actor, reason=reason)


def test_approve_an_application(staff: Any, django_capture_on_commit_callbacks: Callable) -> None:
    profile = HelperProfileFactory(status=S.APPLIED, user__first_name="Lena")
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        returned = decide(profile, S.APPROVED, staff)
    assert returned.status == S.APPROVED
    profile.refresh_from_db()
    assert profile.status == S.APPROVED and profile.status_reason == ""
    assert profile.reviewed_at is not None and profile.reviewed_at >= before
    assert events(profile) == [(S.APPLIED, S.APPROVED, staff.pk, "")]
    assert HelperEvent.objects.get().at == profile.reviewed_at
    assert notified(Kind.HELPER_APPROVED) == [profile.user_id]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [profile.user.email]
    assert "Lena" in mail.outbox[0].body


def test_reject_an_application_with_a_reason(
    staff: Any, django_capture_on_commit_callbacks: Callable
) -> None:
    profile = HelperProfileFactory(status=S.APPLIED)
    reason = "Wir suchen in Ihrer Region im Moment niemanden."
    with django_capture_on_commit_callbacks(execute=True):
        decide(profile, S.REJECTED, staff, reason=f"  {reason}\n")
    profile.refresh_from_db()
    assert (profile.status, profile.status_reason) == (S.REJECTED, reason)
    assert profile.reviewed_at is not None
    assert events(profile) == [(S.APPLIED, S.REJECTED, staff.pk, reason)]
    notification = Notification.objects.get()
    assert notification.kind == Kind.HELPER_REJECTED and notification.context["reason"] == reason
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [profile.user.email]
    assert reason in mail.outbox[0].body


def test_suspend_an_approved_helper_with_a_reason(
    staff: Any, django_capture_on_commit_callbacks: Callable
) -> None:
    profile = HelperProfileFactory(status=S.APPROVED)
    reason = "Zwei Kunden haben sich über Verspätungen beschwert."
    with django_capture_on_commit_callbacks(execute=True):
        decide(profile, S.SUSPENDED, staff, reason=reason)
    profile.refresh_from_db()
    assert (profile.status, profile.status_reason) == (S.SUSPENDED, reason)
    assert events(profile) == [(S.APPROVED, S.SUSPENDED, staff.pk, reason)]
    assert notified(Kind.HELPER_SUSPENDED) == [profile.user_id]
    assert len(mail.outbox) == 1 and reason in mail.outbox[0].body


def test_reinstate_a_suspended_helper(
    staff: Any, django_capture_on_commit_callbacks: Callable
) -> None:
    profile = HelperProfileFactory(status=S.SUSPENDED, status_reason="Beschwerden")
    with django_capture_on_commit_callbacks(execute=True):
        decide(profile, S.APPROVED, staff)
    profile.refresh_from_db()
    assert (profile.status, profile.status_reason) == (S.APPROVED, "")
    assert events(profile) == [(S.SUSPENDED, S.APPROVED, staff.pk, "")]
    assert notified(Kind.HELPER_REINSTATED) == [profile.user_id]
    assert notified(Kind.HELPER_APPROVED) == []
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [profile.user.email]


def assert_unchanged(profile: HelperProfile, before: dict[str, Any]) -> None:
    assert row(profile) == before
    assert HelperEvent.objects.count() == 0
    assert Notification.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.parametrize(("start", "to"), [(S.APPLIED, S.REJECTED), (S.APPROVED, S.SUSPENDED)])
@pytest.mark.parametrize("reason", ["", "   \n "])
def test_reject_and_suspend_need_a_reason(
    staff: Any,
    django_capture_on_commit_callbacks: Callable,
    start: str,
    to: str,
    reason: str,
) -> None:
    profile = HelperProfileFactory(status=start)
    before = row(profile)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(HelperError) as error:
        decide(profile, to, staff, reason=reason)
    assert error.value.code == "reason"
    assert_unchanged(profile, before)


@pytest.mark.parametrize(
    "actor",
    [
        pytest.param(lambda: None, id="nobody"),
        pytest.param(lambda: UserFactory(), id="customer"),
        pytest.param(lambda: HelperProfileFactory().user, id="another helper"),
        pytest.param(lambda: UserFactory(is_superuser=True), id="superuser without staff"),
    ],
)
def test_only_staff_decide(actor: Callable, django_capture_on_commit_callbacks: Callable) -> None:
    profile = HelperProfileFactory(status=S.APPLIED)
    who = actor()
    before = row(profile)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(HelperError) as error:
        decide(profile, S.APPROVED, who)
    assert error.value.code == "forbidden"
    assert_unchanged(profile, before)


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (S.REJECTED, S.APPROVED),
        (S.REJECTED, S.SUSPENDED),
        (S.APPLIED, S.SUSPENDED),
        (S.APPLIED, S.APPLIED),
        (S.APPROVED, S.APPROVED),
        (S.APPROVED, S.REJECTED),
        (S.APPROVED, S.APPLIED),
        (S.SUSPENDED, S.SUSPENDED),
        (S.SUSPENDED, S.REJECTED),
    ],
)
def test_illegal_transitions_change_nothing(
    staff: Any, django_capture_on_commit_callbacks: Callable, start: str, to: str
) -> None:
    profile = HelperProfileFactory(status=start, status_reason="vorher")
    before = row(profile)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(HelperError) as error:
        decide(profile, to, staff, reason="Ein Grund")
    assert error.value.code == "transition"
    assert_unchanged(profile, before)
    assert profile.status == start  # the caller's object is untouched too


@pytest.mark.parametrize(
    ("stale", "actual", "to", "reason"),
    [
        (S.APPLIED, S.APPROVED, S.APPROVED, ""),
        (S.APPLIED, S.REJECTED, S.APPROVED, ""),
        (S.APPLIED, S.APPROVED, S.REJECTED, "Keine Kapazität"),
        (S.APPROVED, S.SUSPENDED, S.SUSPENDED, "Beschwerden"),
    ],
)
def test_a_stale_profile_is_refused(
    staff: Any,
    django_capture_on_commit_callbacks: Callable,
    stale: str,
    actual: str,
    to: str,
    reason: str,
) -> None:
    """Another staff member decided meanwhile: the second click changes nothing."""
    profile = HelperProfileFactory(status=stale)
    HelperProfile.objects.filter(pk=profile.pk).update(status=actual, status_reason="zuerst")
    before = row(profile)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(HelperError) as error:
        decide(profile, to, staff, reason=reason)
    assert error.value.code == "concurrent"
    assert_unchanged(profile, before)


# --- weekly windows and time off ---------------------------------------------------------------


def test_set_windows_replaces_the_old_ones() -> None:
    profile = HelperProfileFactory()
    AvailabilityWindowFactory(helper=profile, weekday=0, starts=time(8), ends=time(12))
    others = AvailabilityWindowFactory(weekday=0)
    availability_set_windows(
        profile=profile,
        windows=[Window(1, time(8), time(12)), Window(1, time(14), time(16, 30))],
    )
    assert list(profile.windows.values_list("weekday", "starts", "ends")) == [
        (1, time(8), time(12)),
        (1, time(14), time(16, 30)),
    ]
    assert AvailabilityWindow.objects.filter(pk=others.pk).exists()


def test_back_to_back_windows_are_stored_as_one() -> None:
    """What "back to back counts as one" means, stored: the database's check for a visit
    inside one window relies on it (helpers.availability.free_between)."""
    profile = HelperProfileFactory()
    availability_set_windows(
        profile=profile,
        windows=[Window(1, time(12), time(16)), Window(1, time(8), time(12)),
                 Window(1, time(16), time(17)), Window(2, time(8), time(12))],
    )  # fmt: skip
    assert list(profile.windows.values_list("weekday", "starts", "ends")) == [
        (1, time(8), time(17)),
        (2, time(8), time(12)),
    ]


@pytest.mark.parametrize(
    ("windows", "problem"),
    [
        ([Window(0, time(12), time(8))], "order"),
        ([Window(0, time(8, 10), time(12))], "step"),
        ([Window(0, time(8), time(12)), Window(0, time(11), time(14))], "overlap"),
        ([Window(0, time(0), time(8))], "range"),  # the page offers 06:00–22:00
        ([Window(0, time(5, 45), time(8))], "range"),
        ([Window(0, time(20), time(22, 15))], "range"),
        (
            [Window(d, time(h), time(h + 1)) for d in range(7) for h in (6, 8, 10, 12, 14)],
            "too_many",
        ),  # 35: more than the page's 28
    ],
)
def test_set_windows_refuses_bad_times_and_keeps_the_old_ones(
    windows: list[Window], problem: str
) -> None:
    old = AvailabilityWindowFactory()
    with pytest.raises(HelperError) as error:
        availability_set_windows(profile=old.helper, windows=windows)
    assert error.value.code == "windows"
    assert list(AvailabilityWindow.objects.values_list("pk", flat=True)) == [old.pk]


def test_time_off_add_and_delete() -> None:
    profile = HelperProfileFactory()
    first = timezone.localdate() + timedelta(days=30)  # time off is for the coming year
    entry = time_off_add(profile=profile, first_day=first, last_day=first, note="Umzug")
    assert (entry.helper, entry.first_day, entry.last_day, entry.note) == (
        profile,
        first,
        first,
        "Umzug",
    )
    with pytest.raises(HelperError) as error:
        time_off_add(profile=profile, first_day=first, last_day=first - timedelta(days=1))
    assert error.value.code == "order"
    assert TimeOff.objects.count() == 1

    someone_elses = TimeOffFactory()
    assert time_off_delete(profile=profile, time_off_id=someone_elses.pk) is False
    assert TimeOff.objects.filter(pk=someone_elses.pk).exists()
    assert time_off_delete(profile=profile, time_off_id=entry.pk) is True
    assert not TimeOff.objects.filter(pk=entry.pk).exists()


def test_the_page_s_outer_times_and_28_windows_are_kept() -> None:
    profile = HelperProfileFactory()
    windows = [Window(d, time(h), time(h + 1)) for d in range(7) for h in (6, 8, 10, 12)]
    windows[-1] = Window(6, time(21), time(22))
    assert len(windows) == 28
    availability_set_windows(profile=profile, windows=windows)
    assert profile.windows.count() == 28
    assert profile.windows.filter(starts=time(6)).count() == 7
    assert profile.windows.filter(ends=time(22)).count() == 1


@pytest.mark.parametrize(
    ("first", "last", "code"),
    [
        pytest.param(-1, 0, "past", id="from yesterday"),
        pytest.param(0, 366, "too_far", id="until a year and a day from now"),
        pytest.param(None, None, "past", id="0001-01-01 to 9999-12-31"),
    ],
)
def test_time_off_is_for_the_coming_year(first: int | None, last: int | None, code: str) -> None:
    profile = HelperProfileFactory()
    today = timezone.localdate()
    first_day = today + timedelta(days=first) if first is not None else date.min
    last_day = today + timedelta(days=last) if last is not None else date.max
    with pytest.raises(HelperError) as error:
        time_off_add(profile=profile, first_day=first_day, last_day=last_day)
    assert error.value.code == code
    assert TimeOff.objects.count() == 0
    entry = time_off_add(profile=profile, first_day=today, last_day=today + timedelta(days=365))
    assert (entry.first_day, entry.last_day) == (today, today + timedelta(days=365))
