"""Hostile input never reaches a 500: NUL bytes, huge integers, lone surrogates and very long
values, in every URL parameter and every form, for every role, on SQLite and PostgreSQL."""

from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from bookings.draft import STEPS
from bookings.models import Booking, Service, ServiceCategory
from helpers.models import HelperProfile
from tests.factories import (
    BookingFactory,
    HelperProfileFactory,
    NotificationFactory,
    TimeOffFactory,
    UserFactory,
)

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
MAX_PAGES = 150  # per role; the crawl covers each kind of page, not each object


def _quoted(value: str) -> str:
    """Percent-encoded as a browser would send it (a lone surrogate as its raw UTF-8 bytes)."""
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


def _form_body(fields: dict[str, list[str]]) -> str:
    return "&".join(
        f"{_quoted(name)}={_quoted(v)}" for name, values in fields.items() for v in values
    )


def _url_formats(resolver: URLResolver | None = None, prefix: str = "") -> Iterator[str]:
    """Every URL pattern as a format string with its parameters: ``bookings/%(reference)s/``."""
    resolver = resolver or get_resolver()
    for _key, entries in resolver.reverse_dict.lists():
        for possibilities, *_ in entries:
            for fmt, _params in possibilities:
                yield prefix + fmt
    for ns_prefix, sub in resolver.namespace_dict.values():
        yield from _url_formats(sub, prefix + ns_prefix)


class _Page(HTMLParser):
    """The links and forms of one page, each field with the value a visitor would send."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.forms: list[dict[str, Any]] = []
        self._select: tuple[str, list[str]] | None = None  # name, first option

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            method, action = a.get("method", "get").lower(), a.get("action", "")
            self.forms.append({"method": method, "action": action, "fields": {}})
        elif not self.forms:
            return
        elif tag == "option" and self._select:
            name, first = self._select
            if "selected" in a:
                self.forms[-1]["fields"][name].append(a.get("value", ""))
            elif not first and a.get("value"):
                first.append(a["value"])
        elif tag in ("input", "select", "textarea", "button") and a.get("name"):
            values = self.forms[-1]["fields"].setdefault(a["name"], [])
            if tag == "select":
                self._select = (a["name"], [])
            elif a.get("type") not in ("checkbox", "radio") or "checked" in a:
                values.append(a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select and self.forms:
            name, first = self._select
            values = self.forms[-1]["fields"][name]
            if not values:
                values += first
            self._select = None


@pytest.fixture
def world(catalogue: None) -> dict[str, Any]:
    """One of everything a role can open: bookings in several states, an inbox entry, time
    off, a helper with a public page and a calendar feed."""
    customer = UserFactory(first_name="Kunde")
    helper = HelperProfileFactory(skills=list(ServiceCategory.objects.all()[:2]))
    service = Service.objects.filter(active=True).earliest("pk")
    confirmed = BookingFactory(
        customer=customer, helper=helper, service=service, status="confirmed"
    )
    done = BookingFactory(customer=customer, helper=helper, service=service, status="completed")
    BookingFactory(customer=customer, service=service, status="searching")
    note = NotificationFactory(recipient=customer)
    off = TimeOffFactory(helper=helper)
    staff = UserFactory(is_staff=True, is_superuser=True)
    values = {
        "reference": [confirmed.reference, done.reference],
        "slug": [service.slug],
        "step": list(STEPS),
        "pk": [note.pk, off.pk],
        "public_id": [helper.public_id],
        "token": [helper.calendar_token],
    }
    return {"customer": customer, "helper": helper.user, "staff": staff, "values": values}


def _client(world: dict[str, Any], role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(world[role])
    return client


def _assert_no_5xx(response: Any, what: str) -> None:
    assert response.status_code < 500, f"{what} → {response.status_code}"


def _same_site(href: str) -> str | None:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if parts.path.startswith(settings.STATIC_URL):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _shape(url: str) -> str:
    """Links to pages of the same kind share a shape: ``/admin/bookings/booking/*/change/``."""
    path, _, query = url.partition("?")
    parts = ["*" if any(c.isdigit() for c in part) else part for part in path.split("/")]
    return "/".join(parts) + "?" + ",".join(sorted(name for name, _ in parse_qsl(query)))


def _crawl(client: Client, seeds: list[str]) -> tuple[set[str], list[tuple[str, dict[str, Any]]]]:
    """GET every seed and one page of each other shape linked from them: the pages and forms."""
    queue, forms = list(dict.fromkeys(seeds)), []
    seen: set[str] = set()
    shapes: set[str] = set()
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        seen.add(url)
        response = client.get(url)
        _assert_no_5xx(response, f"GET {url}")
        if "text/html" not in response.get("Content-Type", ""):
            continue
        page = _Page()
        page.feed(response.content.decode())
        forms += [(url, form) for form in page.forms]
        for link in filter(None, map(_same_site, page.links)):
            if link not in seen and _shape(link) not in shapes:
                shapes.add(_shape(link))
                queue.append(link)
    return seen, forms


def _seeds(world: dict[str, Any]) -> list[str]:
    seeds = []
    for fmt in _url_formats():
        names = [part.split(")")[0] for part in fmt.split("%(")[1:]]
        if not names:
            seeds.append("/" + fmt)
        elif all(name in world["values"] for name in names) and len(names) == 1:
            seeds += ["/" + fmt % {names[0]: value} for value in world["values"][names[0]]]
    return seeds


def _hostile_paths() -> Iterator[str]:
    for fmt in set(_url_formats()):
        names = [part.split(")")[0] for part in fmt.split("%(")[1:]]
        if names:
            for value in HOSTILE.values():
                yield "/" + fmt % dict.fromkeys(names, _quoted(value))


ROLES = ["anonymous", "customer", "helper", "staff"]


@pytest.mark.parametrize("role", ROLES)
def test_hostile_values_in_url_parameters(world: dict[str, Any], role: str) -> None:
    client = _client(world, role)
    for path in sorted(_hostile_paths()):
        _assert_no_5xx(client.get(path), f"{role} GET {path[:120]}")
        _assert_no_5xx(client.post(path), f"{role} POST {path[:120]}")


def _posted_forms(forms: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, dict[str, list]]]:
    """Each POST form once (by where it posts and its field names), delete confirmations last:
    what they remove may be needed by the forms before them."""
    unique: dict[tuple[str, tuple[str, ...]], dict[str, list]] = {}
    for page, form in forms:
        action = _same_site(form["action"] or page) or page
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
    client = _client(world, role)
    pages, forms = _crawl(client, _seeds(world))
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
    client = _client(world, "customer")
    response = client.get("/bookings/%00/")
    assert response.status_code == 404
    assert "Mila" in response.content.decode()


def test_nul_in_the_query_is_a_plain_translated_400(world: dict[str, Any]) -> None:
    client = _client(world, "staff")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    response = client.get("/admin/bookings/booking/?status=%00")
    assert response.status_code == 400
    body = response.content.decode()
    assert '<html lang="fr">' in body and "Traceback" not in body


def test_nul_in_form_data_is_a_400_and_saves_nothing(world: dict[str, Any]) -> None:
    customer = world["customer"]
    client = _client(world, "customer")
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
    client = _client(world, "customer")
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
