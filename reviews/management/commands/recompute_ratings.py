from argparse import ArgumentParser

from django.core.management.base import BaseCommand, CommandError

from reviews.ratings import ratings_recompute


class Command(BaseCommand):
    help = (
        "Recompute every helper's rating (average, count, distribution, per category) from "
        "the reviews and report drift; corrects it unless --check."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="only report; exit 1 if any helper drifted"
        )

    def handle(self, *args: object, **options: object) -> None:
        check = bool(options["check"])
        result = ratings_recompute(fix=not check)
        self.stdout.write(
            f"helpers checked: {result.helpers}; drifted: {len(result.drifted)}"
            + (f" (ids {', '.join(map(str, result.drifted))})" if result.drifted else "")
        )
        if check and result.drifted:
            raise CommandError(f"{len(result.drifted)} helper rating(s) drifted", returncode=1)
        if result.drifted:
            self.stdout.write(self.style.SUCCESS("corrected"))
