"""The rehearsal's cast (bench/rehearsal.py), written straight into its fresh database:
approved helpers spread over Swiss cities — a few in each, so that a wave of offers reaches
several of them and they race for it — and customers who live in those cities. Runs in the
rehearsal's own process once Django is set up on that database."""

import random
from dataclasses import dataclass
from datetime import time, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from bookings.models import Booking, Offer, Service, ServiceCategory
from bookings.policy import BookingPolicy, asap_available
from customers.models import User
from helpers.demo import CITIES
from helpers.models import AvailabilityWindow, HelperProfile
from helpers.signals import helpers_changed
from mila.lib import geo
from notifications.models import Notification

PASSWORD = "Rehearsal-Day-2026"
HELPERS_PER_CITY = 3
LONGEST_VISIT = 120  # minutes: the services booked, so "as soon as possible" fits the day


@dataclass(frozen=True)
class Cast:
    customers: list[str]
    helpers: list[str]
    password: str
    postcodes: list[str]  # where the customers live: every one inside some helper's area
    services: list[tuple[str, bool]]  # slug, pro only
    asap: bool  # "as soon as possible" can be booked now


@transaction.atomic
def seed(*, customers: int, helpers: int, rng: random.Random) -> Cast:
    password = make_password(PASSWORD)  # hashed once: everyone has the same password
    cities = list(CITIES.items())[: max(1, min(len(CITIES), helpers // HELPERS_PER_CITY))]
    categories = list(ServiceCategory.objects.all())
    helper_emails = []
    for number in range(helpers):
        _, (postcodes, language) = cities[number % len(cities)]
        user = _user(f"helper{number:03d}@rehearsal.example", password, language)
        _helper(user, rng.choice(postcodes), language, categories, pro=number % 5 < 2)
        helper_emails.append(user.email)
    helper_ids = list(HelperProfile.objects.values_list("pk", flat=True))
    helpers_changed.send(sender=HelperProfile, helper_ids=helper_ids)
    customer_emails = [
        _user(f"customer{n:03d}@rehearsal.example", password, rng.choice(["de", "fr", "en"])).email
        for n in range(customers)
    ]
    services = Service.objects.bookable().filter(duration_minutes__lte=LONGEST_VISIT)
    now = timezone.now()
    return Cast(
        customers=customer_emails, helpers=helper_emails, password=PASSWORD,
        postcodes=[postcode for _, (postcodes, _) in cities for postcode in postcodes],
        services=list(services.values_list("slug", "pro_only")),
        asap=asap_available(now, tz=timezone.get_default_timezone(),
                            policy=BookingPolicy.from_settings(), duration_minutes=LONGEST_VISIT),
    )  # fmt: skip


def _user(email: str, password: str, language: str) -> User:
    user = User.objects.create(email=email, password=password, first_name=email.split("@")[0],
                               last_name="Probe", preferred_language=language,
                               phone="+41791234567")  # fmt: skip
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    return user


def _helper(user: User, postcode: str, language: str, categories: list[ServiceCategory],
            *, pro: bool) -> None:  # fmt: skip
    """Every day 07:00–21:00, 25 km around, every skill, up to ten visits a day."""
    place = geo.lookup(postcode)
    assert place is not None, postcode
    profile = HelperProfile.objects.create(
        user=user, tier=HelperProfile.Tier.PRO if pro else HelperProfile.Tier.FRIEND,
        status=HelperProfile.Status.APPROVED, postcode=place.postcode, city=place.name,
        lat=place.lat, lng=place.lng, languages=[language, "en"], radius_km=25,
        max_jobs_per_day=10, conduct_accepted_at=timezone.now() - timedelta(days=30),
        reviewed_at=timezone.now() - timedelta(days=30),
        company_name=f"{user.first_name} IT GmbH" if pro else "",
        uid="CHE-116.281.710" if pro else "",
    )  # fmt: skip
    profile.skills.set(categories)
    AvailabilityWindow.objects.bulk_create(
        AvailabilityWindow(helper=profile, weekday=day, starts=time(7), ends=time(21))
        for day in range(7)
    )


def unsettled() -> dict[str, int]:
    """What is still on its way: e-mails not yet out (leaving aside those a worker holds —
    one that was killed holds its rows until the lease ends), searches with nobody asked."""
    now = timezone.now()
    waiting = Notification.objects.undelivered().exclude(claimed_until__gte=now).count()
    open_offer = Offer.objects.open(now).filter(booking=OuterRef("pk"))
    searching = (
        Booking.objects.filter(status=Booking.Status.SEARCHING).exclude(Exists(open_offer)).count()
    )
    counts = {"undelivered": waiting, "searching without an offer": searching}
    return {name: count for name, count in counts.items() if count}
