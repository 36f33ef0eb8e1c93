from argparse import ArgumentParser

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

# Each app adds its demo data here, in dependency order. Every seeder is idempotent and returns
# a list of (role, e-mail, password) logins worth printing (or an empty list).
SEEDERS = [
    "customers.demo.seed",
    "helpers.demo.seed",
    "bookings.demo.seed",
]


class Command(BaseCommand):
    help = "Create demo data (idempotent) and print the demo logins."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="also with DJANGO_ENV=production (a staging site)"
        )

    def handle(self, *args: object, **options: object) -> None:
        if settings.PRODUCTION and not options["force"]:
            raise CommandError(
                "seed_demo creates a staff login with a published password; it does not run "
                "with DJANGO_ENV=production (use --force on a staging site)."
            )
        logins: list[tuple[str, str, str]] = []
        for path in SEEDERS:
            logins += import_string(path)()
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Log in with:"))
        for role, email, password in logins:
            self.stdout.write(f"  {role:<10} {email:<28} {password}")
