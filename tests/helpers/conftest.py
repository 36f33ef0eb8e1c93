"""Fixtures shared by the helper tests."""

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from bookings.models import ServiceCategory
from helpers.services import Application
from tests.factories import UserFactory

BIO = "Ich bin Informatikerin und helfe gerne bei WLAN, TV und Smartphone – geduldig und klar."


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff(db: None) -> Any:
    return UserFactory(is_staff=True, is_superuser=True, first_name="Sara")


@pytest.fixture
def make_application(db: None) -> Callable[..., Application]:
    """A valid Friend application from Zürich 8001; keyword arguments change fields."""

    def make(**changes: Any) -> Application:
        application = Application(
            tier="friend",
            skills=list(ServiceCategory.objects.filter(active=True)[:2]),
            languages=["de", "en"],
            postcode="8001",
            country="CH",
            radius_km=15,
            bio=BIO,
            phone="+41791234567",
            max_jobs_per_day=4,
        )
        return replace(application, **changes)

    return make
