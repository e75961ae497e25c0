"""What an import reports, record by record, and the shape of the per-record step it is handed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from cataloging import marc
from office.models import Organization


@dataclass
class ImportRow:
    number: int
    control_number: str
    outcome: str  # created, updated, unchanged, skipped, error
    record_id: int | None = None
    message: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "control_number": self.control_number,
            "outcome": self.outcome,
            "record_id": self.record_id,
            "message": self.message,
        }


@dataclass
class ImportResult:
    rows: list[ImportRow] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)


class ImportOne(Protocol):
    """The per-record step (`cataloging.actions.imports._import_one`), run in a transaction."""

    def __call__(
        self, parsed: marc.ParsedRecord, *, organization: Organization, actor: Any, share: bool
    ) -> ImportRow: ...
