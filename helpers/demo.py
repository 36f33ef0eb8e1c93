"""Demo helpers for ``manage.py seed_demo`` (idempotent): three named demo logins plus ~60
approved helpers across eight Swiss cities — French speakers in Romandie, Italian speakers in
Ticino — with skills, radii and weekly times, and a few applications waiting for staff.

The named helpers (lena@, marco@, sophie@) help with everything, every day from 07:00 to 21:00,
within 20 km: whatever a demo customer books nearby, they get the offer. Marco is away for a
few days soon (his page shows the time off; matching skips him then).

Everyone starts with no visits, ratings or answered offers: those numbers come from the demo
bookings (``bookings.demo``), made through the booking services, so they are true."""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from bookings.models import ServiceCategory
from customers.demo import DEMO_PASSWORD, demo_user
from customers.models import User
from helpers.models import AvailabilityWindow, HelperEvent, HelperProfile
from helpers.services import time_off_add
from helpers.signals import helpers_changed
from mila.lib import geo


@dataclass(frozen=True)
class DemoHelper:
    email: str
    first_name: str
    last_name: str
    language: str
    tier: str
    postcode: str = "8001"


HELPERS = (
    DemoHelper("lena@mila.example", "Lena", "Schneider", "de", "friend", "8008"),
    DemoHelper("marco@mila.example", "Marco", "Bernasconi", "it", "pro", "8004"),
    DemoHelper("sophie@mila.example", "Sophie", "Favre", "fr", "friend", "1003"),
)
# Approved this long ago, before the oldest demo booking.
HELPER_SINCE = timedelta(days=120)
APPLIED_AGO = timedelta(days=2)
# (helper, first and last day away, counted from today, note)
TIME_OFF = (("marco@mila.example", 1, 3, "Familienbesuch im Tessin"),)

# city: (postcodes, the language spoken there)
CITIES = {
    "Zürich": (["8001", "8004", "8006", "8037", "8050"], "de"),
    "Bern": (["3011", "3012", "3014", "3018"], "de"),
    "Basel": (["4051", "4052", "4056", "4058"], "de"),
    "Luzern": (["6003", "6004", "6005"], "de"),
    "St. Gallen": (["9000", "9008", "9011"], "de"),
    "Lausanne": (["1003", "1004", "1005", "1007"], "fr"),
    "Genève": (["1201", "1202", "1205", "1207"], "fr"),
    "Lugano": (["6900", "6903", "6900"], "it"),
}
NAMES = {
    "de": (
        ["Anna", "Luca", "Mia", "Noah", "Lea", "Jonas", "Laura", "Simon", "Nina", "David",
         "Sarah", "Reto", "Claudia", "Urs", "Fabienne", "Beat", "Sandra", "Marco", "Ruth",
         "Adrian"],
        ["Müller", "Meier", "Schmid", "Keller", "Weber", "Huber", "Schneider", "Steiner",
         "Brunner", "Baumann", "Gerber", "Frei", "Moser", "Widmer", "Zürcher", "Graf"],
    ),
    "fr": (
        ["Camille", "Julien", "Chloé", "Nicolas", "Léa", "Antoine", "Manon", "Mathieu", "Élodie",
         "Yves", "Aurélie", "Pascal"],
        ["Favre", "Rochat", "Bonvin", "Morel", "Perret", "Dubois", "Jaquet", "Rey", "Monnier",
         "Chevalley"],
    ),
    "it": (
        ["Giulia", "Matteo", "Sara", "Davide", "Elena", "Andrea", "Chiara", "Fabio"],
        ["Bernasconi", "Rossi", "Ferrari", "Pedrazzini", "Lombardi", "Bianchi", "Galli",
         "Rezzonico"],
    ),
}  # fmt: skip
SECOND_LANGUAGE = {"de": ["en", "fr"], "fr": ["en", "de"], "it": ["de", "fr", "en"]}
WEEKLY_PATTERNS = (
    [(d, time(8), time(12)) for d in range(5)] + [(d, time(14), time(18)) for d in range(5)],
    [(d, time(17), time(21)) for d in range(5)] + [(5, time(9), time(16))],
    [(d, time(9), time(17)) for d in (0, 2, 4)],
    [(5, time(8), time(18)), (6, time(10), time(16))],
    [(d, time(7, 30), time(11, 30)) for d in range(6)],
)
HELPERS_PER_CITY = 8
APPLICATIONS = 4
# The named demo helpers: every day, all day, 20 km around, up to 6 jobs a day.
WIDE_WEEK = [(d, time(7), time(21)) for d in range(7)]
WIDE_RADIUS_KM = 20
WIDE_JOBS_PER_DAY = 6


@transaction.atomic
def seed(*, now: datetime | None = None) -> list[tuple[str, str, str]]:
    now = now or timezone.now()
    logins: list[tuple[str, str, str]] = []
    categories = list(ServiceCategory.objects.order_by("position"))
    for number, person in enumerate(HELPERS):
        user = demo_user(
            email=person.email,
            first_name=person.first_name,
            last_name=person.last_name,
            language=person.language,
            phone=f"+41 79 555 01 {number:02d}",
            joined=now - HELPER_SINCE - timedelta(days=3),
        )
        profile = _profile(user, person.tier, person.postcode, [person.language, "en"],
                           categories, HelperProfile.Status.APPROVED, now)  # fmt: skip
        if not profile.windows.exists():
            HelperProfile.objects.filter(pk=profile.pk).update(
                radius_km=WIDE_RADIUS_KM, max_jobs_per_day=WIDE_JOBS_PER_DAY
            )
            AvailabilityWindow.objects.bulk_create(
                AvailabilityWindow(helper=profile, weekday=d, starts=start, ends=end)
                for d, start, end in WIDE_WEEK
            )
            _time_off(profile, timezone.localdate(now))
        logins.append(("helper", person.email, DEMO_PASSWORD))
    _seed_crowd(categories, now)
    # Windows and radii were written with bulk_create and update(); let matching see them.
    helpers_changed.send(
        sender=HelperProfile, helper_ids=HelperProfile.objects.values_list("pk", flat=True)
    )
    return logins


def _time_off(profile: HelperProfile, today: date) -> None:
    for email, first, last, note in TIME_OFF:
        if profile.user.email == email:
            time_off_add(profile=profile, first_day=today + timedelta(days=first),
                         last_day=today + timedelta(days=last), note=note, today=today)  # fmt: skip


def _seed_crowd(categories: list[ServiceCategory], now: datetime) -> None:
    rng = random.Random(2026)  # the same crowd on every machine
    count = 0
    for city_number, (postcodes, language) in enumerate(CITIES.values()):
        first_names, last_names = NAMES[language]
        # The first few cities also have one application waiting for staff.
        waiting = 1 if city_number < APPLICATIONS else 0
        for i in range(HELPERS_PER_CITY + waiting):
            status = (
                HelperProfile.Status.APPLIED
                if i == HELPERS_PER_CITY
                else HelperProfile.Status.APPROVED
            )
            user = demo_user(
                email=f"helper{count:02d}@mila.example",
                first_name=rng.choice(first_names),
                last_name=rng.choice(last_names),
                language=language,
                phone=f"+41 78 600 {count // 100:02d} {count % 100:02d}",
                joined=now - HELPER_SINCE - timedelta(days=3),
            )
            languages = [language, *rng.sample(SECOND_LANGUAGE[language], k=rng.randint(0, 2))]
            tier = "pro" if rng.random() < 0.25 else "friend"
            skills = rng.sample(categories, k=rng.randint(2, 5))
            profile = _profile(user, tier, rng.choice(postcodes), languages, skills, status, now)
            if status == HelperProfile.Status.APPROVED and not profile.windows.exists():
                AvailabilityWindow.objects.bulk_create(
                    AvailabilityWindow(helper=profile, weekday=d, starts=s, ends=e)
                    for d, s, e in rng.choice(WEEKLY_PATTERNS)
                )
            count += 1


def _profile(
    user: User, tier: str, postcode: str, languages: list[str], skills: list[ServiceCategory],
    status: str, now: datetime,
) -> HelperProfile:  # fmt: skip
    existing = HelperProfile.objects.filter(user=user).first()
    if existing is not None:
        return existing
    place = geo.lookup(postcode)
    assert place is not None, postcode
    approved = status == HelperProfile.Status.APPROVED
    # Approved helpers applied months ago; the applications waiting for staff came in lately.
    applied = now - (HELPER_SINCE + timedelta(days=2) if approved else APPLIED_AGO)
    profile = HelperProfile.objects.create(
        user=user, tier=tier, status=status, postcode=place.postcode, city=place.name,
        country="CH", lat=place.lat, lng=place.lng, languages=languages,
        radius_km=random.Random(user.email).choice([5, 8, 10, 15, 20, 25]),
        max_jobs_per_day=3, conduct_accepted_at=applied, created_at=applied,
        reviewed_at=now - HELPER_SINCE if approved else None,
        company_name=f"{user.last_name} IT-Service GmbH" if tier == "pro" else "",
        uid="CHE-116.281.710" if tier == "pro" else "",
        bio=("Ich helfe gerne bei WLAN, Handy und Computer – geduldig und in einfachen Worten. "
             "Seit vielen Jahren mache ich das für Familie und Nachbarn."),
    )  # fmt: skip
    profile.skills.set(skills)
    HelperEvent.objects.create(helper=profile, from_status="", to_status="applied", actor=user,
                               at=profile.created_at)  # fmt: skip
    if approved:
        HelperEvent.objects.create(helper=profile, from_status="applied", to_status="approved",
                                   at=profile.reviewed_at or now)  # fmt: skip
    return profile
