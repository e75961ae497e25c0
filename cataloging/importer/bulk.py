"""`marc_import`: the records in windows; a window's new records are written together
(inserts.py), every other record goes through the one-by-one step in its own transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, IntegrityError, transaction
from django.utils.translation import gettext as _

from cataloging import marc, search
from cataloging.importer.analyze import _Statistics
from cataloging.importer.inserts import _bulk_create
from cataloging.importer.matching import _keys, _matched
from cataloging.importer.parsing import Prepared, _in_daemon_process, _parsed_ahead, _prepared_in_process
from cataloging.importer.rows import ImportOne, ImportResult, ImportRow
from cataloging.models import BibRecord
from office import audit
from office.exceptions import DomainError
from office.models import Organization

BATCH = 1000  # records per bulk INSERT and per matching look-up
MIN_WINDOW = 16  # after a one-by-one write, look ahead this far and double while records are new


# From this many ISO 2709 records on, parsing runs in a second process (a real second core);
# below it, starting one costs more than it saves and a thread does it.
PARSE_IN_PROCESS_FROM = 5_000


def _batches(data: bytes) -> tuple[int, Iterator[list[Prepared]]]:
    """(number of records, the records parsed and extracted in lists of BATCH, computed ahead
    of the writing). File-level errors raise here, before any write."""
    if marc.detect_syntax(data) == "iso2709":
        chunks = marc.split_iso2709(data)  # raises on a truncated file
        if not chunks:
            raise marc.MarcFileError(_("The file contains no MARC records."))
        if len(chunks) >= PARSE_IN_PROCESS_FROM and not _in_daemon_process():
            return len(chunks), _prepared_in_process(chunks, BATCH)
        records = (marc.parse_iso2709_record(chunk, n) for n, chunk in enumerate(chunks, start=1))
        return len(chunks), _parsed_ahead(records, BATCH)
    parsed = marc.read_marc_file(data)
    return len(parsed), _parsed_ahead(iter(parsed), BATCH)


def marc_import(
    *,
    data: bytes,
    organization: Organization,
    actor: Any,
    share: bool = False,
    progress: Callable[[int, int], None] | None = None,
    import_one: ImportOne,
) -> ImportResult:
    """Import every record of `data` (see the module docstring); `import_one` is the
    one-by-one step for a record that matches or cannot be written in bulk."""
    total, batches = _batches(data)
    result = ImportResult()
    state = _State(organization=organization, actor=actor, share=share, import_one=import_one)
    statistics = _Statistics() if search.is_postgres() else None
    done = 0
    for batch in batches:
        for row in _import_batch(batch, state):
            result.rows.append(row)
            done += 1
            if progress is not None:
                progress(done, total)
        if statistics is not None:
            statistics.written(len(batch))
    audit.record(
        actor=actor,
        verb="cataloging.import.finished",
        organization=organization,
        data={o: result.count(o) for o in ("created", "updated", "unchanged", "skipped", "error")},
    )
    return result


class _State:
    def __init__(self, *, organization: Organization, actor: Any, share: bool, import_one: ImportOne) -> None:
        self.organization = organization
        self.actor = actor
        self.user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
        self.share = share
        self.window = BATCH
        self.content_type = ContentType.objects.get_for_model(BibRecord)
        self.import_one = import_one


def _import_batch(batch: list[Prepared], state: _State) -> list[ImportRow]:
    rows: list[Any] = [None] * len(batch)
    todo: list[tuple[int, marc.ParsedRecord, dict[str, Any] | None]] = []
    for index, (parsed, extracted) in enumerate(batch):
        if parsed.error or (parsed.record is None and extracted is None):
            rows[index] = ImportRow(parsed.number, parsed.control_number, "error", message=parsed.error)
            continue
        todo.append((index, parsed, extracted))  # extracted None: import_one reports it

    pos = 0
    while pos < len(todo):
        window = todo[pos : pos + state.window]
        key_sets = [_keys(e) if e is not None else set() for _i, _p, e in window]
        existing = _matched(state.organization.pk, key_sets)
        created_keys: set[tuple[str, str]] = set()
        pending: list[tuple[int, marc.ParsedRecord, dict[str, Any]]] = []
        restart = False
        for offset, ((index, parsed, extracted), keys) in enumerate(zip(window, key_sets, strict=True)):
            if extracted is not None and not (keys & existing) and not (keys & created_keys):
                pending.append((index, parsed, extracted))
                created_keys |= keys
                continue
            _flush(pending, rows, state)
            pending = []
            row = _one(parsed, state)
            rows[index] = row
            if row.outcome in {"created", "updated"}:  # it may have given later records a match
                pos += offset + 1
                state.window = MIN_WINDOW
                restart = True
                break
        if not restart:
            _flush(pending, rows, state)
            pos += len(window)
            state.window = min(BATCH, state.window * 2)
    return rows


def _one(parsed: marc.ParsedRecord, state: _State) -> ImportRow:
    if parsed.record is None and not parsed.error:
        parsed.record = marc.record_from_storage(parsed.raw)  # left behind by the parsing process
    try:
        with transaction.atomic():
            return state.import_one(parsed, organization=state.organization, actor=state.actor, share=state.share)
    except (IntegrityError, DomainError, ValueError) as exc:
        return ImportRow(parsed.number, parsed.control_number, "error", message=str(exc))


def _flush(pending: list[tuple[int, marc.ParsedRecord, dict[str, Any]]], rows: list[Any], state: _State) -> None:
    """Create the pending new records together; one by one if the bulk INSERT fails."""
    if not pending:
        return
    try:
        with transaction.atomic():
            ids = _bulk_create(pending, state)
    except DatabaseError:
        for index, parsed, _extracted in pending:
            rows[index] = _one(parsed, state)
        return
    for (index, parsed, _extracted), pk in zip(pending, ids, strict=True):
        rows[index] = ImportRow(parsed.number, parsed.control_number, "created", pk, "; ".join(parsed.warnings))
