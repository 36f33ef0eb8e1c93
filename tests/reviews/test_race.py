"""Two reviews of one visit at the same moment (a double tap, two devices): one is written,
the other refused cleanly; the helper's rating counts one (PostgreSQL: real row locks)."""

from typing import Any

import pytest

from helpers.models import HelperProfile
from reviews.models import Review
from reviews.services import ReviewError, review_create
from tests.concurrency import run_at_once
from tests.reviews.conftest import assert_no_drift, completed

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_reviews_of_one_booking_at_once_write_one(postgres: None) -> None:
    booking = completed()

    def rate(stars: int) -> Any:
        return lambda: review_create(booking=booking, user=booking.customer, stars=stars)

    results = run_at_once(rate(5), rate(1), rate(4))
    outcomes = sorted(
        "ok" if outcome == "ok" else value.code
        for outcome, value in results
        if outcome == "ok" or isinstance(value, ReviewError)
    )
    assert outcomes == ["already", "already", "ok"]
    assert Review.objects.filter(booking=booking).count() == 1
    assert HelperProfile.objects.get(pk=booking.helper_id).rating_count == 1
    assert_no_drift()
