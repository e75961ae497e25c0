"""The RUM index for ranked keyword search over the whole match set (PostgreSQL, where it can).

RUM (PostgreSQL's `rum` extension, Debian package postgresql-15-rum) is a GIN-like index
that also stores each word's positions, so `ORDER BY search_vector <=> query LIMIT k`
ranks every match inside the index and reads the table for the k best only
(cataloging.search). The extension is optional: where it is not available to this
database (`pg_available_extensions`), or this database user may not create it (it is not a
trusted extension: a superuser creates it, or a DBA beforehand), nothing is done and the
search keeps its bounded ranking window; `cataloging.search.rum_available` looks for the
index at run time. Installing the extension later: `manage.py migrate cataloging 0007`
then `manage.py migrate cataloging`.
"""

from django.db import DatabaseError, migrations, transaction

INDEX = "cataloging_bibrecord_search_rum"


def create_rum_index(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'rum'")
        if cursor.fetchone() is None:
            return
    try:
        with transaction.atomic(using=connection.alias):  # a savepoint: a refusal leaves the migration going
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS rum")
    except DatabaseError:
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON cataloging_bibrecord USING rum (search_vector rum_tsvector_ops)"
    )


def drop_rum_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("cataloging", "0007_language_from_a_whole_code")]

    operations = [migrations.RunPython(create_rum_index, drop_rum_index)]
