"""Demo people for ``manage.py seed_demo``. Idempotent: running it twice changes nothing."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db import transaction

from customers.models import User

DEMO_PASSWORD = "mila-demo-2026"


@dataclass(frozen=True)
class DemoPerson:
    email: str
    first_name: str
    last_name: str
    phone: str
    language: str
    staff: bool = False


STAFF = DemoPerson("admin@mila.example", "Sandra", "Keller", "+41 44 668 18 00", "de", staff=True)
CUSTOMERS = (
    DemoPerson("anna@mila.example", "Anna", "Meier", "+41 79 123 45 67", "de"),
    DemoPerson("claude@mila.example", "Claude", "Dubois", "+41 78 234 56 78", "fr"),
    DemoPerson("giulia@mila.example", "Giulia", "Rossi", "+41 76 345 67 89", "it"),
    DemoPerson("peter@mila.example", "Peter", "Brunner", "+41 77 456 78 90", "en"),
)


@transaction.atomic
def seed() -> list[tuple[str, str, str]]:
    """Create (or refresh) the demo staff user and customers; return (role, e-mail, password)."""
    logins = []
    for person in (STAFF, *CUSTOMERS):
        user, created = User.objects.get_or_create(
            email=person.email,
            defaults={
                "first_name": person.first_name,
                "last_name": person.last_name,
                "phone": person.phone,
                "preferred_language": person.language,
                "is_staff": person.staff,
                "is_superuser": person.staff,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email=person.email, defaults={"verified": True, "primary": True}
        )
        logins.append(("staff" if person.staff else "customer", person.email, DEMO_PASSWORD))
    return logins
