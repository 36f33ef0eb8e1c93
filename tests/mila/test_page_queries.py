"""Every page's SQL queries, counted on the demo data and again with much more of it.

The numbers are exact: a page that starts asking once per row (N+1) fails here, and one that
asks less should lower its number. The same pages are what bench/bench_http.py puts under load.
"""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookings.models import Booking, Offer
from customers.models import User
from helpers.models import HelperProfile
from notifications.models import Notification
from tests.bookings.quote_form import fill_wizard
from tests.factories import BookingFactory, NotificationFactory

pytestmark = pytest.mark.django_db

ANNA, LENA, CLAUDE = "anna@mila.example", "lena@mila.example", "claude@mila.example"

# Visitors' pages: queries when rendered for the cache; served from it, they ask none.
VISITOR_PAGES = {
    "/": 3,
    "/about/": 0,
    "/services/": 2,
    "/services/wifi-setup/": 1,
    "/accounts/login/": 0,
    "/helpers/become/": 1,
}
# Signed-in pages: (who, path or a function of the demo data giving it, queries).
SIGNED_IN_PAGES: dict[str, tuple[str, Callable[[], str] | str, int]] = {
    # The session's user (with any helper profile) is in each number; the inbox badge is cached.
    "my bookings": (ANNA, "/bookings/", 2),
    "booking detail": (ANNA, lambda: f"/bookings/{_booking_of(ANNA).reference}/", 4),
    "inbox": (ANNA, "/inbox/", 3),
    "account": (ANNA, "/account/profile/", 2),
    "catalogue": (ANNA, "/services/", 1),
    "wizard: problem": (CLAUDE, "/book/problem/", 2),
    "wizard: address": (CLAUDE, "/book/address/", 2),
    "wizard: time": (CLAUDE, "/book/time/", 2),
    "wizard: quote": (CLAUDE, "/book/quote/", 2),
    "helper dashboard": (LENA, "/helper/", 7),
    "helper availability": (LENA, "/helper/availability/", 4),
    "helper job": (LENA, lambda: f"/helper/jobs/{_job_of(LENA).reference}/", 2),
    "helper earnings": (LENA, "/helper/earnings/", 3),
    "helper profile": (LENA, "/helper/profile/", 3),
    "public profile": (ANNA, lambda: f"/helpers/{_helper(LENA).public_id}/", 5),
}


def _helper(email: str) -> HelperProfile:
    return HelperProfile.objects.get(user__email=email)


def _booking_of(email: str) -> Booking:
    confirmed = Booking.objects.filter(customer__email=email, status=Booking.Status.CONFIRMED)
    return confirmed.order_by("starts_at")[0]


def _job_of(email: str) -> Booking:
    confirmed = Booking.objects.filter(helper__user__email=email, status=Booking.Status.CONFIRMED)
    return confirmed.order_by("starts_at")[0]


def _signed_in(email: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=email))
    if email == CLAUDE:
        fill_wizard(client)
    return client


def _count(client: Client, path: str) -> int:
    client.get(path)  # sessions, lazy caches and fragments settle on the first visit
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code, response.get("Location"))
    return len(queries)


def _more_of_everything() -> None:
    """Ten times the demo's rows where pages list them."""
    anna = User.objects.get(email=ANNA)
    lena = _helper(LENA)
    now = timezone.now()
    for day in range(10, 30):
        BookingFactory(customer=anna, helper=lena, status=Booking.Status.CONFIRMED,
                       starts_at=now + timedelta(days=day, hours=1))  # fmt: skip
        waiting = BookingFactory(starts_at=now + timedelta(days=day, hours=5))
        Offer.objects.create(booking=waiting, helper=lena, wave=1, score=50,
                             breakdown={"distance_km": 1.0},
                             expires_at=now + timedelta(hours=1))  # fmt: skip
    NotificationFactory.create_batch(40, recipient=anna)
    NotificationFactory.create_batch(40, recipient=lena.user)


@pytest.fixture
def demo() -> None:
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.mark.usefixtures("demo")
def test_visitor_pages_ask_their_queries_once_then_none() -> None:
    counted = {}
    for path in VISITOR_PAGES:
        with CaptureQueriesContext(connection) as cold:
            assert Client().get(path).status_code == 200
        with CaptureQueriesContext(connection) as warm:
            assert Client().get(path).status_code == 200
        counted[path] = (len(cold), len(warm))
    assert counted == {path: (queries, 0) for path, queries in VISITOR_PAGES.items()}


@pytest.mark.usefixtures("demo")
def test_signed_in_pages_ask_a_fixed_number_of_queries() -> None:
    def count_all() -> dict[str, int]:
        clients = {email: _signed_in(email) for email in (ANNA, LENA, CLAUDE)}
        counts = {}
        for name, (email, path, _expected) in SIGNED_IN_PAGES.items():
            counts[name] = _count(clients[email], path() if callable(path) else path)
        return counts

    on_demo_data = count_all()
    _more_of_everything()
    with_more_data = count_all()

    assert on_demo_data == {name: queries for name, (_, _, queries) in SIGNED_IN_PAGES.items()}
    assert with_more_data == on_demo_data
    assert Notification.objects.filter(recipient__email=ANNA).count() > 40
