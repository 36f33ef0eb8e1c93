"""Support refunds part of a card charge and marks invoices paid (payments/admin.py), and
sees the payments, invoices and the earnings ledger."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ACTIONS = [
    ("payment", "refund_payment", "Can refund part of a card charge"),
    ("invoice", "mark_invoice_paid", "Can mark invoices paid"),
]
VIEW = ["view_payment", "view_refund", "view_invoice", "view_stripeevent", "view_earningentry"]


def add_permissions(apps, schema_editor):
    payments = apps.get_app_config("payments")
    payments.models_module = True
    create_permissions(payments, apps=apps, verbosity=0)
    payments.models_module = None
    content_type = apps.get_model("contenttypes", "ContentType")
    permission = apps.get_model("auth", "Permission")
    found = list(permission.objects.filter(content_type__app_label="payments", codename__in=VIEW))
    for model, codename, name in ACTIONS:
        kind, _ = content_type.objects.get_or_create(app_label="payments", model=model)
        found.append(permission.objects.update_or_create(
            content_type=kind, codename=codename, defaults={"name": name},
        )[0])  # fmt: skip
    apps.get_model("auth", "Group").objects.get_or_create(name="Support")[0].permissions.add(*found)


def remove_permissions(apps, schema_editor):
    apps.get_model("auth", "Permission").objects.filter(
        codename__in=[codename for _, codename, _ in ACTIONS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0003_phone_booking_permission"),
        ("payments", "0001_initial"),
    ]

    operations = [migrations.RunPython(add_permissions, remove_permissions)]
