"""``manage.py check_setup``: what is misconfigured here, in plain words, and what to do."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mila.setup_checks import setup_problems


class Command(BaseCommand):
    help = (
        "Check that this installation can run: settings, database, Redis, broker, SMTP, "
        "Stripe, invoices, translations, static files. One line per problem; exits 1 when "
        "there is an error (or a warning, with --fail-level warning)."
    )
    # Django's own checks are part of the report (mila/setup_checks.py), not a gate before it.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--fail-level",
            choices=["error", "warning"],
            default="error",
            help="The lowest kind of problem that makes the command exit 1 (default: error).",
        )

    def handle(self, *args: Any, fail_level: str, **options: Any) -> None:
        problems = setup_problems()
        for problem in problems:
            if problem.level == "error":
                self.stdout.write(self.style.ERROR(f"ERROR    {problem}"))
            else:
                self.stdout.write(self.style.WARNING(f"WARNING  {problem}"))
        errors = sum(problem.level == "error" for problem in problems)
        warnings = len(problems) - errors
        if not problems:
            self.stdout.write(self.style.SUCCESS("Everything is set up."))
            return
        self.stdout.write(f"{errors} error(s), {warnings} warning(s).")
        if errors or fail_level == "warning":
            raise SystemExit(1)
