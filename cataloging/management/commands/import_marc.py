"""`python manage.py import_marc PATH [--org CODE] [--share]`: load a MARC file into an office's catalog.

ISO 2709 (UTF-8 or MARC-8) and MARCXML are told apart automatically. `--share` is the
catalog operator's bulk load: new records are approved and shared at once, without review.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cataloging import actions, marc
from office.models import Organization


class Command(BaseCommand):
    help = "Import MARC records (ISO 2709 or MARCXML) into an office's catalog, matching existing records."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument("--org", default="", help="Office code (default: the home office).")
        parser.add_argument("--share", action="store_true", help="Publish new records to the union catalog at once.")

    def handle(self, *args: Any, path: str, org: str, share: bool, **options: Any) -> None:
        try:
            organization = Organization.objects.get(code=org) if org else Organization.objects.get(is_home=True)
        except Organization.DoesNotExist:
            raise CommandError(f"No office with code {org or '(home)'}.") from None
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from None
        try:
            result = actions.marc_import(data=data, organization=organization, actor=None, share=share)
        except marc.MarcFileError as exc:
            raise CommandError(str(exc)) from None
        for row in result.rows:
            if row.outcome in {"error", "skipped"}:
                self.stdout.write(f"record {row.number} [{row.control_number or '-'}] {row.outcome}: {row.message}")
        counts = ", ".join(f"{result.count(o)} {o}" for o in ("created", "updated", "unchanged", "skipped", "error"))
        self.stdout.write(self.style.SUCCESS(f"{len(result.rows)} records read: {counts}."))
