"""`python manage.py export_marc --out PATH [--format iso2709|marcxml] [--org CODE]`.

Without --org: every shared record of the union catalog. With --org: that office's catalog
(its own records in any state plus the shared records it holds). The current version of
each record is written exactly as stored.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import F

from cataloging import marc
from cataloging.models import BibRecord, RecordVersion
from office.models import Organization


class Command(BaseCommand):
    help = "Export MARC records (ISO 2709 or MARCXML)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True)
        parser.add_argument("--format", choices=["iso2709", "marcxml"], default="iso2709")
        parser.add_argument("--org", default="", help="Office code: export that office's catalog.")

    def handle(self, *args: Any, out: str, format: str, org: str, **options: Any) -> None:  # noqa: A002
        if org:
            try:
                organization = Organization.objects.get(code=org)
            except Organization.DoesNotExist:
                raise CommandError(f"No office with code {org}.") from None
            records = BibRecord.objects.in_catalog_of(organization.pk)
        else:
            records = BibRecord.objects.shared()
        versions = RecordVersion.objects.filter(
            record__in=records.order_by().values("pk"), number=F("record__version")
        ).order_by("record_id")
        raws = (bytes(raw) for raw in versions.values_list("marc", flat=True).iterator(chunk_size=500))
        chunks = marc.records_to_marcxml(raws) if format == "marcxml" else marc.records_to_iso2709(raws)
        count = 0
        with Path(out).open("wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
                count += 1
        if format == "marcxml":
            count -= 2  # the collection's opening and closing chunks
        self.stdout.write(self.style.SUCCESS(f"{count} records written to {out}."))
