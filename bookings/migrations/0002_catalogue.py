"""Load the starting service catalogue (bookings/catalogue.py)."""

from django.db import migrations


def load(apps, schema_editor):
    from bookings.catalogue_loader import load_catalogue

    load_catalogue(apps.get_model("bookings", "ServiceCategory"), apps.get_model("bookings", "Service"))


class Migration(migrations.Migration):
    dependencies = [("bookings", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
