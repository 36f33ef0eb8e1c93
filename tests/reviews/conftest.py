from datetime import timedelta
from typing import Any, cast

import pytest
from django.utils import timezone

from bookings.models import Booking
from reviews.ratings import ratings_recompute
from tests.factories import BookingFactory, HelperProfileFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_passwords_in_english(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.LANGUAGE_CODE = "en"  # the pages' words are asserted in English


def en_user(**kwargs: Any) -> Any:
    kwargs.setdefault("preferred_language", "en")
    return UserFactory(**kwargs)


def en_helper(**kwargs: Any) -> Any:
    kwargs.setdefault("user__preferred_language", "en")
    return HelperProfileFactory(**kwargs)


@pytest.fixture
def staff_client(client: Any) -> Any:
    client.force_login(en_user(is_staff=True, is_superuser=True))
    return client


def completed(**kwargs: Any) -> Booking:
    """A visit completed an hour ago."""
    done = timezone.now() - timedelta(hours=1)
    kwargs.setdefault("customer", en_user(first_name="Anna", last_name="Muster"))
    start = done - timedelta(hours=1)
    booking = BookingFactory(
        status="completed", created_at=done, starts_at=start, ends_at=done, **kwargs
    )
    return cast(Booking, booking)


@pytest.fixture
def booking(db: None) -> Booking:
    return completed(helper=en_helper(user__first_name="Lena"))


def assert_no_drift() -> None:
    result = ratings_recompute(fix=False)
    assert result.drifted == []
