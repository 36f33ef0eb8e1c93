"""Bookings that were already searching before matching existed have no next step planned:
plan it for now, so the periodic sweep sends their first wave (or gives up on them)."""

from django.db import migrations
from django.db.models import F
from django.db.models.functions import Coalesce, Now


def plan_first_wave(apps, schema_editor):
    Booking = apps.get_model("bookings", "Booking")
    stranded = Booking.objects.filter(status="searching", next_wave_at__isnull=True)
    stranded.update(
        wave=0, next_wave_at=Now(), searching_at=Coalesce(F("searching_at"), F("created_at"))
    )


class Migration(migrations.Migration):
    dependencies = [("bookings", "0007_matching_probes_per_helper")]

    operations = [migrations.RunPython(plan_first_wave, migrations.RunPython.noop)]
