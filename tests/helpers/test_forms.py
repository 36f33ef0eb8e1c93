"""What a helper types in: the application, weekly times and time off. Bad input leaves a clear
error on the right field and saves nothing."""

from collections.abc import Iterator
from datetime import time, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from bookings.models import ServiceCategory
from helpers.forms import ApplicationForm, TimeOffForm, WindowFormSet
from helpers.models import AvailabilityWindow, HelperEvent, HelperProfile, TimeOff
from notifications.models import Notification
from tests.factories import (
    AvailabilityWindowFactory,
    HelperProfileFactory,
    TimeOffFactory,
    UserFactory,
)
from tests.helpers.conftest import BIO

pytestmark = pytest.mark.django_db


def application_data(**changes: Any) -> dict[str, Any]:
    skills = ServiceCategory.objects.filter(active=True).values_list("pk", flat=True)[:2]
    data: dict[str, Any] = {
        "tier": "friend",
        "company_name": "",
        "uid": "",
        "skills": [str(pk) for pk in skills],
        "languages": ["de", "fr"],
        "postcode": "8001",
        "country": "CH",
        "radius_km": "10",
        "max_jobs_per_day": "3",
        "bio": BIO,
        "phone": "079 123 45 67",
        "conduct": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


PRO = {"tier": "pro", "company_name": "Tech Hilfe GmbH", "uid": "CHE-116.281.710"}


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Error messages are checked in English, whatever the German catalogue says."""
    with translation.override("en"):
        yield


@pytest.fixture
def applicant(client: Any) -> Any:
    user = UserFactory(preferred_language="en", phone="")
    client.force_login(user)
    return user


def test_valid_application_form() -> None:
    form = ApplicationForm(application_data())
    assert form.is_valid(), form.errors
    application = form.to_application()
    assert (application.tier, application.postcode, application.radius_km) == ("friend", "8001", 10)
    assert application.phone == "+41791234567"
    assert application.languages == ["de", "fr"]


def test_valid_application_is_saved_through_the_view(client: Any, applicant: Any) -> None:
    response = client.post(reverse("helpers:apply"), application_data(**PRO))
    assert response.status_code == 302 and response["Location"] == reverse(
        "bookings:helper_dashboard"
    )
    profile = HelperProfile.objects.get()
    assert (profile.user, profile.status, profile.tier) == (applicant, "applied", "pro")
    assert (profile.company_name, profile.uid) == ("Tech Hilfe GmbH", "CHE-116.281.710")
    assert profile.city == "Zürich"


BAD_INPUT = [
    pytest.param("postcode", {"postcode": "9999"}, "postcode", id="unknown postcode"),
    pytest.param("postcode", {"postcode": "80011"}, "postcode", id="five digits in CH"),
    pytest.param("postcode", {"postcode": ""}, "required", id="no postcode"),
    pytest.param("radius_km", {"radius_km": "0"}, "1 and 50", id="radius 0"),
    pytest.param("radius_km", {"radius_km": "51"}, "1 and 50", id="radius 51"),
    pytest.param("skills", {"skills": None}, "at least one area", id="no skills"),
    pytest.param("languages", {"languages": None}, "at least one language", id="no languages"),
    pytest.param("languages", {"languages": ["xx"]}, "valid choice", id="unknown language"),
    pytest.param("bio", {"bio": "Ich helfe gern."}, "at least 50", id="short bio"),
    pytest.param("bio", {"bio": "   " + "x" * 48 + "   "}, "at least 50", id="padded bio"),
    pytest.param("company_name", {**PRO, "company_name": "  "}, "company name",
                 id="pro, no company"),
    pytest.param("uid", {**PRO, "uid": ""}, "UID number", id="pro, no UID"),
    pytest.param("uid", {**PRO, "uid": "CHE-12.345"}, "CHE-123.456.789", id="pro, malformed UID"),
    pytest.param("uid", {**PRO, "uid": "CHE-123.456.789"}, "does not exist",
                 id="pro, bad checksum"),
    pytest.param("conduct", {"conduct": None}, "code of conduct", id="conduct not accepted"),
    pytest.param("phone", {"phone": "12345"}, "valid phone number", id="bad phone"),
    pytest.param("phone", {"phone": ""}, "required", id="no phone"),
]  # fmt: skip


@pytest.mark.parametrize(("field", "changes", "message"), BAD_INPUT)
def test_bad_application_form(field: str, changes: dict[str, Any], message: str) -> None:
    form = ApplicationForm(application_data(**changes))
    assert not form.is_valid()
    assert list(form.errors) == [field]
    assert message.lower() in " ".join(form.errors[field]).lower()


@pytest.mark.parametrize(("field", "changes", "message"), BAD_INPUT)
def test_bad_application_saves_nothing(
    client: Any, applicant: Any, field: str, changes: dict[str, Any], message: str
) -> None:
    response = client.post(reverse("helpers:apply"), application_data(**changes))
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert message.lower() in " ".join(form.errors[field]).lower()
    assert HelperProfile.objects.count() == 0
    assert HelperEvent.objects.count() == 0 and Notification.objects.count() == 0
    applicant.refresh_from_db()
    assert str(applicant.phone) == ""


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("che 116 281 710 mwst", "CHE-116.281.710"),
        ("CHE116281710", "CHE-116.281.710"),
        ("CHE-123.456.788 TVA", "CHE-123.456.788"),
        ("  CHE-123.456.788  ", "CHE-123.456.788"),
    ],
)
def test_uid_is_normalised(typed: str, stored: str) -> None:
    form = ApplicationForm(application_data(**{**PRO, "uid": typed}))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["uid"] == stored
    assert form.to_application().uid == stored


def test_friend_with_a_wrong_uid_is_refused_too() -> None:
    """A UID typed by a Friend is still checked, though it is not stored."""
    form = ApplicationForm(application_data(uid="CHE-123.456.789"))
    assert not form.is_valid() and list(form.errors) == ["uid"]


# --- weekly windows (the availability page) ----------------------------------------------------


def windows_data(rows: list[tuple[int, str, str]], initial: int = 0, **extra: str) -> dict:
    data = {
        "windows-TOTAL_FORMS": str(len(rows)),
        "windows-INITIAL_FORMS": str(initial),
        "windows-MIN_NUM_FORMS": "0",
        "windows-MAX_NUM_FORMS": "1000",
    }
    for i, (weekday, starts, ends) in enumerate(rows):
        data |= {f"windows-{i}-weekday": str(weekday), f"windows-{i}-starts": starts,
                 f"windows-{i}-ends": ends}  # fmt: skip
    return data | extra


@pytest.fixture
def helper(client: Any) -> HelperProfile:
    profile = HelperProfileFactory.create(user__preferred_language="en")
    client.force_login(profile.user)
    return profile


def windows_of(profile: HelperProfile) -> list[tuple[int, time, time]]:
    return list(profile.windows.values_list("weekday", "starts", "ends"))


@pytest.mark.parametrize(
    ("rows", "field"),
    [
        pytest.param([(0, "12:00", "08:00")], "ends", id="until before from"),
        pytest.param([(0, "08:00", "08:00")], "ends", id="until equals from"),
        pytest.param([(0, "08:10", "12:00")], "starts", id="not a quarter hour"),
        pytest.param([(0, "", "12:00")], "starts", id="no start"),
        pytest.param([(7, "08:00", "12:00")], "weekday", id="no such day"),
    ],
)
def test_bad_window_saves_nothing(
    client: Any, helper: HelperProfile, rows: list, field: str
) -> None:
    AvailabilityWindowFactory(helper=helper, weekday=4, starts=time(9), ends=time(11))
    before = windows_of(helper)
    response = client.post(reverse("helpers:availability"), windows_data(rows))
    assert response.status_code == 200
    formset = response.context["formset"]
    assert field in formset.errors[0]
    assert windows_of(helper) == before
    assert AvailabilityWindow.objects.count() == 1


def test_overlapping_windows_save_nothing(client: Any, helper: HelperProfile) -> None:
    AvailabilityWindowFactory(helper=helper, weekday=4, starts=time(9), ends=time(11))
    rows = [(1, "08:00", "12:00"), (1, "11:00", "14:00"), (2, "11:00", "14:00")]
    response = client.post(reverse("helpers:availability"), windows_data(rows))
    assert response.status_code == 200
    formset = response.context["formset"]
    assert "overlap" in " ".join(formset.non_form_errors())
    assert not any(formset.errors)
    assert windows_of(helper) == [(4, time(9), time(11))]
    assert "overlap" in response.content.decode()


def test_valid_windows_replace_the_old_ones_back_to_back_as_one(
    client: Any, helper: HelperProfile
) -> None:
    AvailabilityWindowFactory(helper=helper, weekday=4, starts=time(9), ends=time(11))
    other = AvailabilityWindowFactory(weekday=4)
    rows = [(1, "08:00", "12:00"), (1, "12:00", "17:30"), (5, "09:15", "10:45")]
    response = client.post(reverse("helpers:availability"), windows_data(rows))
    assert response.status_code == 302
    assert response["Location"] == reverse("helpers:availability")
    assert windows_of(helper) == [(1, time(8), time(17, 30)), (5, time(9, 15), time(10, 45))]
    assert AvailabilityWindow.objects.filter(pk=other.pk).exists()


def test_deleted_and_untouched_rows_are_dropped(client: Any, helper: HelperProfile) -> None:
    AvailabilityWindowFactory(helper=helper, weekday=4, starts=time(9), ends=time(11))
    data = windows_data([(4, "09:00", "11:00"), (0, "08:00", "12:00")], initial=1)
    data["windows-0-DELETE"] = "on"
    data["windows-TOTAL_FORMS"] = "3"  # a third, empty row
    response = client.post(reverse("helpers:availability"), data)
    assert response.status_code == 302
    assert windows_of(helper) == [(0, time(8), time(12))]


def test_window_formset_initial_shows_the_saved_windows(client: Any, helper: HelperProfile) -> None:
    AvailabilityWindowFactory(helper=helper, weekday=2, starts=time(14), ends=time(18))
    response = client.get(reverse("helpers:availability"))
    assert response.status_code == 200
    formset = response.context["formset"]
    shown = [
        (f["weekday"].value(), str(f["starts"].value())[:5], str(f["ends"].value())[:5])
        for f in formset.initial_forms
    ]
    assert shown == [(2, "14:00", "18:00")]


# The page offers quarter hours from 06:00 to 22:00 and at most 28 rows; a hand-made POST gets
# the same limits.
FOUR_A_DAY = [(d, f"{h:02d}:00", f"{h + 1:02d}:00") for d in range(7) for h in (6, 8, 10, 12)]


OUTSIDE = "Please choose a time between 06:00 and 22:00."


@pytest.mark.parametrize(
    ("rows", "field", "message"),
    [
        pytest.param([(0, "00:00", "08:00")], "starts", OUTSIDE, id="00:00"),
        pytest.param([(0, "05:45", "08:00")], "starts", OUTSIDE, id="05:45"),
        pytest.param([(0, "20:00", "22:15")], "ends", OUTSIDE, id="22:15"),
        pytest.param([(0, "20:00", "23:59")], "ends", "Please use quarter hours, e.g. 08:15.",
                     id="23:59"),
    ],
)  # fmt: skip
def test_a_time_outside_the_day_saves_nothing(
    client: Any, helper: HelperProfile, rows: list, field: str, message: str
) -> None:
    AvailabilityWindowFactory(helper=helper, weekday=4, starts=time(9), ends=time(11))
    response = client.post(reverse("helpers:availability"), windows_data(rows))
    assert response.status_code == 200
    assert response.context["formset"].errors[0][field] == [message]
    assert message in response.content.decode()
    assert windows_of(helper) == [(4, time(9), time(11))]


def test_the_first_and_last_quarter_hours_are_saved(client: Any, helper: HelperProfile) -> None:
    rows = [(0, "06:00", "08:00"), (0, "20:00", "22:00")]
    response = client.post(reverse("helpers:availability"), windows_data(rows))
    assert response.status_code == 302
    assert windows_of(helper) == [(0, time(6), time(8)), (0, time(20), time(22))]


def test_more_than_28_times_save_nothing(client: Any, helper: HelperProfile) -> None:
    AvailabilityWindowFactory(helper=helper, weekday=4, starts=time(9), ends=time(11))
    response = client.post(
        reverse("helpers:availability"), windows_data([(0, "08:00", "12:00")] * 100)
    )
    assert response.status_code == 200
    formset = response.context["formset"]
    assert formset.non_form_errors() == ["You can enter at most 28 weekly times."]
    assert "You can enter at most 28 weekly times." in response.content.decode()
    assert windows_of(helper) == [(4, time(9), time(11))]
    one_too_many = windows_data([*FOUR_A_DAY, (6, "20:00", "21:00")])
    response = client.post(reverse("helpers:availability"), one_too_many)
    assert response.context["formset"].non_form_errors() == [
        "You can enter at most 28 weekly times."
    ]
    assert windows_of(helper) == [(4, time(9), time(11))]


def test_28_times_are_saved(client: Any, helper: HelperProfile) -> None:
    response = client.post(reverse("helpers:availability"), windows_data(FOUR_A_DAY))
    assert response.status_code == 302
    assert helper.windows.count() == 28


def test_window_formset_refuses_overlap_without_a_request() -> None:
    formset = WindowFormSet(windows_data([(3, "08:00", "12:00"), (3, "09:00", "10:00")]),
                            prefix="windows")  # fmt: skip
    assert not formset.is_valid()
    assert formset.non_form_errors()


# --- time off ----------------------------------------------------------------------------------


def test_time_off_with_last_day_before_first_day(client: Any, helper: HelperProfile) -> None:
    first = timezone.localdate() + timedelta(days=10)
    data = {"first_day": first.isoformat(), "last_day": (first - timedelta(days=1)).isoformat()}
    response = client.post(reverse("helpers:time_off_add"), data)
    assert response.status_code == 200
    form = response.context["time_off_form"]
    assert list(form.errors) == ["last_day"]
    assert "before the first day" in form.errors["last_day"][0]
    assert TimeOff.objects.count() == 0


@pytest.mark.parametrize(
    "data",
    [
        pytest.param({"first_day": "", "last_day": "2027-07-01"}, id="no first day"),
        pytest.param({"first_day": "2027-07-01", "last_day": "1.7."}, id="not a date"),
    ],
)
def test_time_off_form_needs_two_dates(data: dict[str, str]) -> None:
    assert not TimeOffForm(data).is_valid()


def test_time_off_is_saved(client: Any, helper: HelperProfile) -> None:
    first = timezone.localdate() + timedelta(days=10)
    data = {"first_day": first.isoformat(), "last_day": first.isoformat(), "note": "Arzt"}
    response = client.post(reverse("helpers:time_off_add"), data)
    assert response.status_code == 302
    entry = TimeOff.objects.get()
    assert (entry.helper, entry.first_day, entry.last_day, entry.note) == (
        helper,
        first,
        first,
        "Arzt",
    )


def test_time_off_of_another_helper_is_untouched(client: Any, helper: HelperProfile) -> None:
    TimeOffFactory()
    first = timezone.localdate() + timedelta(days=3)
    client.post(reverse("helpers:time_off_add"),
                {"first_day": first.isoformat(), "last_day": first.isoformat()})  # fmt: skip
    assert TimeOff.objects.filter(helper=helper).count() == 1
    assert TimeOff.objects.count() == 2


@pytest.mark.parametrize(
    ("first", "last", "errors"),
    [
        pytest.param(
            "0001-01-01", "9999-12-31",
            {"first_day": ["Time off cannot start in the past."],
             "last_day": ["Time off can be entered at most a year ahead."]},
            id="0001-01-01 to 9999-12-31",
        ),
        pytest.param(-1, 0, {"first_day": ["Time off cannot start in the past."]}, id="yesterday"),
        pytest.param(
            0, 366, {"last_day": ["Time off can be entered at most a year ahead."]},
            id="a year and a day",
        ),
    ],
)  # fmt: skip
def test_time_off_outside_the_coming_year_saves_nothing(
    client: Any, helper: HelperProfile, first: Any, last: Any, errors: dict[str, list[str]]
) -> None:
    today = timezone.localdate()

    def day(value: Any) -> str:
        return value if isinstance(value, str) else (today + timedelta(days=value)).isoformat()

    data = {"first_day": day(first), "last_day": day(last)}
    response = client.post(reverse("helpers:time_off_add"), data)
    assert response.status_code == 200
    assert response.context["time_off_form"].errors == errors
    assert TimeOff.objects.count() == 0


def test_time_off_from_today_until_a_year_ahead_is_saved(
    client: Any, helper: HelperProfile
) -> None:
    today = timezone.localdate()
    last = today + timedelta(days=365)
    data = {"first_day": today.isoformat(), "last_day": last.isoformat()}
    response = client.post(reverse("helpers:time_off_add"), data)
    assert response.status_code == 302
    assert TimeOff.objects.filter(helper=helper).values_list("first_day", "last_day").get() == (
        today,
        last,
    )
