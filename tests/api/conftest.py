"""Fixtures for the API tests: a DRF client, people in each role, and app sign-in."""

from datetime import time
from typing import Any

import pytest
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from bookings.models import ServiceCategory
from helpers.models import HelperProfile
from tests.factories import (
    PASSWORD,
    AvailabilityWindowFactory,
    HelperProfileFactory,
    UserFactory,
)


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def reachable(catalogue: None) -> HelperProfile:
    """An approved Pro near Zürich who does every service, every day 07:00–21:00: addresses
    around 8001 can be quoted and booked."""
    helper = HelperProfileFactory.create(tier=HelperProfile.Tier.PRO, radius_km=50,
                                  skills=list(ServiceCategory.objects.all()))  # fmt: skip
    for weekday in range(7):
        AvailabilityWindowFactory(helper=helper, weekday=weekday, starts=time(7), ends=time(21))
    return helper


def app_sign_in(email: str, password: str) -> str:
    """Sign in the way an app does (allauth's headless API); returns the session token."""
    client = APIClient()
    response = client.post(
        "/_allauth/app/v1/auth/login", {"email": email, "password": password}, format="json"
    )
    assert response.status_code == 200, response.content
    token: str = response.json()["meta"]["session_token"]
    return token


@pytest.fixture
def app_user(db: None) -> Any:
    return UserFactory(preferred_language="en")


def token_client(user: Any) -> APIClient:
    """A client that calls as ``user`` with an app's session token (factories' password)."""
    client = APIClient()
    client.credentials(HTTP_X_SESSION_TOKEN=app_sign_in(user.email, PASSWORD))
    return client


@pytest.fixture
def throttle_rates(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Set the API's rate limits for one test: ``throttle_rates(anon="3/min", user="5/min")``.
    DRF's throttles read REST_FRAMEWORK once, at import, so the settings fixture cannot."""

    def set_rates(**rates: str) -> None:
        monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)

    return set_rates
