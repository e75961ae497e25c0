"""`python manage.py restore_backup BACKUP --database-url URL`: restore a backup for real.

See docs/disaster-recovery.md. The live database (and live MEDIA_ROOT) is refused unless
--i-understand-this-replaces-live-data is given.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from office.backups.databases import DatabaseTarget
from office.backups.errors import BackupError
from office.backups.restore import backup_restore, check_restore_target, find_backup


class Command(BaseCommand):
    help = "Restore a backup (id, folder name or path) into the database named by --database-url."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "backup", help="backup id, name in the backup store, s3://bucket/prefix/name, or folder path"
        )
        parser.add_argument(
            "--database-url",
            required=True,
            help="target, e.g. postgres://user@host:5432/intranet_restored or sqlite:////path/db.sqlite3; "
            "give the password in PGPASSWORD or ~/.pgpass rather than in the URL",
        )
        parser.add_argument("--media-root", help="also unpack the media files into this folder")
        parser.add_argument(
            "--i-understand-this-replaces-live-data",
            action="store_true",
            dest="allow_live",
            help="allow the target to be the live database or MEDIA_ROOT (disaster recovery only)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            target = DatabaseTarget.from_url(options["database_url"])
            media_root = Path(options["media_root"]) if options["media_root"] else None
            check_restore_target(target=target, allow_live=options["allow_live"], media_root=media_root)
            store, name = find_backup(options["backup"])
            folder = store.location(name)
            with store.fetch(name) as local:  # from S3: downloaded, then verified
                details = backup_restore(
                    folder=local, target=target, allow_live=options["allow_live"], media_root=media_root
                )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        summary = {k: details.get(k) for k in ("tables_checked", "rows_checked", "pending_migrations")}
        if details["failures"]:
            raise CommandError(
                f"Restored {folder} into {target.describe()}, but it does not match the manifest: "
                f"{'; '.join(details['failures'])}\n{json.dumps(details['table_mismatches'], indent=2)}"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {folder} into {target.describe()}; every table matches: {json.dumps(summary)}"
            )
        )
        if details.get("pending_migrations"):
            self.stdout.write("Run `python manage.py migrate` against it: the code has newer migrations.")
