"""Support books for customers who phone in (bookings/phone.py): a permission of its own, so
that a role without it (Onboarding) sees neither the page nor its button."""

from django.db import migrations

CODENAME = "book_for_customer"


def add_permission(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    permission = apps.get_model("auth", "Permission")
    group = apps.get_model("auth", "Group")
    kind, _ = content_type.objects.get_or_create(app_label="bookings", model="booking")
    book, _ = permission.objects.update_or_create(
        content_type=kind, codename=CODENAME,
        defaults={"name": "Can book for a customer who phones in"},
    )  # fmt: skip
    group.objects.get_or_create(name="Support")[0].permissions.add(book)


def remove_permission(apps, schema_editor):
    apps.get_model("auth", "Permission").objects.filter(codename=CODENAME).delete()


class Migration(migrations.Migration):
    dependencies = [("customers", "0002_staff_roles")]

    operations = [migrations.RunPython(add_permission, remove_permission)]
