"""`python manage.py backup_drill`: restore the newest backup into a scratch database and check it."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from office.backups.drill import backup_drill
from office.backups.errors import BackupError
from office.models import BackupDrill


class Command(BaseCommand):
    help = "Restore a backup (default: the newest good one) into a scratch database and compare it with its manifest."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--backup", type=int, help="id of the backup to drill (default: the newest good one)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            drill = backup_drill(backup_id=options["backup"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        summary = {
            k: drill.details.get(k)
            for k in ("location", "store", "tables_checked", "rows_checked", "scratch", "smoke_test")
        }
        if drill.status != BackupDrill.Status.PASSED:
            raise CommandError(f"Restore drill {drill.pk} FAILED: {drill.error}\n{json.dumps(summary, indent=2)}")
        self.stdout.write(self.style.SUCCESS(f"Restore drill {drill.pk} passed: {json.dumps(summary)}"))
