"""Trigram indexes that `icontains` can use (PostgreSQL only).

Django writes `title__icontains="x"` as UPPER("title"::text) LIKE UPPER('%x%'); the GIN
trigram indexes of migration 0002 were on the bare columns, so the planner could never use
them and every fielded search read the whole table (EXPLAIN ANALYZE in docs/benchmarks.md).
They are rebuilt, under the same names, on UPPER(column), and responsibility (searched by
the author field together with authors) gets one too.
"""

from django.db import migrations

INDEXES = [
    ("cataloging_bibrecord_title_trgm", "title"),
    ("cataloging_bibrecord_authors_trgm", "authors"),
    ("cataloging_bibrecord_subjects_trgm", "subjects"),
    ("cataloging_bibrecord_text_trgm", "search_text"),
    ("cataloging_bibrecord_resp_trgm", "responsibility"),
]


def upper_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
        schema_editor.execute(
            f"CREATE INDEX {name} ON cataloging_bibrecord USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def bare_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
        if column != "responsibility":
            schema_editor.execute(f"CREATE INDEX {name} ON cataloging_bibrecord USING gin ({column} gin_trgm_ops)")


class Migration(migrations.Migration):
    dependencies = [("cataloging", "0004_search_indexes_at_scale")]

    operations = [migrations.RunPython(upper_indexes, bare_indexes)]
