"""The staff roles: "Support" looks after bookings and customers, "Onboarding" decides on
helper applications. Superusers keep everything. Assign people to a group in the admin
(Users → a staff member → Groups).

The permissions for the back-office actions (cancel a booking, assign a helper or search
again, decide on a helper) are created here rather than in the models' Meta, and the admin
checks them with ``user.has_perm``. Run again (``ensure_roles``), the migration changes
nothing; a later migration may call it again when an app adds permissions a role needs.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# (app label, model, codename, name): the back-office actions' own permissions.
ACTION_PERMISSIONS = [
    ("bookings", "booking", "cancel_booking", "Can cancel bookings for the customer"),
    ("bookings", "booking", "assign_booking", "Can assign a helper by hand or search again"),
    ("helpers", "helperprofile", "decide_helper",
     "Can approve, decline, suspend or reinstate helpers"),
]

ROLES = {
    "Support": [
        "bookings.view_booking", "bookings.view_bookingevent", "bookings.view_offer",
        "bookings.view_visitreport", "bookings.view_waitlistentry", "bookings.view_service",
        "bookings.view_servicecategory", "bookings.cancel_booking", "bookings.assign_booking",
        "helpers.view_helperprofile", "helpers.view_helperevent",
        "helpers.view_availabilitywindow", "helpers.view_timeoff",
        # Only looking: changing a user in the admin includes their staff flags and groups.
        "customers.view_user",
        # Moderation, as far as the reviews app declares these permissions (others skipped).
        "reviews.view_review", "reviews.change_review", "reviews.hide_review",
    ],
    "Onboarding": [
        "helpers.view_helperprofile", "helpers.change_helperprofile", "helpers.decide_helper",
        "helpers.view_helperevent", "helpers.view_availabilitywindow", "helpers.view_timeoff",
        "bookings.view_servicecategory",
    ],
}


def ensure_roles(apps, schema_editor):
    # On a fresh database the models' standard permissions appear only after the last
    # migration (post_migrate); create them now so the groups can have them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    content_type = apps.get_model("contenttypes", "ContentType")
    permission = apps.get_model("auth", "Permission")
    group = apps.get_model("auth", "Group")
    for app_label, model, codename, name in ACTION_PERMISSIONS:
        kind, _ = content_type.objects.get_or_create(app_label=app_label, model=model)
        permission.objects.update_or_create(
            content_type=kind, codename=codename, defaults={"name": name}
        )
    for role, names in ROLES.items():
        wanted = [name.split(".") for name in names]
        found = [
            p for p in permission.objects.select_related("content_type")
            if [p.content_type.app_label, p.codename] in wanted
        ]
        group.objects.get_or_create(name=role)[0].permissions.add(*found)


def remove_action_permissions(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()
    apps.get_model("auth", "Permission").objects.filter(
        codename__in=[codename for _, _, codename, _ in ACTION_PERMISSIONS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("bookings", "0010_waitlist"),
        ("helpers", "0004_calendar_feed_and_late_withdrawals"),
        # So that "Support" gets the review permissions that exist at this point.
        ("reviews", "0001_initial"),
    ]

    operations = [migrations.RunPython(ensure_roles, remove_action_permissions)]
