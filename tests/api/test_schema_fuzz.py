"""Schemathesis against the live schema (DESIGN §9 of issue 12): for three callers (nobody, a
customer with bookings, an approved helper with offers and jobs), every operation gets
generated requests — valid ones and edge cases the schema allows — sent through Django's WSGI
application. None may answer with a server error, and every answer must be what the schema
says: a documented status code, its content type, a body of its schema. Fixed seed, so a
failure comes back the same way."""

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from bookings.models import Booking, Offer
from tests.factories import BookingFactory, UserFactory

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 15  # × ~25 operations × 3 callers: over 1,000 requests
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]  # fmt: skip
SCHEMA = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())
SENT: dict[str, int] = {}


@pytest.fixture(autouse=True)
def _keep_the_tests_connection() -> Iterator[None]:
    """The real WSGI handler closes the database connection after each request (Django's test
    client does not): that would end the test's transaction on PostgreSQL."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def session_token(user: Any) -> str:
    """An app's session token for ``user``, made the quick way: allauth's token is the key of
    a signed-in session."""
    client = Client()
    client.force_login(user)
    return str(client.session.session_key)


@pytest.fixture
def callers(reachable: Any, throttle_rates: Any) -> dict[str, dict[str, str]]:
    throttle_rates(anon="100000/min", user="100000/min")  # the generated requests, not 429s
    customer = UserFactory(preferred_language="en")
    searching = BookingFactory(customer=customer, status=Booking.Status.SEARCHING)
    Offer.objects.create(booking=searching, helper=reachable, wave=1, score=50, breakdown={},
                         expires_at=timezone.now() + timedelta(minutes=15))  # fmt: skip
    for status in (Booking.Status.CONFIRMED, Booking.Status.COMPLETED):
        BookingFactory(customer=customer, status=status, helper=reachable)
    return {
        "nobody": {},
        "customer": {"X-Session-Token": session_token(customer)},
        "helper": {"X-Session-Token": session_token(reachable.user)},
    }


def operations() -> list[Any]:
    """Every operation of the schema (an operation the loader cannot read fails here)."""
    return [result.ok() for result in SCHEMA.get_all_operations()]  # type: ignore[union-attr]


@pytest.mark.parametrize("caller", ["nobody", "customer", "helper"])
def test_every_answer_is_what_the_schema_says(caller: str, callers: dict[str, Any]) -> None:
    headers = callers[caller]
    for operation in operations():

        @hypothesis.given(case=operation.as_strategy())
        @hypothesis.settings(max_examples=EXAMPLES_PER_OPERATION, derandomize=True,
                             deadline=None, database=None,
                             suppress_health_check=list(HealthCheck))  # fmt: skip
        def fuzz(case: Any) -> None:
            # Behind gunicorn every request has a client address; allauth needs one.
            response = case.call(headers=headers, environ_base={"REMOTE_ADDR": "198.51.100.20"})
            case.validate_response(response, checks=CHECKS)
            SENT[caller] = SENT.get(caller, 0) + 1

        fuzz()
    print(f"schemathesis: {SENT[caller]} requests as {caller}")
    assert SENT[caller] >= 1000 // 3
