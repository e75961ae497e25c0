"""`python manage.py backup`: back up the database and media now and say where it went."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from office.backups.errors import BackupError
from office.backups.run import backup_run
from office.models import BackupRun


class Command(BaseCommand):
    help = "Back up the database and uploaded media into the backup store now."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            run = backup_run(trigger=BackupRun.Trigger.MANUAL)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if run.status != BackupRun.Status.SUCCEEDED:
            raise CommandError(f"Backup {run.pk} failed: {run.error}")
        tables = run.manifest.get("tables", {})
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup {run.pk} written to {run.location} "
                f"({run.size_bytes} bytes, {len(tables)} tables, "
                f"{sum(t['rows'] for t in tables.values())} rows, {run.manifest['media']['count']} media files)"
            )
        )
