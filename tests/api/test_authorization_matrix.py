"""The authorization matrix of /api/v1/ (issue 12): every operation the URL conf serves, times
every kind of caller, with the status the caller gets. EXPECTED below is the reviewable
statement of who may do what; an operation without an entry fails the test, and so does an
entry for an operation that no longer exists.

The roles, around one small world built afresh for each case:

- anonymous:       no credentials at all;
- owner:           the customer O whose booking the path names (signs in with an app's
                   session token, ``X-Session-Token``, so that way of calling is covered too);
- other_customer:  customer X, with a booking of their own, no relation to O's;
- assigned_helper: H1, approved, the helper of O's booking (or offered it, or took the time
                   off the path names);
- other_helper:    H2, approved, no relation to anything of O's or H1's;
- staff:           S, is_staff, in the Support group, with an authenticator app. The API gives
                   staff no extra powers (the admin does): they are a signed-in user with no
                   bookings and no helper profile. mila.middleware.StaffNeedTOTPMiddleware only
                   guards the admin's paths, so it plays no part here.

Statuses: 401, 403 or 404 exactly, or ALLOWED: the caller got past authorization (anything
below 500 that is not 401/403/404, e.g. 200, 201, 204, 400 or a 409 refusal of the business
rules). A refusal changes nothing in the database; every refusal is checked for that.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework.views import APIView

from bookings.models import Booking, BookingEvent, Offer, Service, VisitReport
from helpers.models import AvailabilityWindow, HelperProfile, TimeOff
from reviews.models import Review
from tests.api.conftest import token_client
from tests.factories import (
    ZURICH,
    AvailabilityWindowFactory,
    BookingFactory,
    HelperProfileFactory,
    ServiceFactory,
    TimeOffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

S = Booking.Status
PROBLEM = "application/problem+json"
METHODS = ("get", "post", "put", "patch", "delete")  # options/head: DRF's own, not ours

# Routes of the "api" namespace that are no object operation of the API.
EXCLUDED = {
    "api:schema",  # the OpenAPI document (drf-spectacular), public on purpose
    "api:docs",  # its Swagger reader, public on purpose
    "api:redoc",  # its Redoc reader, public on purpose
    "api:not_found",  # the catch-all: any other /api/v1/ path is a 404 problem
}

# --- the roles and the table ------------------------------------------------------------------

ANON = "anonymous"
OWNER = "owner"
OTHER = "other_customer"
HELPER = "assigned_helper"
OTHER_HELPER = "other_helper"
STAFF = "staff"
ROLES = (ANON, OWNER, OTHER, HELPER, OTHER_HELPER, STAFF)


class Allowed:
    """Past authorization: any status below 500 that is not 401, 403 or 404."""

    def __repr__(self) -> str:
        return "ALLOWED"


ALLOWED = Allowed()
OK = ALLOWED  # short, for the table's columns
Expected = int | Allowed


def row(*statuses: Expected) -> dict[str, Expected]:
    assert len(statuses) == len(ROLES)
    return dict(zip(ROLES, statuses, strict=True))


# fmt: off
EXPECTED: dict[tuple[str, str], dict[str, Expected]] = {
    #                                                anon owner other helper h2   staff
    # The catalogue and the quote: public.
    ("api:services", "GET"):                     row(OK,  OK,   OK,   OK,   OK,   OK),
    ("api:service", "GET"):                      row(OK,  OK,   OK,   OK,   OK,   OK),
    ("api:quote", "POST"):                       row(OK,  OK,   OK,   OK,   OK,   OK),
    # My bookings: anyone signed in has a (maybe empty) list and may book; a helper or staff
    # member books as a customer like anyone else.
    ("api:bookings", "GET"):                     row(401, OK,   OK,   OK,   OK,   OK),
    ("api:bookings", "POST"):                    row(401, OK,   OK,   OK,   OK,   OK),
    # One booking of O's: only O. Everyone else, the booking's own helper and staff included,
    # is told it does not exist (404, never 403: a reference is not confirmed to exist).
    ("api:booking", "GET"):                      row(401, OK,   404,  404,  404,  404),
    ("api:booking_cancellation", "GET"):         row(401, OK,   404,  404,  404,  404),
    ("api:booking_cancel", "POST"):              row(401, OK,   404,  404,  404,  404),
    ("api:booking_reschedule", "GET"):           row(401, OK,   404,  404,  404,  404),
    ("api:booking_reschedule", "POST"):          row(401, OK,   404,  404,  404,  404),
    ("api:booking_review", "POST"):              row(401, OK,   404,  404,  404,  404),
    # The helper app, my own lists and settings: any approved helper; customers and staff
    # (who have no helper profile) are forbidden.
    ("api:helper_offers", "GET"):                row(401, 403,  403,  OK,   OK,   403),
    ("api:helper_jobs", "GET"):                  row(401, 403,  403,  OK,   OK,   403),
    ("api:helper_availability", "GET"):          row(401, 403,  403,  OK,   OK,   403),
    ("api:helper_availability", "PUT"):          row(401, 403,  403,  OK,   OK,   403),
    ("api:helper_time_off", "POST"):             row(401, 403,  403,  OK,   OK,   403),
    ("api:helper_earnings", "GET"):              row(401, 403,  403,  OK,   OK,   403),
    # The helper app, one offer, job or time off of H1's: only H1; another helper is told it
    # does not exist; a customer (even the booking's own) or staff is forbidden first.
    ("api:helper_offer_accept", "POST"):         row(401, 403,  403,  OK,   404,  403),
    ("api:helper_offer_decline", "POST"):        row(401, 403,  403,  OK,   404,  403),
    ("api:helper_job", "GET"):                   row(401, 403,  403,  OK,   404,  403),
    ("api:helper_job_on_my_way", "POST"):        row(401, 403,  403,  OK,   404,  403),
    ("api:helper_job_start", "POST"):            row(401, 403,  403,  OK,   404,  403),
    ("api:helper_job_complete", "POST"):         row(401, 403,  403,  OK,   404,  403),
    ("api:helper_time_off_delete", "DELETE"):    row(401, 403,  403,  OK,   404,  403),
}
# fmt: on

# --- the operations the URL conf serves --------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # "api:booking"
    view: type[APIView] | None  # None: not a DRF view (only allowed in EXCLUDED)
    kwargs: tuple[str, ...]  # the path's parameters


def api_routes() -> list[Route]:
    """Every named route under /api/v1/ (the "api" namespace, through its includes)."""
    prefix, resolver = get_resolver().namespace_dict["api"]
    assert prefix == "api/v1/"
    found: list[Route] = []

    def walk(patterns: list[Any], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                assert pattern.name, f"unnamed route under /api/v1/: {pattern.pattern}"
                view = getattr(pattern.callback, "cls", None)
                assert f"{namespace}{pattern.name}" in EXCLUDED or (
                    isinstance(view, type) and issubclass(view, APIView)
                ), f"{namespace}{pattern.name} is not a DRF view: add it to the matrix or EXCLUDED"
                converters = getattr(pattern.pattern, "converters", {})
                found.append(Route(f"{namespace}{pattern.name}", view, tuple(converters)))

    walk(resolver.url_patterns, "api:")
    return found


def api_operations() -> dict[tuple[str, str], Route]:
    return {
        (route.name, method.upper()): route
        for route in api_routes()
        if route.name not in EXCLUDED
        for method in METHODS
        if hasattr(route.view, method)
    }


OPERATIONS = api_operations()


def test_every_operation_has_an_entry_and_every_entry_an_operation() -> None:
    served, listed = set(OPERATIONS), set(EXPECTED)
    missing = sorted(served - listed)
    assert not missing, "\n".join(f"add {name, method} to EXPECTED" for name, method in missing)
    stale = sorted(listed - served)
    assert not stale, "\n".join(
        f"{name, method} is no longer served: remove it from EXPECTED" for name, method in stale
    )
    assert {role for entry in EXPECTED.values() for role in entry} == set(ROLES)
    assert not (EXCLUDED - {route.name for route in api_routes()}), "stale EXCLUDED entry"


def test_the_walk_finds_the_routes_it_should() -> None:
    """A guard for the walk itself: it sees into the includes, and the methods are right."""
    assert ("api:booking_reschedule", "GET") in OPERATIONS
    assert ("api:booking_reschedule", "POST") in OPERATIONS
    assert ("api:helper_time_off_delete", "DELETE") in OPERATIONS
    assert ("api:booking", "POST") not in OPERATIONS
    assert ("api:booking_cancel", "GET") not in OPERATIONS


# --- the world -----------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def local_at(days: int, hour: int) -> datetime:
    return datetime.combine(timezone.localdate() + timedelta(days=days), time(hour), ZURICH)


@dataclass
class World:
    service: Service
    owner: Any
    other: Any
    helper: HelperProfile
    other_helper: HelperProfile
    staff: Any

    def user(self, role: str) -> Any:
        return {
            OWNER: self.owner,
            OTHER: self.other,
            HELPER: self.helper.user,
            OTHER_HELPER: self.other_helper.user,
            STAFF: self.staff,
        }[role]

    def booking(self, status: str, starts_at: datetime, **fields: Any) -> Booking:
        """A booking of O's for H1 (helper unset while it searches)."""
        if status in ("confirmed", "en_route", "in_progress", "completed"):
            fields.setdefault("helper", self.helper)
        return BookingFactory.create(
            customer=self.owner, service=self.service, status=status, starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=self.service.duration_minutes), **fields,
        )  # fmt: skip


@pytest.fixture
def world(db: None) -> World:
    service = ServiceFactory()
    # H1 does the service around Zürich every day, so a quote or a booking can be made.
    helper = HelperProfileFactory.create(
        user__preferred_language="en", radius_km=50, max_jobs_per_day=10, skills=[service.category]
    )
    for weekday in range(7):
        AvailabilityWindowFactory(helper=helper, weekday=weekday, starts=time(7), ends=time(21))
    other = UserFactory(preferred_language="en")
    BookingFactory(customer=other, service=service, status=S.CONFIRMED)  # X's own booking
    staff = UserFactory(preferred_language="en", is_staff=True)
    staff.groups.add(Group.objects.get(name="Support"))
    return World(
        service=service,
        owner=UserFactory(preferred_language="en"),
        other=other,
        helper=helper,
        other_helper=HelperProfileFactory.create(user__preferred_language="en"),
        staff=staff,
    )


# The object each route's path names, and how it is built (O's booking whose helper is H1,
# in the status the operation starts from, so that the allowed caller reaches the business
# rules and usually succeeds):
def _confirmed(world: World) -> dict[str, Any]:
    """O's confirmed booking three days ahead, H1 its helper (see, cancel, move it)."""
    return {"reference": world.booking(S.CONFIRMED, local_at(3, 10)).reference}


def _completed(world: World) -> dict[str, Any]:
    """O's visit H1 completed an hour ago (rate it)."""
    start = timezone.now() - timedelta(hours=2)
    booking = world.booking(S.COMPLETED, start, created_at=start - timedelta(days=1),
                            completed_at=timezone.now() - timedelta(hours=1))  # fmt: skip
    return {"reference": booking.reference}


def _offered(world: World) -> dict[str, Any]:
    """O's booking five days ahead, still searching, with a pending offer to H1."""
    booking = world.booking(S.SEARCHING, local_at(5, 14))
    now = timezone.now()
    Offer.objects.create(booking=booking, helper=world.helper, wave=1, score=50,
                         breakdown={"distance_km": 2.5}, sent_at=now,
                         expires_at=now + timedelta(hours=1))  # fmt: skip
    return {"reference": booking.reference}


def _job(status: str, starts_in: timedelta) -> Callable[[World], dict[str, Any]]:
    """H1's job for O, in the status the step starts from, starting this much from now."""

    def build(world: World) -> dict[str, Any]:
        booking = world.booking(status, (timezone.now() + starts_in).replace(microsecond=0))
        return {"reference": booking.reference}

    return build


def _time_off(world: World) -> dict[str, Any]:
    """A week H1 takes off."""
    return {"id": TimeOffFactory(helper=world.helper).pk}


def _service(world: World) -> dict[str, Any]:
    return {"slug": world.service.slug}


TARGETS: dict[str, Callable[[World], dict[str, Any]]] = {
    "api:service": _service,
    "api:booking": _confirmed,
    "api:booking_cancellation": _confirmed,
    "api:booking_cancel": _confirmed,
    "api:booking_reschedule": _confirmed,
    "api:booking_review": _completed,
    "api:helper_offer_accept": _offered,
    "api:helper_offer_decline": _offered,
    "api:helper_job": _confirmed,
    "api:helper_job_on_my_way": _job(S.CONFIRMED, timedelta(hours=1)),
    "api:helper_job_start": _job(S.EN_ROUTE, timedelta(minutes=10)),
    "api:helper_job_complete": _job(S.IN_PROGRESS, timedelta(hours=-1)),
    "api:helper_time_off_delete": _time_off,
}


def _booking_body(world: World) -> dict[str, Any]:
    return {
        "service": world.service.slug, "tier": "friend",
        "problem": "Das WLAN bricht im Schlafzimmer immer wieder ab.",
        "street": "Limmatquai 1", "postcode": "8001", "city": "", "country": "CH",
        "phone": "079 123 45 67", "timing": "scheduled",
        "starts_at": local_at(4, 14).isoformat(), "payment_method": "invoice",
    }  # fmt: skip


# A minimal plausible body per write operation, so that allowed callers reach the business
# rules instead of a 400.
BODIES: dict[tuple[str, str], Callable[[World], dict[str, Any]]] = {
    ("api:quote", "POST"): lambda w: {"service": w.service.slug, "postcode": "8001",
                                      "timing": "scheduled",
                                      "starts_at": local_at(4, 14).isoformat()},
    ("api:bookings", "POST"): _booking_body,
    ("api:booking_cancel", "POST"): lambda w: {"expected_fee": 0, "reason": "Plans changed."},
    ("api:booking_reschedule", "POST"): lambda w: {"starts_at": local_at(4, 11).isoformat()},
    ("api:booking_review", "POST"): lambda w: {"stars": 5, "comment": "Quick and patient."},
    ("api:helper_offer_decline", "POST"): lambda w: {"reason": "too_far"},
    ("api:helper_availability", "PUT"): lambda w: {
        "windows": [{"weekday": 0, "starts": "08:00", "ends": "12:00"}]},
    ("api:helper_time_off", "POST"): lambda w: {
        "first_day": (timezone.localdate() + timedelta(days=20)).isoformat(),
        "last_day": (timezone.localdate() + timedelta(days=22)).isoformat(), "note": "Ferien"},
    ("api:helper_job_on_my_way", "POST"): lambda w: {"eta_minutes": 15},
    ("api:helper_job_start", "POST"): lambda w: {"door_checked": True},
    ("api:helper_job_complete", "POST"): lambda w: {
        "worked_minutes": 60, "work_done": "Router moved to the hall, repeater set up."},
}  # fmt: skip
BODILESS = {("api:helper_offer_accept", "POST")}  # takes no body
HEADERS: dict[tuple[str, str], Callable[[], dict[str, str]]] = {
    ("api:bookings", "POST"): lambda: {"HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4())},
}


def test_every_write_has_a_body_and_every_path_an_object() -> None:
    for (name, method), route in OPERATIONS.items():
        if method in ("POST", "PUT", "PATCH") and (name, method) not in BODILESS:
            assert (name, method) in BODIES, f"add a body for {name, method} to BODIES"
        if route.kwargs:
            assert name in TARGETS, f"add the object {name}'s path names to TARGETS"
    assert set(BODIES) <= set(OPERATIONS) and set(TARGETS) <= {n for n, _m in OPERATIONS}


def client_as(world: World, role: str) -> APIClient:
    if role == ANON:
        return APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if role == OWNER:
        client = token_client(world.owner)  # the app's way in: X-Session-Token
    else:
        client = APIClient()
        client.force_authenticate(world.user(role))  # the session's way, without CSRF
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def snapshot() -> list[Any]:
    """What a refused call must leave as it was: the bookings' state, the offers' answers,
    the helpers' times, and no new event, report or review."""
    booking = ("pk", "status", "helper_id", "starts_at", "reschedule_count", "cancellation_fee")
    return [
        list(Booking.objects.order_by("pk").values_list(*booking)),
        list(Offer.objects.order_by("pk").values_list("pk", "status", "decline_reason")),
        list(TimeOff.objects.order_by("pk").values_list("pk", "first_day", "last_day")),
        list(
            AvailabilityWindow.objects.order_by("pk").values_list("pk", "weekday", "starts", "ends")
        ),
        *(model.objects.count() for model in (BookingEvent, VisitReport, Review)),
    ]


CASES = [
    pytest.param(name, method, role, id=f"{name.removeprefix('api:')}-{method}-{role}")
    for (name, method) in sorted(EXPECTED)
    for role in ROLES
]


@pytest.mark.parametrize(("name", "method", "role"), CASES)
def test_the_matrix(world: World, name: str, method: str, role: str) -> None:
    if (name, method) not in OPERATIONS:
        pytest.fail(f"{name, method} is not served: remove it from EXPECTED")
    kwargs = TARGETS[name](world) if name in TARGETS else {}
    url = reverse(name, kwargs=kwargs)
    body = BODIES[name, method](world) if (name, method) in BODIES else None
    headers = HEADERS[name, method]() if (name, method) in HEADERS else {}
    client = client_as(world, role)
    before = snapshot()

    response = getattr(client, method.lower())(url, body, format="json", **headers)

    expected = EXPECTED[name, method][role]
    got = response.status_code
    said = f"{role} {method} {url} -> {got}: {response.content[:300]!r}"
    if isinstance(expected, Allowed):
        assert got not in (401, 403, 404) and got < 500, said
        if body is not None:  # the body is plausible: the business rules decided, not a 400
            assert got != 400, said
    else:
        assert got == expected, said
        assert response["Content-Type"] == PROBLEM, said
        assert snapshot() == before, f"{said}: a refused call changed the database"


def test_staff_without_an_authenticator_app_are_not_stopped_by_the_api(world: World) -> None:
    """StaffNeedTOTPMiddleware guards the admin's paths only: the API treats a staff member
    without TOTP like any signed-in user (it gives staff no powers, so nothing to guard)."""
    staff = UserFactory(is_staff=True, totp=False)
    client = APIClient()
    client.force_authenticate(staff)
    assert client.get(reverse("api:bookings")).status_code == 200
    assert client.get(reverse("api:helper_offers")).status_code == 403
    booking = _confirmed(world)
    assert client.get(reverse("api:booking", kwargs=booking)).status_code == 404


def test_a_browser_session_without_the_csrf_token_changes_nothing(world: World) -> None:
    """The matrix signs in with force_authenticate, which skips the CSRF check: here the
    session's way in, as a browser has it, for one write."""
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.owner)
    kwargs = _confirmed(world)
    before = snapshot()

    response = client.post(reverse("api:booking_cancel", kwargs=kwargs), {"expected_fee": 0})

    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM
    assert snapshot() == before
