"""One account per e-mail address and per user name, whatever their case (issue 17 item 7).

Client registration checked both with a query and then inserted; twenty parallel sign-ups with
one address made twelve accounts, and two with "Alice" and "alice" would make two. These unique
indexes on auth_user make the database the judge. django.contrib.auth's User cannot carry a
constraint in its Meta, so this is SQL, with no model state to change.

Accounts without an address (service and test accounts, createsuperuser without one) stay
allowed: the e-mail index is partial. Existing rows that already break a rule stop the
migration with a list of them, to be resolved by a person; nothing is renamed silently.
"""

from django.db import migrations

EMAIL_INDEX = "auth_user_email_upper_uniq"
USERNAME_INDEX = "auth_user_username_upper_uniq"


def refuse_existing_duplicates(apps, schema_editor):  # noqa: ARG001 (migration signature)
    problems = []
    with schema_editor.connection.cursor() as cursor:
        for column, condition in (("email", "WHERE email <> ''"), ("username", "")):
            cursor.execute(
                f"SELECT UPPER({column}), COUNT(*) FROM auth_user {condition} "  # noqa: S608 (constants only)
                f"GROUP BY UPPER({column}) HAVING COUNT(*) > 1 ORDER BY 1"
            )
            problems += [f"{column} {value!r} is used by {count} accounts" for value, count in cursor.fetchall()]
    if problems:
        raise RuntimeError(
            "Cannot make e-mail addresses and user names unique regardless of case: "
            + "; ".join(problems)
            + ". Change the extra accounts' addresses or user names, then migrate again."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("office", "0002_backups_drills_equipment"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(refuse_existing_duplicates, migrations.RunPython.noop),
        migrations.RunSQL(
            f"CREATE UNIQUE INDEX {EMAIL_INDEX} ON auth_user (UPPER(email)) WHERE email <> ''",
            f"DROP INDEX {EMAIL_INDEX}",
        ),
        migrations.RunSQL(
            f"CREATE UNIQUE INDEX {USERNAME_INDEX} ON auth_user (UPPER(username))",
            f"DROP INDEX {USERNAME_INDEX}",
        ),
    ]
