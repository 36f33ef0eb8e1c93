"""Weekly windows that touch (08–12 and 12–16) are stored as one from now on; merge the ones
saved before, so the database's "inside one window" check matches the rule."""

from django.db import migrations


def merge_touching(apps, schema_editor) -> None:
    window_model = apps.get_model("helpers", "AvailabilityWindow")
    previous = None
    for window in window_model.objects.order_by("helper_id", "weekday", "starts"):
        same_day = (
            previous is not None
            and (previous.helper_id, previous.weekday) == (window.helper_id, window.weekday)
        )
        if same_day and window.starts <= previous.ends:
            previous.ends = max(previous.ends, window.ends)
            previous.save(update_fields=["ends"])
            window.delete()
        else:
            previous = window


class Migration(migrations.Migration):
    dependencies = [
        ("helpers", "0002_applications_availability"),
    ]

    operations = [
        migrations.RunPython(merge_touching, migrations.RunPython.noop),
    ]
