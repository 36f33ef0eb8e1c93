"""Load the starting service catalogue (bookings/catalogue.py). Safe to re-run: rows are
matched by slug, and staff edits made later in the admin are not overwritten."""

from django.db import migrations

LANGUAGES = ("de", "fr", "it", "en")


def load_catalogue(apps, schema_editor):
    from bookings.catalogue import CATEGORIES, SERVICES

    Category = apps.get_model("bookings", "ServiceCategory")
    Service = apps.get_model("bookings", "Service")
    categories = {}
    for data in CATEGORIES:
        fields = {"position": data["position"]}
        for lang in LANGUAGES:
            fields[f"name_{lang}"] = data["name"][lang]
            fields[f"description_{lang}"] = data["description"][lang]
        categories[data["slug"]], _ = Category.objects.get_or_create(
            slug=data["slug"], defaults=fields
        )
    for data in SERVICES:
        fields = {
            "category": categories[data["category"]],
            "position": data["position"],
            "duration_minutes": data["duration_minutes"],
            "price": data["price"],
            "pro_only": data["pro_only"],
        }
        for lang in LANGUAGES:
            for text in ("name", "summary", "description"):
                fields[f"{text}_{lang}"] = data[text][lang]
        Service.objects.get_or_create(slug=data["slug"], defaults=fields)


class Migration(migrations.Migration):
    dependencies = [("bookings", "0001_initial")]

    operations = [migrations.RunPython(load_catalogue, migrations.RunPython.noop)]
