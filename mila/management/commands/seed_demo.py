from argparse import ArgumentParser
from datetime import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.module_loading import import_string

# Each app adds its demo data here, in dependency order. Every seeder is idempotent, takes the
# moment the demo is loaded at (``now=``: one clock for all of them) and returns a list of
# (role, e-mail, password) logins worth printing (or an empty list).
SEEDERS = [
    "customers.demo.seed",
    "helpers.demo.seed",
    "bookings.demo.seed",
    "reviews.demo.seed",
]


def moment(value: str) -> datetime:
    """An ISO 8601 moment; without an offset, Swiss local time."""
    parsed = datetime.fromisoformat(value)
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


class Command(BaseCommand):
    help = "Create demo data (idempotent) and print the demo logins."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="also with DJANGO_ENV=production (a staging site)"
        )
        parser.add_argument(
            "--now", type=moment, default=None,
            help="load the demo as if it were this moment (ISO 8601; default: now)",
        )  # fmt: skip

    def handle(self, *args: object, **options: object) -> None:
        if settings.PRODUCTION and not options["force"]:
            raise CommandError(
                "seed_demo creates a staff login with a published password; it does not run "
                "with DJANGO_ENV=production (use --force on a staging site)."
            )
        now = options["now"] or timezone.now()
        logins: list[tuple[str, str, str]] = []
        for path in SEEDERS:
            logins += import_string(path)(now=now)
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Log in with:"))
        for role, email, password in logins:
            self.stdout.write(f"  {role:<10} {email:<28} {password}")
