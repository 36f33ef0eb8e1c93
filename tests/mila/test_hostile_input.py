"""Hostile input never reaches a 500: NUL bytes, huge integers, lone surrogates and very long
values, in every URL parameter and every form, for every role, on SQLite and PostgreSQL."""

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, quote

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from bookings.models import Booking, ServiceCategory
from helpers.models import HelperProfile
from tests.mila.crawl import ROLES, client_for, crawl, same_site, seeds, url_formats

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


HOSTILE = {
    "nul": "\x00",
    "huge": "99999999999999999999999",
    "surrogate": "\ud800",
    "long": "x" * 10_000,
}
# Pages whose POST ends the session or cannot be undone for the rest of the sweep.
NOT_POSTED = ("/accounts/logout/", "/account/delete/")
FORMSET_COUNTS = ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")


def _quoted(value: str) -> str:
    """Percent-encoded as a browser would send it (a lone surrogate as its raw UTF-8 bytes)."""
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


def _form_body(fields: dict[str, list[str]]) -> str:
    return "&".join(
        f"{_quoted(name)}={_quoted(v)}" for name, values in fields.items() for v in values
    )


def _assert_no_5xx(response: Any, what: str) -> None:
    assert response.status_code < 500, f"{what} → {response.status_code}"


def _hostile_paths() -> Iterator[str]:
    for fmt in set(url_formats()):
        names = [part.split(")")[0] for part in fmt.split("%(")[1:]]
        if names:
            for value in HOSTILE.values():
                yield "/" + fmt % dict.fromkeys(names, _quoted(value))


@pytest.mark.parametrize("role", ROLES)
def test_hostile_values_in_url_parameters(world: dict[str, Any], role: str) -> None:
    client = client_for(world, role)
    for path in sorted(_hostile_paths()):
        _assert_no_5xx(client.get(path), f"{role} GET {path[:120]}")
        _assert_no_5xx(client.post(path), f"{role} POST {path[:120]}")


def _posted_forms(forms: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, dict[str, list]]]:
    """Each POST form once (by where it posts and its field names), delete confirmations last:
    what they remove may be needed by the forms before them."""
    unique: dict[tuple[str, tuple[str, ...]], dict[str, list]] = {}
    for page, form in forms:
        action = same_site(form["action"] or page) or page
        if form["method"] != "post" or action.startswith(NOT_POSTED):
            continue
        fields = {k: v for k, v in form["fields"].items() if k != "csrfmiddlewaretoken"}
        unique.setdefault((action, tuple(sorted(fields))), fields)
    return sorted(
        ((a, f) for (a, _), f in unique.items()), key=lambda af: ("delete" in af[0], af[0])
    )


def _hostile_bodies(baseline: dict[str, list], *, deep: bool) -> Iterator[dict[str, list]]:
    """Every field hostile at once, with each value; then each field alone among valid others,
    with the value that goes deepest for it: a huge number where a number or choice is
    expected, 10,000 characters elsewhere (NUL is refused before any field is looked at).
    The admin's text fields take their limits from the model, so there only numbers and
    choices are tried alone: its pages are slow to render."""
    # Formset counts stay as they are: Django caps a huge count, after building 1,000 forms.
    counts = {name: v for name, v in baseline.items() if name.endswith(FORMSET_COUNTS)}
    for value in HOSTILE.values():
        yield {**{name: [value] for name in baseline}, **counts}
    for name, values in baseline.items():
        if name in counts:
            continue
        numeric = not values or all(v.isdigit() for v in values)
        if deep or numeric:
            yield {**baseline, name: [HOSTILE["huge" if numeric else "long"]]}


@pytest.mark.parametrize("role", ROLES)
def test_hostile_values_in_every_form_and_query(world: dict[str, Any], role: str) -> None:
    client = client_for(world, role)
    pages, forms = crawl(client, seeds(world))
    queries: dict[str, set[str]] = {}
    for url in pages:
        path, _, query = url.partition("?")
        queries.setdefault(path, {"q", "p", "o", "page", "next"}).update(
            name for name, _ in parse_qsl(query)
        )
    for path, names in sorted(queries.items()):
        for value in HOSTILE.values():
            hostile = "&".join(f"{_quoted(name)}={_quoted(value)}" for name in sorted(names))
            _assert_no_5xx(client.get(f"{path}?{hostile}"), f"{role} GET {path}?{sorted(names)}")
    for action, baseline in _posted_forms(forms):
        for body in _hostile_bodies(baseline, deep=not action.startswith("/admin/")):
            response = client.post(
                action, _form_body(body), content_type="application/x-www-form-urlencoded"
            )
            _assert_no_5xx(response, f"{role} POST {action} {sorted(body)}")
        if role != "anonymous":
            client.force_login(world[role])  # a form may have ended the session


# The three 500s the attacker's sweep found, one by one.


def test_language_switch_with_a_url_name_as_next_goes_home(client: Client) -> None:
    response = client.post(reverse("customers:set_language"), {"language": "fr", "next": "NaN"})
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize("next_url", ["NaN", "home", "//evil.example/", "https://evil.example/",
                                      "\\\\evil.example", "javascript:alert(1)"])  # fmt: skip
def test_language_switch_accepts_only_same_site_paths(client: Client, next_url: str) -> None:
    response = client.post(reverse("customers:set_language"), {"language": "fr", "next": next_url})
    assert response["Location"] == "/"
    ok = client.post(reverse("customers:set_language"), {"language": "fr", "next": "/about/?x=1"})
    assert ok["Location"] == "/about/?x=1"


def test_nul_in_the_path_is_a_404(world: dict[str, Any]) -> None:
    client = client_for(world, "customer")
    response = client.get("/bookings/%00/")
    assert response.status_code == 404
    assert "Mila" in response.content.decode()


def test_nul_in_the_query_is_a_plain_translated_400(world: dict[str, Any]) -> None:
    client = client_for(world, "staff")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    response = client.get("/admin/bookings/booking/?status=%00")
    assert response.status_code == 400
    body = response.content.decode()
    assert '<html lang="fr">' in body and "Traceback" not in body


def test_nul_in_form_data_is_a_400_and_saves_nothing(world: dict[str, Any]) -> None:
    customer = world["customer"]
    client = client_for(world, "customer")
    response = client.post(
        reverse("customers:profile"),
        {"first_name": "Eva\x00", "last_name": "", "phone": "", "preferred_language": "de"},
    )
    assert response.status_code == 400
    customer.refresh_from_db()
    assert customer.first_name == "Kunde"


def test_nul_in_the_session_cookie_is_a_400(client: Client) -> None:
    client.cookies[settings.SESSION_COOKIE_NAME] = "abcdefgh\x00"
    assert client.get(reverse("home")).status_code == 400


def test_a_huge_skill_id_is_an_invalid_choice(world: dict[str, Any]) -> None:
    client = client_for(world, "customer")
    response = client.post(reverse("helpers:apply"), {"skills": [HOSTILE["huge"]]})
    assert response.status_code == 200
    assert response.context["form"].errors["skills"]
    assert not HelperProfile.objects.filter(user=world["customer"]).exists()


def test_in_lookup_leaves_out_integers_the_column_cannot_hold(world: dict[str, Any]) -> None:
    booking = Booking.objects.order_by("pk").first()
    assert booking is not None
    huge = int(HOSTILE["huge"])
    assert list(Booking.objects.filter(pk__in=[huge])) == []
    assert list(Booking.objects.filter(pk__in=[huge, booking.pk])) == [booking]
    assert Booking.objects.exclude(pk__in=[huge, -huge]).count() == Booking.objects.count()
    assert list(ServiceCategory.objects.filter(pk__in=[-huge]).values_list("pk")) == []
