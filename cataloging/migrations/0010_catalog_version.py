"""The catalog's version for the public search page's cache (cataloging/public_cache.py):
a sequence every statement writing records or holdings draws from (PostgreSQL only).

A sequence, not a counter row: drawing from it takes no lock and is not undone by a
rollback, so concurrent writers (an import, a reviewer's approval) never wait for each other;
a rolled-back write only costs the cached pages a re-render. One draw per statement (a bulk
import's INSERT of a thousand records draws once).
"""

from django.db import migrations

TABLES = ("cataloging_bibrecord", "cataloging_holding")

FORWARD = """
CREATE SEQUENCE IF NOT EXISTS cataloging_catalog_version;
CREATE OR REPLACE FUNCTION cataloging_catalog_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM nextval('cataloging_catalog_version');
    RETURN NULL;
END $$;
""" + "".join(
    f"""
DROP TRIGGER IF EXISTS {table}_changed ON {table};
CREATE TRIGGER {table}_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION cataloging_catalog_changed();
"""
    for table in TABLES
)

BACKWARD = "".join(f"DROP TRIGGER IF EXISTS {table}_changed ON {table};\n" for table in TABLES) + (
    "DROP FUNCTION IF EXISTS cataloging_catalog_changed();\nDROP SEQUENCE IF EXISTS cataloging_catalog_version;\n"
)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("cataloging", "0009_search_terms_and_year_order")]

    operations = [migrations.RunPython(forward, backward)]
