"""Demo helpers for ``manage.py seed_demo`` (idempotent). The helpers issue adds many more."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from customers.demo import DEMO_PASSWORD, demo_user
from helpers.models import HelperProfile


@dataclass(frozen=True)
class DemoHelper:
    email: str
    first_name: str
    last_name: str
    language: str
    tier: str
    rating: str
    ratings: int
    jobs: int


HELPERS = (
    DemoHelper("lena@mila.example", "Lena", "Schneider", "de", "friend", "4.9", 23, 31),
    DemoHelper("marco@mila.example", "Marco", "Bernasconi", "it", "pro", "4.7", 41, 58),
    DemoHelper("sophie@mila.example", "Sophie", "Favre", "fr", "friend", "0", 0, 0),
)


@transaction.atomic
def seed() -> list[tuple[str, str, str]]:
    logins: list[tuple[str, str, str]] = []
    for number, person in enumerate(HELPERS):
        user = demo_user(
            email=person.email,
            first_name=person.first_name,
            last_name=person.last_name,
            language=person.language,
            phone=f"+41 79 555 01 {number:02d}",
        )
        HelperProfile.objects.get_or_create(
            user=user,
            defaults={
                "tier": person.tier,
                "status": HelperProfile.Status.APPROVED,
                "rating_average": Decimal(person.rating),
                "rating_count": person.ratings,
                "completed_jobs": person.jobs,
            },
        )
        logins.append(("helper", person.email, DEMO_PASSWORD))
    return logins
