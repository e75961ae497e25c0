"""Indexes for search at a million records (PostgreSQL only, see docs/benchmarks.md).

* (title, id): every non-keyword search is ordered by title, pk; with this index a filter
  that many records pass (a common title word, a classification, a year) reads records in
  title order and stops after a page instead of sorting every match.
* UPPER(clc) text_pattern_ops: classification browse is `clc__istartswith`, which Django
  writes as UPPER("clc"::text) LIKE UPPER('F8%'); the plain clc indexes cannot serve it.
"""

from django.db import migrations

INDEXES = [
    ("cataloging_bibrecord_title_id", "(title, id)"),
    ("cataloging_bibrecord_clc_upper", "(UPPER(clc::text) text_pattern_ops)"),
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


class Migration(migrations.Migration):
    dependencies = [("cataloging", "0003_statement_paid_at")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
