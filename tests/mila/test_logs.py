"""The JSON log an operator reads: one line per request and per task, tracebacks in a field."""

import io
import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from bookings.tasks import advance_search
from mila.logs import JsonFormatter, RequestLogMiddleware
from tests.factories import BookingFactory, UserFactory

pytestmark = pytest.mark.django_db

Lines = Callable[..., list[dict[str, Any]]]


@pytest.fixture
def json_log() -> Iterator[Lines]:
    """What the production console handler writes, parsed back: one dict per line."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)

    def lines(logger: str | None = None) -> list[dict[str, Any]]:
        parsed = [json.loads(line) for line in stream.getvalue().splitlines()]
        return [line for line in parsed if logger is None or line["logger"] == logger]

    yield lines
    root.removeHandler(handler)
    root.setLevel(old_level)


def test_a_booking_page_logs_one_line_with_its_reference(client: Client, json_log: Lines) -> None:
    customer = UserFactory()
    booking = BookingFactory(customer=customer, status="confirmed")
    client.force_login(customer)

    response = client.get(reverse("bookings:detail", args=[booking.reference]) + "?tab=x")

    [line] = json_log("mila.request")
    assert line["method"] == "GET"
    assert line["path"] == f"/bookings/{booking.reference}/"  # no query string
    assert line["status"] == 200
    assert line["booking"] == booking.reference
    assert line["user_id"] == customer.pk
    assert line["level"] == "INFO"
    assert isinstance(line["duration_ms"], float)
    assert line["request_id"] == response["X-Request-ID"]


def test_the_proxys_request_id_is_kept_and_a_forged_one_replaced(
    client: Client, json_log: Lines
) -> None:
    client.get("/", headers={"X-Request-ID": "0b9f5c3e-1d2a-4c6b-9e8f-7a6b5c4d3e2f"})
    client.get("/", headers={"X-Request-ID": "x" * 500})

    first, second = json_log("mila.request")
    assert first["request_id"] == "0b9f5c3e-1d2a-4c6b-9e8f-7a6b5c4d3e2f"
    assert len(second["request_id"]) == 32


def test_someone_elses_booking_logs_its_404(client: Client, json_log: Lines) -> None:
    booking = BookingFactory()
    client.force_login(UserFactory())

    client.get(reverse("bookings:detail", args=[booking.reference]))

    [line] = json_log("mila.request")
    assert (line["status"], line["booking"]) == (404, booking.reference)


def test_an_anonymous_page_has_no_user_and_no_booking(client: Client, json_log: Lines) -> None:
    client.get(reverse("bookings:catalogue"))

    [line] = json_log("mila.request")
    assert line["user_id"] is None
    assert "booking" not in line


def test_healthy_health_checks_are_not_logged(client: Client, json_log: Lines) -> None:
    assert client.get("/health/").status_code == 200
    assert json_log("mila.request") == []


def test_the_request_line_costs_no_query(rf: Any, django_assert_num_queries: Any) -> None:
    """The user is read only if the view already loaded it: nothing is fetched for the log."""
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse
    from django.utils.functional import SimpleLazyObject

    def view(request: Any) -> HttpResponse:
        return HttpResponse("ok")

    request = rf.get("/")
    request.user = SimpleLazyObject(AnonymousUser)
    with django_assert_num_queries(0):
        RequestLogMiddleware(view)(request)


def test_a_task_logs_one_line_with_its_booking(json_log: Lines) -> None:
    booking = BookingFactory(status="searching")

    advance_search.delay(booking.pk)

    [line] = json_log("mila.task")
    assert line["task"] == "bookings.tasks.advance_search"
    assert line["booking_id"] == booking.pk
    assert line["state"] == "SUCCESS"
    assert line["retries"] == 0
    assert isinstance(line["duration_ms"], float)
    assert line["task_id"]


def test_records_inside_a_task_carry_its_id_and_booking(json_log: Lines) -> None:
    from celery import shared_task

    @shared_task(name="tests.log_inside")
    def log_inside(booking_id: int) -> None:
        logging.getLogger("bookings").warning("the helper's phone number is missing")

    log_inside.delay(42)

    [warning] = json_log("bookings")
    [task_line] = json_log("mila.task")
    assert warning["booking_id"] == 42
    assert warning["task_id"] == task_line["task_id"]


def test_a_failed_task_logs_its_error(json_log: Lines) -> None:
    from celery import shared_task

    @shared_task(name="tests.fail")
    def fail(booking_id: int) -> None:
        raise ValueError("no such service")

    with pytest.raises(ValueError, match="no such service"):
        fail.delay(booking_id=7)

    [line] = json_log("mila.task")
    assert (line["state"], line["level"], line["booking_id"]) == ("FAILURE", "ERROR", 7)
    assert line["error"] == "ValueError: no such service"


def test_an_error_carries_its_traceback_in_a_field(json_log: Lines) -> None:
    try:
        {"city": "Bern"}["street"]
    except KeyError:
        logging.getLogger("payments").exception("Invoice %s could not be drawn", "R-1", extra={
            "invoice": "R-1"})  # fmt: skip

    [line] = json_log("payments")
    assert line["message"] == "Invoice R-1 could not be drawn"
    assert line["level"] == "ERROR"
    assert line["invoice"] == "R-1"
    assert line["exception"].startswith("Traceback (most recent call last):")
    assert "KeyError: 'street'" in line["exception"]
