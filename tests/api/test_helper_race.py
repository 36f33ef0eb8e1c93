"""First accept wins through the API too: 20 helpers accept the same booking at the same moment,
each in a thread with its own connection to PostgreSQL and its own signed-in client."""

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from bookings.models import Booking, BookingEvent, Offer
from tests.api.test_helper_api import approved_helper, client_of, offer_to
from tests.concurrency import run_at_once
from tests.factories import BookingFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]


def accepting(client: APIClient, reference: str) -> Callable[[], str]:
    def job() -> str:
        response = client.post(f"/api/v1/helper/offers/{reference}/accept/")
        if response.status_code == 200:
            return "won"
        return f"{response.status_code}:{response.json().get('type', '').rsplit('/', 1)[-1]}"

    return job


def outcomes(results: list[tuple[str, Any]]) -> Counter[str]:
    return Counter(
        value if outcome == "ok" else f"error:{type(value).__name__}: {value}"
        for outcome, value in results
    )


def test_twenty_helpers_accept_at_once_through_the_api_one_wins(postgres: None) -> None:
    booking = BookingFactory()
    helpers = [approved_helper() for _ in range(20)]
    for helper in helpers:
        offer_to(booking, helper)
    clients = [client_of(helper.user) for helper in helpers]

    results = outcomes(run_at_once(*(accepting(c, booking.reference) for c in clients)))

    assert results == {"won": 1, "409:taken": 19}, results
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    winner = Offer.objects.get(booking=booking, status=Offer.Status.ACCEPTED)
    assert booking.helper_id == winner.helper_id
    assert Offer.objects.filter(booking=booking, status=Offer.Status.WITHDRAWN).count() == 19
    confirmed = BookingEvent.objects.filter(booking=booking, to_status=Booking.Status.CONFIRMED)
    assert confirmed.count() == 1
