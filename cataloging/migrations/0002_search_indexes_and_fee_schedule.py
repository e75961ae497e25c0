"""PostgreSQL search indexes and the first fee schedule.

The GIN indexes exist only on PostgreSQL (SQLite has neither tsvector nor pg_trgm), so they
are created by SQL guarded with `connection.vendor` rather than declared in Meta.indexes.
TrigramExtension itself is a no-op on other databases.
"""

import datetime

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = [
    ("cataloging_bibrecord_search_gin", "USING gin (search_vector)"),
    ("cataloging_bibrecord_title_trgm", "USING gin (title gin_trgm_ops)"),
    ("cataloging_bibrecord_authors_trgm", "USING gin (authors gin_trgm_ops)"),
    ("cataloging_bibrecord_subjects_trgm", "USING gin (subjects gin_trgm_ops)"),
    ("cataloging_bibrecord_text_trgm", "USING gin (search_text gin_trgm_ops)"),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON cataloging_bibrecord {definition}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _definition in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def default_fee_schedule(apps, schema_editor):
    FeeSchedule = apps.get_model("cataloging", "FeeSchedule")
    FeeSchedule.objects.get_or_create(
        valid_from=datetime.date(2020, 1, 1),
        defaults={
            "name": "Standard schedule",
            "currency": "CNY",
            "copy_fee_minor": 200,  # ¥2.00 per copied record
            "contribution_credit_minor": 500,  # ¥5.00 per approved contribution
        },
    )


class Migration(migrations.Migration):
    dependencies = [("cataloging", "0001_initial")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes),
        migrations.RunPython(default_fee_schedule, migrations.RunPython.noop),
    ]
