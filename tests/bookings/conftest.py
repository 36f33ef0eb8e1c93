"""Fixtures for matching: a booking in Zürich and helpers placed around it, free for it."""

from collections.abc import Callable
from datetime import time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bookings.models import Booking, Offer, ServiceCategory
from helpers.models import HelperProfile
from mila.lib import geo
from tests.factories import (
    AvailabilityWindowFactory,
    BookingFactory,
    HelperProfileFactory,
    ServiceFactory,
)

ZURICH = ZoneInfo("Europe/Zurich")
KM_PER_DEGREE = 3.141592653589793 * geo.EARTH_RADIUS_KM / 180
HOME = (47.3721, 8.5417)  # Zürich 8001, where BookingFactory's visits are


def north_of_home(km: float) -> tuple[float, float]:
    """A point ``km`` north of the booking's address (exact along a meridian)."""
    return HOME[0] + km / KM_PER_DEGREE, HOME[1]


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def service(db: None) -> Any:
    return ServiceFactory()


@pytest.fixture
def booking(service: Any) -> Any:
    """A searching Friend visit in Zürich, three days ahead 10:00–11:00, for a customer whose
    surname appears nowhere else on a page (privacy tests look for it)."""
    return BookingFactory(service=service, customer__last_name="Quellenbrunner")


@pytest.fixture
def make_helper(service: Any) -> Callable[..., HelperProfile]:
    """An approved helper with the service's skill, free every day 07:00–21:00, living ``km``
    north of the booking (default 1 km). Other keyword arguments go to the factory."""

    def make(km: float = 1.0, *, windows: bool = True, **fields: Any) -> HelperProfile:
        lat, lng = north_of_home(km)
        fields.setdefault("skills", [service.category])
        helper = HelperProfileFactory(lat=lat, lng=lng, **fields)
        if windows:
            for weekday in range(7):
                AvailabilityWindowFactory(
                    helper=helper, weekday=weekday, starts=time(7), ends=time(21)
                )
        return HelperProfile.objects.get(pk=helper.pk)

    return make


@pytest.fixture
def helper_in_zurich(catalogue: None) -> HelperProfile:
    """An approved Pro in Zürich 8001 who does everything in the catalogue and goes up to 50 km:
    the wizard's coverage check lets a visit around Zürich be booked."""
    helper = HelperProfileFactory(
        tier=HelperProfile.Tier.PRO, radius_km=50, skills=list(ServiceCategory.objects.all())
    )
    return HelperProfile.objects.get(pk=helper.pk)


def offered(booking: Booking, **filters: Any) -> set[int]:
    """The helpers with an offer for the booking (optionally filtered, e.g. status=)."""
    return set(Offer.objects.filter(booking=booking, **filters).values_list("helper", flat=True))


def in_minutes(minutes: float, start: Any) -> Any:
    return start + timedelta(minutes=minutes)
