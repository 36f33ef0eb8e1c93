from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.utils import timezone
from factory.django import DjangoModelFactory

from bookings.models import Booking, Service, ServiceCategory
from bookings.pricing import PricingPolicy, percent_of, tier_price
from customers.models import User
from helpers.models import AvailabilityWindow, HelperProfile, TimeOff
from helpers.signals import helpers_changed
from notifications.models import Notification

PASSWORD = "Correct-Horse-42"
STAFF_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # base32, as allauth stores it


def totp_code(secret: str = STAFF_TOTP_SECRET) -> str:
    """The code an authenticator app with this secret shows right now."""
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.ch")
    first_name = factory.Faker("first_name", locale="de_CH")
    last_name = factory.Faker("last_name", locale="de_CH")
    preferred_language = "de"
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(obj: User, create: bool, extracted: bool | None, **kwargs: object) -> None:  # noqa: N805
        """Users have a verified primary e-mail address unless ``verified=False``."""
        if create:
            EmailAddress.objects.create(
                user=obj, email=obj.email, primary=True, verified=extracted is not False
            )

    @factory.post_generation
    def totp(obj: User, create: bool, extracted: bool | None, **kwargs: object) -> None:  # noqa: N805
        """Staff have an authenticator app (the admin requires one) unless ``totp=False``;
        anyone else gets one with ``totp=True``. The secret is ``STAFF_TOTP_SECRET``."""
        if create and (extracted or (obj.is_staff and extracted is None)):
            TOTP.activate(obj, STAFF_TOTP_SECRET)


class NotificationFactory(DjangoModelFactory[Notification]):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = Notification.Kind.WELCOME
    context = factory.LazyFunction(dict)


class HelperProfileFactory(DjangoModelFactory[HelperProfile]):
    """An approved Friend living in Zürich 8001 who speaks German.

    ``HelperProfileFactory(skills=[category, ...])`` sets their skills.
    """

    class Meta:
        model = HelperProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    tier = HelperProfile.Tier.FRIEND
    status = HelperProfile.Status.APPROVED
    bio = "Ich helfe gerne bei WLAN, Fernseher und Smartphone – geduldig und verständlich."
    languages = factory.LazyFunction(lambda: ["de"])
    postcode = "8001"
    city = "Zürich"
    country = "CH"
    lat = 47.3721
    lng = 8.5417
    conduct_accepted_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def skills(obj: HelperProfile, create: bool, extracted: Any, **kwargs: object) -> None:  # noqa: N805
        if create and extracted:
            obj.skills.set(extracted)


class AvailabilityWindowFactory(DjangoModelFactory[AvailabilityWindow]):
    """Mondays 08:00–12:00 (Swiss local time)."""

    class Meta:
        model = AvailabilityWindow

    helper = factory.SubFactory(HelperProfileFactory)
    weekday = AvailabilityWindow.Weekday.MONDAY
    starts = time(8, 0)
    ends = time(12, 0)

    @classmethod
    def _after_postgeneration(cls, instance: Any, create: Any, results: Any = None) -> None:
        # Saved like availability_set_windows saves them: matching's read model follows.
        if create:
            helpers_changed.send(sender=HelperProfile, helper_ids=[instance.helper_id])


class TimeOffFactory(DjangoModelFactory[TimeOff]):
    """A week off, starting in ten days."""

    class Meta:
        model = TimeOff

    helper = factory.SubFactory(HelperProfileFactory)
    first_day = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=10))
    last_day = factory.LazyAttribute(lambda o: o.first_day + timedelta(days=6))
    note = "Ferien"


class ServiceCategoryFactory(DjangoModelFactory[ServiceCategory]):
    class Meta:
        model = ServiceCategory

    slug = factory.Sequence(lambda n: f"category-{n}")
    name_de = factory.Sequence(lambda n: f"Kategorie {n}")
    name_fr = factory.Sequence(lambda n: f"Catégorie {n}")
    name_it = factory.Sequence(lambda n: f"Categoria {n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")


class ServiceFactory(DjangoModelFactory[Service]):
    """A Friend-or-Pro service of 60 minutes for CHF 79.00."""

    class Meta:
        model = Service

    category = factory.SubFactory(ServiceCategoryFactory)
    slug = factory.Sequence(lambda n: f"service-{n}")
    duration_minutes = 60
    price = 7900
    name_de = "WLAN einrichten"
    name_fr = "Configurer le Wi-Fi"
    name_it = "Configurare il Wi-Fi"
    name_en = "Set up Wi-Fi"
    summary_de = "Ihr WLAN läuft überall in der Wohnung."
    summary_fr = "Votre Wi-Fi fonctionne dans tout l'appartement."
    summary_it = "Il Wi-Fi funziona in tutto l'appartamento."
    summary_en = "Your Wi-Fi works everywhere in the flat."
    description_de = "Router prüfen, Repeater einrichten, Geräte verbinden."
    description_fr = "Vérifier le routeur, installer un répéteur, connecter les appareils."
    description_it = "Controllare il router, installare un ripetitore, collegare i dispositivi."
    description_en = "Check the router, set up a repeater, connect the devices."


ZURICH = ZoneInfo("Europe/Zurich")
# Statuses in which a booking has a helper (by convention; the database only forbids one
# while requested, searching or unfulfilled).
WITH_HELPER = ("confirmed", "en_route", "in_progress", "completed")
# When a booking is in a status, it passed through these (the timestamps the factory sets).
_PASSED = {
    "searching_at": ("searching", *WITH_HELPER, "unfulfilled", "cancelled"),
    "confirmed_at": WITH_HELPER,
    "en_route_at": ("en_route", "in_progress", "completed"),
    "started_at": ("in_progress", "completed"),
    "completed_at": ("completed",),
    "unfulfilled_at": ("unfulfilled",),
    "cancelled_at": ("cancelled",),
}


def three_days_ahead_at_ten() -> datetime:
    day = timezone.localdate() + timedelta(days=3)
    return datetime.combine(day, time(10, 0), tzinfo=ZURICH)


def _passed(field: str) -> factory.LazyAttribute:
    return factory.LazyAttribute(lambda o: o.created_at if o.status in _PASSED[field] else None)


class BookingFactory(DjangoModelFactory[Booking]):
    """A Friend visit in Zürich 8001, three days ahead at 10:00, looking for a helper.

    ``BookingFactory(status="confirmed")`` (or en_route, in_progress, completed) also gets an
    approved helper unless ``helper=`` is given; prices always add up, commission is 20 %.
    """

    class Meta:
        model = Booking

    customer = factory.SubFactory(UserFactory)
    service = factory.SubFactory(ServiceFactory)
    tier = Booking.Tier.FRIEND
    problem = "Das WLAN bricht im Schlafzimmer immer wieder ab."
    street = "Limmatquai 1"
    postcode = "8001"
    city = "Zürich"
    country = Booking.Country.CH
    lat = 47.3721
    lng = 8.5417
    phone = "+41791234567"
    timing = Booking.Timing.SCHEDULED
    starts_at = factory.LazyFunction(three_days_ahead_at_ten)
    ends_at = factory.LazyAttribute(
        lambda o: o.starts_at + timedelta(minutes=o.service.duration_minutes)
    )
    price_base = factory.LazyAttribute(
        lambda o: tier_price(o.service.price, o.tier, PricingPolicy(), pro_only=o.service.pro_only)
    )
    price_surcharge = 0
    price_extra = 0
    price_total = factory.LazyAttribute(lambda o: o.price_base + o.price_surcharge + o.price_extra)
    commission = factory.LazyAttribute(lambda o: percent_of(o.price_total, 20))
    payment_method = "invoice"
    status = Booking.Status.SEARCHING
    helper = factory.Maybe(
        factory.LazyAttribute(lambda o: o.status in WITH_HELPER),
        yes_declaration=factory.SubFactory(HelperProfileFactory),
        no_declaration=None,
    )
    created_at = factory.LazyFunction(timezone.now)
    searching_at = _passed("searching_at")
    confirmed_at = _passed("confirmed_at")
    en_route_at = _passed("en_route_at")
    started_at = _passed("started_at")
    completed_at = _passed("completed_at")
    unfulfilled_at = _passed("unfulfilled_at")
    cancelled_at = _passed("cancelled_at")
    # A searching booking's first wave is due from the moment it started searching.
    next_wave_at = factory.LazyAttribute(
        lambda o: o.created_at if o.status == "searching" else None
    )
