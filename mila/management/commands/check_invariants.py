from argparse import ArgumentParser
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from mila.invariants import DEFAULT_GRACE, check_all


class Command(BaseCommand):
    help = (
        "Check the platform's invariants (no booking with two helpers, no overlapping jobs, "
        "every notification delivered, nothing stuck searching); exit 1 if any is broken."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--grace", type=float, default=DEFAULT_GRACE.total_seconds(),
            help="seconds a change may still be in flight (default: %(default)s)",
        )  # fmt: skip
        parser.add_argument("--limit", type=int, default=20, help="rows shown per broken invariant")

    def handle(self, *args: object, grace: float, limit: int, **options: object) -> None:
        invariants = check_all(grace=timedelta(seconds=grace))
        for invariant in invariants:
            line = f"{len(invariant.breaches):6d}  {invariant.title}"
            self.stdout.write(
                self.style.SUCCESS(line) if invariant.holds else self.style.ERROR(line)
            )
            for breach in invariant.breaches[:limit]:
                self.stdout.write(f"        {breach.reference}: {breach.reason}")
            if len(invariant.breaches) > limit:
                self.stdout.write(f"        … and {len(invariant.breaches) - limit} more")
        broken = [invariant.name for invariant in invariants if not invariant.holds]
        if broken:
            raise CommandError("invariants broken: " + ", ".join(broken), returncode=1)
        self.stdout.write(self.style.SUCCESS("All invariants hold."))
