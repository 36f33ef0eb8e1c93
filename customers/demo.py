"""Demo people for ``manage.py seed_demo``. Idempotent: running it twice changes nothing."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from allauth.account.models import EmailAddress
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from customers.models import User

DEMO_PASSWORD = "mila-demo-2026"
# The admin needs an authenticator app (mila.middleware.StaffNeedTOTPMiddleware). The demo staff
# login has this published key, so anyone trying the demo can add it to theirs: like the
# password, it is for the demo only (seed_demo refuses to run in production).
DEMO_TOTP_SECRET = "MILADEMOMILADEMOMILADEMOMILADEMO"
# The demo customers have been with Mila longer than their oldest demo booking.
CUSTOMER_SINCE = timedelta(days=200)


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


@cache
def _demo_password_hash() -> str:
    # Hashing is slow on purpose (Argon2); the ~70 demo people share one hash.
    return make_password(DEMO_PASSWORD)


def demo_user(
    *, email: str, first_name: str, last_name: str, language: str, phone: str, staff: bool = False,
    joined: datetime | None = None,
) -> User:  # fmt: skip
    """A demo person with a verified e-mail address and the demo password (set once), who
    signed up at ``joined`` (default: now)."""
    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "date_joined": joined or timezone.now(),
            "first_name": first_name,
            "last_name": last_name,
            "phone": phone,
            "preferred_language": language,
            "is_staff": staff,
            "is_superuser": staff,
        },
    )
    if created:
        user.password = _demo_password_hash()
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


@transaction.atomic
def seed(*, now: datetime | None = None) -> list[tuple[str, str, str]]:
    """Create (or refresh) the demo staff user and customers; return (role, e-mail, password)."""
    joined = (now or timezone.now()) - CUSTOMER_SINCE
    logins = []
    for person in (STAFF, *CUSTOMERS):
        demo_user(
            email=person.email,
            first_name=person.first_name,
            last_name=person.last_name,
            language=person.language,
            phone=person.phone,
            staff=person.staff,
            joined=joined,
        )
        logins.append(("staff" if person.staff else "customer", person.email, DEMO_PASSWORD))
    logins.append(("staff 2FA", demo_staff_totp(), "(add this key to an authenticator app)"))
    return logins


def demo_staff_totp() -> str:
    """Give the demo staff member the demo authenticator key (once); return it as the
    ``otpauth://`` link an authenticator app reads."""
    staff = User.objects.get(email=STAFF.email)
    if not Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(staff, DEMO_TOTP_SECRET)
    return get_mfa_adapter().build_totp_url(staff, DEMO_TOTP_SECRET)
