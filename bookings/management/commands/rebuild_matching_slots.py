"""Rebuild matching's read model of helpers (bookings.HelperSlot) from the helpers' rows."""

from django.core.management.base import BaseCommand
from django.db import transaction

from bookings.matching.slots import slots_rebuild_all


class Command(BaseCommand):
    help = "Rebuild the matching slots of every approved helper (after loading data in bulk)."

    def handle(self, *args: object, **options: object) -> None:
        with transaction.atomic():
            count = slots_rebuild_all()
        self.stdout.write(self.style.SUCCESS(f"{count} matching slots rebuilt."))
