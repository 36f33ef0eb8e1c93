"""On PostgreSQL the database itself forbids two overlapping jobs for one helper (DESIGN §6):
an exclusion constraint over the visit's time range for the statuses in which a helper is busy.
SQLite has no exclusion constraints; there the accept service's check (under the helper's lock,
with SQLite's single writer) is the guard. Elsewhere this migration does nothing."""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE bookings_booking ADD CONSTRAINT booking_helper_jobs_never_overlap
    EXCLUDE USING gist (helper_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
    WHERE (helper_id IS NOT NULL AND status IN ('confirmed', 'en_route', 'in_progress'));
"""
DROP = "ALTER TABLE bookings_booking DROP CONSTRAINT IF EXISTS booking_helper_jobs_never_overlap;"


def _on_postgresql(sql: str):
    def run(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0003_offers"),
    ]

    operations = [
        migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP), elidable=False),
    ]
