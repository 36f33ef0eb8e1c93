"""A customer's bookings through the API: the list, booking with an idempotency key, one
booking with its timeline; someone else's bookings are not found."""

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework.test import APIClient

from bookings.models import Booking, BookingEvent, Service
from bookings.services import booking_quote
from tests.api.conftest import token_client
from tests.concurrency import run_at_once
from tests.factories import BookingFactory, HelperProfileFactory, ServiceFactory, UserFactory

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def customer(db: None) -> Any:
    return UserFactory(preferred_language="en", first_name="Anna")


@pytest.fixture
def client(customer: Any) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(customer)
    return client


def tomorrow_at_ten() -> str:
    at = timezone.localtime() + timedelta(days=1)
    return at.replace(hour=10, minute=0, second=0, microsecond=0).isoformat()


def booking_body(service: Service, **changes: Any) -> dict[str, Any]:
    body = {
        "service": service.slug, "tier": "friend",
        "problem": "Das WLAN bricht im Schlafzimmer immer wieder ab.",
        "street": "Limmatquai 1", "postcode": "8001", "city": "", "country": "CH",
        "phone": "079 123 45 67", "timing": "scheduled", "starts_at": tomorrow_at_ten(),
        "payment_method": "invoice",
    }  # fmt: skip
    return {**body, **changes}


@pytest.fixture
def service(reachable: Any) -> Service:
    found = Service.objects.bookable().filter(pro_only=False).order_by("pk").first()
    assert found is not None
    return found


def book(client: APIClient, body: dict[str, Any], key: Any = None, **extra: Any) -> Any:
    return client.post("/api/v1/bookings/", body, format="json",
                       HTTP_IDEMPOTENCY_KEY=str(key or uuid.uuid4()), **extra)  # fmt: skip


# The list ---------------------------------------------------------------------------------------


def test_the_list_has_only_my_bookings_newest_first(client: APIClient, customer: Any) -> None:
    now = timezone.now()
    older = BookingFactory(customer=customer, created_at=now - timedelta(days=2))
    newer = BookingFactory(customer=customer, status="confirmed", created_at=now)
    BookingFactory()  # someone else's

    response = client.get("/api/v1/bookings/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [row["reference"] for row in body["results"]] == [newer.reference, older.reference]
    first = body["results"][0]
    assert first["status"] == "confirmed"
    assert first["status_label"] == "Helper confirmed"
    assert first["service"] == {"slug": newer.service.slug, "name": newer.service.name}
    minutes = newer.service.duration_minutes
    assert first["lines"] == [{"code": "base", "quantity": 1, "amount": newer.price_base,
                               "label": f"Visit (about {minutes} minutes)"}]  # fmt: skip
    assert first["total"] == newer.price_total
    assert first["currency"] == "CHF"
    assert first["helper"]["first_name"] == newer.helper.user.first_name
    assert first["cancellation_fee"] is None
    assert first["links"]["self"] == f"/api/v1/bookings/{newer.reference}/"
    assert body["results"][1]["helper"] is None
    # The helper's contact data is not the customer's to see.
    assert newer.helper.user.email not in response.content.decode()


def test_the_list_shows_surcharge_extra_time_and_a_cancellation_fee(
    client: APIClient, customer: Any
) -> None:
    BookingFactory(customer=customer, status="completed", price_surcharge=1000, price_extra=2500,
                   worked_minutes=90)  # fmt: skip
    BookingFactory(customer=customer, status="cancelled", cancellation_fee=4500,
                   created_at=timezone.now() - timedelta(days=1))  # fmt: skip

    completed, cancelled = client.get("/api/v1/bookings/").json()["results"]

    assert [line["code"] for line in completed["lines"]] == ["base", "last_minute", "extra_time"]
    assert completed["lines"][2]["amount"] == 2500
    assert completed["lines"][2]["label"].startswith("Extra time (1 × ")
    assert completed["total"] == sum(line["amount"] for line in completed["lines"])
    assert cancelled["cancellation_fee"] == 4500


def test_pages_are_at_most_100_long(client: APIClient, customer: Any) -> None:
    service = ServiceFactory()
    BookingFactory.create_batch(101, customer=customer, service=service)

    response = client.get("/api/v1/bookings/?page_size=500")

    body = response.json()
    assert body["count"] == 101
    assert len(body["results"]) == 100
    assert body["next"] is not None
    assert len(client.get("/api/v1/bookings/?page_size=500&page=2").json()["results"]) == 1


def list_queries(client: APIClient) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/bookings/?page_size=100").status_code == 200
    return len(queries)


def test_the_lists_queries_do_not_grow_with_the_bookings(client: APIClient, customer: Any) -> None:
    def add(count: int) -> None:
        for index in range(count):
            status = ("searching", "confirmed", "completed", "cancelled")[index % 4]
            BookingFactory(customer=customer, status=status)

    add(5)
    few = list_queries(client)
    add(45)
    many = list_queries(client)

    assert many == few


def test_signing_in_with_an_app_token_lists_my_bookings(customer: Any) -> None:
    BookingFactory(customer=customer)

    response = token_client(customer).get("/api/v1/bookings/")

    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_anonymous_callers_are_asked_to_sign_in(api: APIClient) -> None:
    for response in (api.get("/api/v1/bookings/"), api.post("/api/v1/bookings/", {})):
        assert response.status_code == 401
        assert response["Content-Type"] == PROBLEM
        assert response.json()["type"] == "https://mila.ch/problems/not_authenticated"


# Booking -----------------------------------------------------------------------------------------


def test_booking_a_visit(
    client: APIClient, customer: Any, service: Service, enqueued: list[int],
    django_capture_on_commit_callbacks: Callable,
) -> None:  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = book(client, booking_body(service))

    assert response.status_code == 201, response.content
    booking = Booking.objects.get()
    assert booking.customer == customer
    assert booking.status == Booking.Status.SEARCHING
    assert booking.phone == "+41791234567"  # normalised, as the wizard stores it
    assert booking.city == "Zürich"
    expected = booking_quote(service=service, tier="friend", starts_at=booking.starts_at,
                             now=booking.created_at)  # fmt: skip
    assert booking.price_total == expected.total
    body = response.json()
    assert body["reference"] == booking.reference
    assert body["status"] == "searching"
    assert body["total"] == booking.price_total
    assert body["payment_method"] == "invoice"
    assert parse_datetime(body["starts_at"]) == booking.starts_at
    assert [event["status"] for event in body["events"]] == ["requested", "searching"]
    assert enqueued == [booking.pk]
    assert [message.to for message in mail.outbox] == [[customer.email]]


def test_status_helper_and_money_cannot_be_sent(
    client: APIClient, service: Service, enqueued: list[int]
) -> None:
    helper = HelperProfileFactory()
    response = book(client, booking_body(
        service, status="completed", price_total=1, price_base=1, helper=helper.pk,
        customer=UserFactory().pk, reference="AAAA-BBBB", cancellation_fee=0, commission=0,
    ))  # fmt: skip

    assert response.status_code == 201, response.content
    booking = Booking.objects.get()
    assert booking.status == Booking.Status.SEARCHING
    assert booking.helper is None
    assert booking.reference != "AAAA-BBBB"
    assert booking.price_total == booking.price_base + booking.price_surcharge > 1
    assert response.json()["total"] == booking.price_total


def test_the_same_key_twice_books_once(
    client: APIClient, service: Service, enqueued: list[int]
) -> None:
    key = uuid.uuid4()

    first = book(client, booking_body(service), key)
    again = book(client, booking_body(service, problem="Something else entirely, twice."), key)

    assert (first.status_code, again.status_code) == (201, 200)
    assert Booking.objects.count() == 1
    assert again.json() == first.json()
    assert BookingEvent.objects.filter(to_status="requested").count() == 1


def test_another_customers_key_is_refused(
    client: APIClient, service: Service, enqueued: list[int]
) -> None:
    key = uuid.uuid4()
    assert book(client, booking_body(service), key).status_code == 201
    other = APIClient()
    other.force_authenticate(UserFactory())

    response = book(other, booking_body(service), key, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 409
    assert response.json()["type"] == "https://mila.ch/problems/key"
    assert Booking.objects.count() == 1


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("", "Please send an Idempotency-Key header with a new UUID for each booking."),
        ("not-a-uuid", "The Idempotency-Key header must be a UUID."),
    ],
)
def test_a_booking_needs_an_idempotency_key(
    client: APIClient, service: Service, key: str, message: str
) -> None:
    response = client.post("/api/v1/bookings/", booking_body(service), format="json",
                           **({"HTTP_IDEMPOTENCY_KEY": key} if key else {}))  # fmt: skip

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["errors"] == {"Idempotency-Key": [message]}
    assert not Booking.objects.exists()


def test_bad_input_is_a_400_with_field_errors_in_german(
    client: APIClient, service: Service
) -> None:
    body = booking_body(service, phone="12", problem="kurz", timing="scheduled", starts_at=None)

    response = book(client, body, HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 400
    problem = response.json()
    assert problem["errors"]["phone"] == [
        "Bitte geben Sie eine gültige Telefonnummer ein, z. B. 079 123 45 67."
    ]
    assert "problem" in problem["errors"]
    assert not Booking.objects.exists()


def test_a_postcode_nobody_reaches_is_refused_with_the_reason(
    client: APIClient, service: Service
) -> None:
    response = book(client, booking_body(service, postcode="1200", city=""))

    assert response.status_code == 409
    assert response.json()["type"] == "https://mila.ch/problems/coverage"
    assert response.json()["detail"] == "We have no helpers near 1200 yet."
    assert not Booking.objects.exists()


def test_card_only_when_card_payments_are_offered(client: APIClient, service: Service) -> None:
    response = book(client, booking_body(service, payment_method="card"))

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "payment_method": ["Paying by card is not possible at the moment."]
    }


@pytest.mark.django_db(transaction=True)
def test_parallel_posts_with_one_key_book_once(
    postgres: None, catalogue: None, enqueued: list[int], settings: Any
) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    customer = UserFactory()
    service = Service.objects.bookable().filter(pro_only=False).order_by("pk").first()
    assert service is not None
    HelperProfileFactory(skills=[service.category])  # someone in Zürich does it
    key, body = uuid.uuid4(), booking_body(service)

    def submit() -> int:
        client = APIClient()
        client.force_authenticate(customer)
        return int(book(client, body, key).status_code)

    results = run_at_once(*[submit] * 5)

    assert [outcome for outcome, _ in results] == ["ok"] * 5, results
    assert sorted(code for _, code in results) == [200, 200, 200, 200, 201]
    booking = Booking.objects.get()
    assert booking.status == Booking.Status.SEARCHING
    assert enqueued == [booking.pk]


# One booking -------------------------------------------------------------------------------------


def test_one_booking_with_its_timeline(client: APIClient, customer: Any) -> None:
    booking = BookingFactory(customer=customer, status="confirmed")
    at = timezone.now()
    for step, (old, new, data) in enumerate([
        ("", "requested", {}), ("requested", "searching", {}),
        ("searching", "searching", {"rescheduled": {"starts_at": "2026-12-01T10:00:00+01:00",
                                                    "timing": "scheduled"}}),
        ("searching", "searching", {"kind": "note"}),  # staff's internal note
        ("searching", "confirmed", {}),
    ]):  # fmt: skip
        BookingEvent.objects.create(booking=booking, from_status=old, to_status=new, data=data,
                                    role="system", at=at + timedelta(seconds=step),
                                    note="internal")  # fmt: skip

    response = client.get(f"/api/v1/bookings/{booking.reference}/")

    assert response.status_code == 200
    body = response.json()
    assert [(e["status"], e["label"]) for e in body["events"]] == [
        ("requested", "Received"), ("searching", "Looking for a helper"),
        ("searching", "Visit moved"), ("confirmed", "Helper confirmed"),
    ]  # fmt: skip
    assert body["events"][2]["moved_from"] == "2026-12-01T10:00:00+01:00"
    assert "internal" not in response.content.decode()
    assert body["door_code"] == booking.visit_code
    assert body["can_cancel"] is True
    assert body["helper"]["first_name"] == booking.helper.user.first_name
    assert body["problem"] == booking.problem


def test_someone_elses_booking_is_not_found(client: APIClient) -> None:
    other = BookingFactory(status="completed")
    ref = other.reference

    responses = [
        client.get(f"/api/v1/bookings/{ref}/"),
        client.get(f"/api/v1/bookings/{ref}/cancellation/"),
        client.post(f"/api/v1/bookings/{ref}/cancel/", {"expected_fee": 99999}),
        client.get(f"/api/v1/bookings/{ref}/reschedule/"),
        client.post(f"/api/v1/bookings/{ref}/reschedule/", {"starts_at": tomorrow_at_ten()}),
        client.post(f"/api/v1/bookings/{ref}/review/", {"stars": 1}),
    ]

    assert [response.status_code for response in responses] == [404] * 6
    assert responses[0].json()["type"] == "https://mila.ch/problems/not_found"
    other.refresh_from_db()
    assert other.status == Booking.Status.COMPLETED
    assert not hasattr(other, "review")
