"""Helper pages: apply, dashboard, profile, times and time off, and the public profile."""

from collections.abc import Callable
from datetime import time, timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from bookings.models import ServiceCategory
from helpers.models import HelperEvent, HelperProfile, TimeOff
from tests.factories import (
    AvailabilityWindowFactory,
    BookingFactory,
    HelperProfileFactory,
    ServiceCategoryFactory,
    ServiceFactory,
    TimeOffFactory,
    UserFactory,
)
from tests.helpers.conftest import BIO

pytestmark = pytest.mark.django_db

S = HelperProfile.Status


@pytest.fixture
def member(client: Any) -> Any:
    """A logged-in user who has not applied (yet)."""
    user = UserFactory(preferred_language="en")
    client.force_login(user)
    return user


@pytest.fixture
def helper(client: Any) -> HelperProfile:
    """A logged-in approved helper."""
    profile = HelperProfileFactory.create(user__preferred_language="en")
    client.force_login(profile.user)
    return profile


# --- login and "no profile yet" ----------------------------------------------------------------

OWN_PAGES = [
    "bookings:helper_dashboard",
    "helpers:apply",
    "helpers:profile",
    "helpers:availability",
]


@pytest.mark.parametrize("name", OWN_PAGES)
def test_own_pages_need_login(client: Any, name: str) -> None:
    response = client.get(reverse(name))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    "name", ["bookings:helper_dashboard", "helpers:profile", "helpers:availability"]
)
def test_without_a_profile_you_are_sent_to_apply(client: Any, member: Any, name: str) -> None:
    response = client.get(reverse(name))
    assert response.status_code == 302 and response["Location"] == reverse("helpers:apply")


def test_time_off_without_a_profile_is_sent_to_apply(client: Any, member: Any) -> None:
    day = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = client.post(reverse("helpers:time_off_add"), {"first_day": day, "last_day": day})
    assert response.status_code == 302 and response["Location"] == reverse("helpers:apply")
    assert TimeOff.objects.count() == 0


def test_apply_page(client: Any, member: Any) -> None:
    response = client.get(reverse("helpers:apply"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["languages"] == ["en"]
    assert 'name="conduct"' in response.content.decode()


# --- applying ----------------------------------------------------------------------------------


def apply_data() -> dict[str, Any]:
    skills = ServiceCategory.objects.filter(active=True).values_list("pk", flat=True)[:1]
    return {"tier": "friend", "skills": list(skills), "languages": ["de"], "postcode": "3011",
            "country": "CH", "radius_km": "20", "max_jobs_per_day": "2", "bio": BIO,
            "phone": "079 123 45 67", "conduct": "on"}  # fmt: skip


def test_apply_then_see_the_dashboard(client: Any, member: Any) -> None:
    response = client.post(reverse("helpers:apply"), apply_data(), follow=True)
    assert response.redirect_chain == [(reverse("bookings:helper_dashboard"), 302)]
    profile = HelperProfile.objects.get()
    assert (profile.user, profile.status, profile.city) == (member, S.APPLIED, "Bern")
    assert response.context["profile"] == profile
    assert "Thank you" in response.content.decode()
    assert str(S.APPLIED.label) in response.content.decode()


def test_applying_twice_shows_the_existing_application(client: Any, member: Any) -> None:
    client.post(reverse("helpers:apply"), apply_data())
    first = HelperProfile.objects.get()

    response = client.get(reverse("helpers:apply"), follow=True)
    assert response.redirect_chain == [(reverse("bookings:helper_dashboard"), 302)]
    assert response.context["profile"] == first
    assert "already applied" in response.content.decode()

    again = {**apply_data(), "postcode": "8001", "radius_km": "50"}
    response = client.post(reverse("helpers:apply"), again)
    assert response.status_code == 302 and response["Location"] == reverse(
        "bookings:helper_dashboard"
    )
    assert HelperProfile.objects.count() == 1 and HelperEvent.objects.count() == 1
    first.refresh_from_db()
    assert (first.postcode, first.radius_km) == ("3011", 20)


# --- dashboard ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (S.APPLIED, "being reviewed"),
        (S.APPROVED, "approved"),
        (S.REJECTED, "could not accept"),
        (S.SUSPENDED, "paused"),
    ],
)
def test_dashboard_shows_the_status(client: Any, status: str, words: str) -> None:
    profile = HelperProfileFactory(status=status, status_reason="Der Grund steht hier.",
                                   user__preferred_language="en")  # fmt: skip
    client.force_login(profile.user)
    response = client.get(reverse("bookings:helper_dashboard"))
    assert response.status_code == 200
    assert response.context["profile"] == profile
    body = response.content.decode()
    assert str(S(status).label) in body
    assert words in body
    if status in (S.REJECTED, S.SUSPENDED):
        assert "Der Grund steht hier." in body


def test_dashboard_asks_an_approved_helper_for_times(client: Any, helper: HelperProfile) -> None:
    response = client.get(reverse("bookings:helper_dashboard"))
    assert len(response.context["missing"]) == 1
    AvailabilityWindowFactory(helper=helper)
    response = client.get(reverse("bookings:helper_dashboard"))
    assert response.context["missing"] == []
    assert len(response.context["windows"]) == 1


def test_dashboard_lists_only_upcoming_time_off(client: Any, helper: HelperProfile) -> None:
    today = timezone.localdate()
    past = TimeOffFactory(helper=helper, first_day=today - timedelta(days=9),
                          last_day=today - timedelta(days=2))  # fmt: skip
    current = TimeOffFactory(helper=helper, first_day=today - timedelta(days=1), last_day=today)
    TimeOffFactory()  # someone else's
    response = client.get(reverse("bookings:helper_dashboard"))
    assert response.context["time_off"] == [current]
    assert past not in response.context["time_off"]


# --- editing the profile -----------------------------------------------------------------------


def test_edit_profile(client: Any, helper: HelperProfile) -> None:
    category = ServiceCategory.objects.filter(active=True)[0]
    helper.skills.set([category])
    response = client.get(reverse("helpers:profile"))
    assert response.status_code == 200
    form = response.context["form"]
    assert "conduct" not in form.fields
    assert (form.initial["postcode"], form.initial["skills"]) == ("8001", [category])

    data = {key: value for key, value in apply_data().items() if key != "conduct"}
    response = client.post(reverse("helpers:profile"), data)
    assert response.status_code == 302 and response["Location"] == reverse(
        "bookings:helper_dashboard"
    )
    helper.refresh_from_db()
    assert (helper.status, helper.postcode, helper.city, helper.radius_km) == (
        S.APPROVED,
        "3011",
        "Bern",
        20,
    )


def test_edit_profile_with_bad_input_saves_nothing(client: Any, helper: HelperProfile) -> None:
    data = {key: value for key, value in apply_data().items() if key != "conduct"}
    response = client.post(reverse("helpers:profile"), {**data, "postcode": "9999"})
    assert response.status_code == 200 and "postcode" in response.context["form"].errors
    helper.refresh_from_db()
    assert helper.postcode == "8001"


# --- time off ----------------------------------------------------------------------------------


def test_delete_own_time_off(client: Any, helper: HelperProfile) -> None:
    entry = TimeOffFactory(helper=helper)
    response = client.post(reverse("helpers:time_off_delete", args=[entry.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("helpers:availability")
    assert not TimeOff.objects.filter(pk=entry.pk).exists()


def test_someone_elses_time_off_is_404(client: Any, helper: HelperProfile) -> None:
    other = TimeOffFactory()
    response = client.post(reverse("helpers:time_off_delete", args=[other.pk]))
    assert response.status_code == 404
    assert TimeOff.objects.filter(pk=other.pk).exists()
    response = client.post(reverse("helpers:time_off_delete", args=[other.pk + 1000]))
    assert response.status_code == 404


def test_time_off_delete_needs_post(client: Any, helper: HelperProfile) -> None:
    entry = TimeOffFactory(helper=helper)
    assert client.get(reverse("helpers:time_off_delete", args=[entry.pk])).status_code == 405
    assert TimeOff.objects.filter(pk=entry.pk).exists()


def test_availability_page_lists_own_upcoming_time_off(client: Any, helper: HelperProfile) -> None:
    mine = TimeOffFactory(helper=helper, note="Skiferien")
    TimeOffFactory(note="Fremde Ferien")
    response = client.get(reverse("helpers:availability"))
    assert response.status_code == 200
    assert list(response.context["time_off"]) == [mine]
    body = response.content.decode()
    assert "Skiferien" in body and "Fremde Ferien" not in body
    assert reverse("helpers:time_off_delete", args=[mine.pk]) in body


class _FormFields(HTMLParser):
    """What a browser submits for the form with ``css_class``: inputs, checked boxes, and each
    select's selected option (or its first)."""

    def __init__(self, css_class: str) -> None:
        super().__init__()
        self.css_class, self.inside = css_class, False
        self.data: list[tuple[str, str]] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = self.css_class in a.get("class", "").split()
        if not self.inside:
            return
        if tag == "input" and a.get("name"):
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self.data.append((a["name"], a.get("value", "on" if "checked" in a else "")))
        elif tag == "select":
            self._select, self._options = a["name"], []
        elif tag == "option" and self._select:
            self._options.append((a.get("value", ""), "selected" in a))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select:
            chosen = [v for v, selected in self._options if selected] or [self._options[0][0]]
            self.data.append((self._select, chosen[0]))
            self._select = None


def test_saving_the_times_page_unchanged_keeps_the_times(
    client: Any, helper: HelperProfile
) -> None:
    """The page as a browser submits it: saved rows with their values, empty rows untouched."""
    AvailabilityWindowFactory(helper=helper, weekday=1, starts=time(8), ends=time(12))
    AvailabilityWindowFactory(helper=helper, weekday=3, starts=time(13, 30), ends=time(17, 45))
    before = list(helper.windows.values_list("weekday", "starts", "ends"))
    page = _FormFields("window-form")
    page.feed(client.get(reverse("helpers:availability")).content.decode())
    data: dict[str, Any] = {}
    for name, value in page.data:
        data.setdefault(name, value)
    assert data["windows-TOTAL_FORMS"] == "4" and data["windows-INITIAL_FORMS"] == "2"
    response = client.post(reverse("helpers:availability"), data)
    assert response.status_code == 302, response.context["formset"].errors
    assert list(helper.windows.values_list("weekday", "starts", "ends")) == before


# --- the public profile ------------------------------------------------------------------------


def public_url(profile: HelperProfile) -> str:
    return reverse("helpers:public", args=[profile.public_id])


def test_public_profile_shows_first_name_and_initial_only(client: Any) -> None:
    profile = HelperProfileFactory(
        user__first_name="Lena", user__last_name="Meierhofer", user__phone="+41791234567",
        user__email="lena.private@example.ch", bio="Geduldig und freundlich. " * 3,
    )  # fmt: skip
    profile.skills.set([ServiceCategoryFactory(name_de="Drucker-Doktor")])
    BookingFactory(status="confirmed", helper=profile, street="Geheimweg 7")
    response = client.get(public_url(profile))
    assert response.status_code == 200
    assert response.context["profile"] == profile
    body = response.content.decode()
    assert "Lena M." in body
    assert "Zürich" in body and "Drucker-Doktor" in body and "Geduldig" in body
    for secret in ("Meierhofer", "lena.private", "79 123", "791234567", "Geheimweg"):
        assert secret not in body


@pytest.mark.parametrize("status", [S.APPLIED, S.REJECTED, S.SUSPENDED])
def test_public_profile_of_a_helper_not_approved_is_404(client: Any, status: str) -> None:
    profile = HelperProfileFactory(status=status)
    assert client.get(public_url(profile)).status_code == 404


def test_public_profile_of_an_unknown_helper_is_404(client: Any) -> None:
    HelperProfileFactory()
    url = reverse("helpers:public", args=["8f1f2d35-9b39-4b8f-9d5a-3c3c0b9c1e11"])
    assert client.get(url).status_code == 404
    assert client.get("/helpers/not-a-uuid/").status_code == 404


@pytest.mark.parametrize("count", [5, 50])
def test_public_profile_query_count_does_not_grow(
    client: Any, count: int, django_assert_max_num_queries: Callable
) -> None:
    profile = HelperProfileFactory(languages=["de", "fr", "en"])
    profile.skills.set(ServiceCategoryFactory.create_batch(count))
    for _ in range(count):
        HelperEvent.objects.create(helper=profile, from_status="", to_status=S.APPLIED)
        HelperProfileFactory(skills=[ServiceCategory.objects.first()])
        BookingFactory(status="completed", helper=profile)
    with django_assert_max_num_queries(2):  # the helper with their user; their skills
        response = client.get(public_url(profile))
    assert response.status_code == 200
    assert len(response.context["profile"].skills.all()) == count


def test_would_be_helpers_get_a_page_of_their_own(client) -> None:
    from bookings.models import Service
    from mila.lib.money import format_chf

    ServiceFactory(price=100)  # the cheapest: CHF 0.80 for the helper
    prices = sorted(
        Service.objects.bookable().filter(pro_only=False).values_list("price", flat=True)
    )
    dearest = format_chf(prices[-1] - (prices[-1] * 20 + 50) // 100)
    client.cookies["django_language"] = "en"
    home = client.get(reverse("home")).content.decode()
    assert reverse("helpers:landing") in home
    page = client.get(reverse("helpers:landing")).content.decode()
    assert f"A job pays you CHF\xa00.80 to {dearest}" in page
    assert "Mila keeps 20% of what the customer pays" in page
    assert reverse("account_signup") + "?next=%2Fhelper%2Fapply%2F" in page


def test_helpers_land_on_their_page_after_login_and_see_my_jobs(client) -> None:
    helper = HelperProfileFactory(user__preferred_language="en")
    helper.user.set_password("Correct-Horse-42")
    helper.user.save()
    login = {"login": helper.user.email, "password": "Correct-Horse-42"}
    response = client.post(reverse("account_login"), login)
    assert response.status_code == 302 and response.url == reverse("bookings:helper_dashboard")
    page = client.get(reverse("bookings:list")).content.decode()
    assert f'href="{reverse("bookings:helper_dashboard")}"' in page and "My jobs" in page
    assert client.get(reverse("helpers:landing")).url == reverse("bookings:helper_dashboard")


def test_customers_see_no_helper_link_and_land_on_the_home_page(client) -> None:
    customer = UserFactory(preferred_language="en")
    customer.set_password("Correct-Horse-42")
    customer.save()
    response = client.post(reverse("account_login"),
                           {"login": customer.email, "password": "Correct-Horse-42"})  # fmt: skip
    assert response.url == reverse("home")
    assert "My jobs" not in client.get(reverse("bookings:list")).content.decode()
