"""The search-term table of migration 0009 as a model (state only on PostgreSQL, where 0009
made the table; created here on other databases), so that flushing the database empties it."""

from django.db import migrations, models


def create_elsewhere(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.create_model(apps.get_model("cataloging", "SearchTerm"))


def drop_elsewhere(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.delete_model(apps.get_model("cataloging", "SearchTerm"))


class Migration(migrations.Migration):
    dependencies = [("cataloging", "0010_catalog_version")]

    # The model enters the state first, then the table is made where 0009 did not make it: a
    # RunPython inside SeparateDatabaseAndState's database_operations sees the state before its
    # state_operations (the model would not exist yet: `migrate` on SQLite failed here).
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SearchTerm",
                    fields=[("term", models.CharField(max_length=40, primary_key=True, serialize=False))],
                    options={"verbose_name": "search term", "verbose_name_plural": "search terms"},
                ),
            ],
        ),
        migrations.RunPython(create_elsewhere, drop_elsewhere),
    ]
