"""MARC import at bulk speed, with the record-at-a-time semantics of the import action's
per-record step (`import_one`: `cataloging.actions.imports._import_one`).

`actions.marc_import` (the `import_marc` command and the upload job) runs here, handing in
that per-record step: this module imports nothing from the actions, so the two never import
each other. Records are
parsed lazily and taken in windows; for each window two queries find which records match
something already in the catalog (001 within the office, 035, ISBN, title/author/year key:
the keys of `selectors.record_match_for`). Records that match nothing, and nothing created earlier
in the same window, are new: they are written with one multi-row INSERT per table (record,
version, identifiers, audit event), the tsvector computed in the same INSERT. Everything
else (a match, a record that cannot be extracted) goes through `import_one`
unchanged, in its own transaction, after the new records before it have been written, so
the outcome of every record is what the one-by-one import would have given:

* a record that matches an existing or an earlier record of the file is compared and then
  updated, reported unchanged or skipped exactly as before;
* after a record is created or updated one by one, the matches of the records after it are
  looked up again (that write may have given them a match), in a small window that grows
  back while records keep being new;
* a bad record is reported and never stops the rest; if a bulk INSERT fails for any
  database reason, its window is rolled back and imported one record at a time, so the
  failure is attributed to its record as before.

A window of new records commits together (one transaction per window instead of per record);
a file-level problem (empty, not MARC, truncated, unsafe XML) still raises MarcFileError
before anything is written.
"""

from __future__ import annotations

import ctypes
import json
import logging
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Protocol

from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, IntegrityError, connection, connections, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cataloging import marc, search
from cataloging.models import BibRecord, RecordIdentifier, RecordVersion
from office import audit
from office.exceptions import DomainError
from office.models import AuditEvent, Organization

logger = logging.getLogger(__name__)

BATCH = 1000  # records per bulk INSERT and per matching look-up
MIN_WINDOW = 16  # after a one-by-one write, look ahead this far and double while records are new


# From this many ISO 2709 records on, parsing runs in a second process (a real second core);
# below it, starting one costs more than it saves and a thread does it.
PARSE_IN_PROCESS_FROM = 5_000


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


Prepared = tuple[marc.ParsedRecord, dict[str, Any] | None]  # a record and its extracted fields


def _prepared(parsed: marc.ParsedRecord) -> Prepared:
    """The record's search and match fields (with the text its tsvector is made of), or None
    when it could not be parsed or extracted: `import_one` then reports why."""
    if parsed.error or parsed.record is None:
        return parsed, None
    try:
        extracted = marc.extract(parsed.record)
    except ValueError:
        return parsed, None
    extracted["tsvector_text"] = marc.cjk_bigrams(extracted["fields"]["search_text"].lower())
    return parsed, extracted


def _parsed_ahead(records: Iterator[marc.ParsedRecord], size: int) -> Iterator[list[Prepared]]:
    """`records` in lists of `size`, the next list parsed and extracted in a thread while the
    caller writes this one. Parsing and extraction are Python and hold the GIL; writing mostly
    waits for PostgreSQL, which releases it, so on two cores the two halves of an import
    overlap. The thread touches no database and runs in the caller's language (messages)."""
    language = translation.get_language()

    def take() -> list[Prepared]:
        with translation.override(language):
            return [_prepared(parsed) for parsed in islice(records, size)]

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="marc-parse") as pool:
        upcoming = pool.submit(take)
        while batch := upcoming.result():
            upcoming = pool.submit(take)
            yield batch


def _in_daemon_process() -> bool:
    """A Celery prefork worker's child is a daemon process, which may not start processes of
    its own: an upload imported there parses in a thread (`celery worker --pool=solo`, or the
    `import_marc` command, parse in a process)."""
    return bool(multiprocessing.current_process().daemon)


def _parsing_process_started() -> None:
    """In the forked parsing process, first: die with the process that forked it (Linux), and
    let go of its database sockets, never used here, so that a killed import leaves no open
    session behind. The sockets are closed, not the connections: closing a connection would
    end the parent's session too."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    for conn in connections.all(initialized_only=True):
        if conn.connection is not None:
            try:
                os.close(conn.connection.fileno())
            except (OSError, AttributeError):
                pass


def _prepare_chunks(chunks: list[bytes], first: int, language: str) -> list[Prepared]:
    """In the parsing process: parse and extract ISO 2709 records numbered from `first`. A
    record that was extracted comes back without its pymarc object (cheaper to send than to
    rebuild); `_one` re-reads it from `raw` if it needs the one-by-one path."""
    with translation.override(language):
        prepared = [_prepared(marc.parse_iso2709_record(chunk, n)) for n, chunk in enumerate(chunks, start=first)]
    for parsed, extracted in prepared:
        if extracted is not None:
            parsed.record = None
    return prepared


def _prepared_in_process(chunks: list[bytes], size: int) -> Iterator[list[Prepared]]:
    """Like `_parsed_ahead`, with the parsing in a forked process: parsing and writing then
    use both cores instead of taking turns at the GIL. Two lists are kept in flight. If the
    process cannot be started or dies, the rest is parsed here, in a thread, as for small files."""
    language = translation.get_language()
    starts = iter(range(0, len(chunks), size))
    done = 0
    try:
        with ProcessPoolExecutor(
            max_workers=1, mp_context=multiprocessing.get_context("fork"), initializer=_parsing_process_started
        ) as pool:
            in_flight: deque[Any] = deque()

            def submit() -> None:
                start = next(starts, None)
                if start is not None:
                    in_flight.append(pool.submit(_prepare_chunks, chunks[start : start + size], start + 1, language))

            submit()
            submit()
            while in_flight:
                batch = in_flight.popleft().result()
                submit()
                done += len(batch)
                yield batch
    except (BrokenProcessPool, OSError, AssertionError) as exc:  # AssertionError: a daemon may not fork
        logger.warning("MARC parsing process failed (%s); parsing in this process", exc)
        rest = (marc.parse_iso2709_record(chunk, n) for n, chunk in enumerate(chunks[done:], start=done + 1))
        yield from _parsed_ahead(rest, size)


ANALYZE_AT_LEAST = 10_000  # records written before the record tables' statistics are renewed


class _Statistics:
    """Keeps the planner's statistics of the record tables current while a large import grows
    them: the match look-ups of every window are planned from them, and a plan made for a
    table a tenth of its size reads far more than it needs (measured: the look-ups went from
    3 % to 60 % of the import time between 50,000 and 300,000 records with stale statistics).
    Autovacuum does this too, when it is on and when it gets round to it; the importer renews
    them itself, with ANALYZE, each time it has written as many records as the table had at
    the last renewal (at least ANALYZE_AT_LEAST): a handful of times for a million records."""

    TABLES = ("cataloging_bibrecord", "cataloging_recordidentifier")

    def __init__(self) -> None:
        self.rows = self._estimate()
        self.since = 0

    @staticmethod
    def _estimate() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'cataloging_bibrecord'::regclass")
            return max(0, int(cursor.fetchone()[0]))  # -1: never analyzed

    def written(self, records: int) -> None:
        self.since += records
        if self.since >= max(ANALYZE_AT_LEAST, self.rows):
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {', '.join(self.TABLES)}")
            self.rows, self.since = self._estimate(), 0


class _State:
    def __init__(self, *, organization: Organization, actor: Any, share: bool, import_one: ImportOne) -> None:
        self.organization = organization
        self.actor = actor
        self.user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
        self.share = share
        self.window = BATCH
        self.content_type = ContentType.objects.get_for_model(BibRecord)
        self.import_one = import_one


def _keys(extracted: dict[str, Any]) -> set[tuple[str, str]]:
    """What `selectors.record_match_for` matches on; all of it can only hit an own-office record in a window."""
    keys = {(scheme, value) for scheme, value in extracted["identifiers"] if scheme in {"ctl", "sys", "isbn"}}
    if extracted["fields"]["match_key"]:
        keys.add(("key", extracted["fields"]["match_key"]))
    return keys


def _matched(organization_id: int, key_sets: list[set[tuple[str, str]]]) -> set[tuple[str, str]]:
    """The keys among `key_sets` that some visible record already has (two queries)."""
    wanted: dict[str, set[str]] = {"ctl": set(), "sys": set(), "isbn": set(), "key": set()}
    for keys in key_sets:
        for scheme, value in keys:
            wanted[scheme].add(value)
    found: set[tuple[str, str]] = set()
    # Only (scheme, value) conditions in the OR, so the planner can answer each from the
    # (scheme, value) index; mixing in the record's office made it read the whole table.
    ident_q = Q()
    for scheme in ("ctl", "sys", "isbn"):
        if wanted[scheme]:
            ident_q |= Q(scheme=scheme, value__in=wanted[scheme])
    if ident_q:
        hits = (
            RecordIdentifier.objects.filter(ident_q)
            .filter(Q(record__organization_id=organization_id) | Q(record__status=BibRecord.Status.APPROVED))
            .values_list("scheme", "value", "record__organization_id")
        )
        # A control number (001) matches in the importing office only.
        found.update((s, v) for s, v, office in hits if s != "ctl" or office == organization_id)
    if wanted["key"]:
        keys = (
            BibRecord.objects.filter(Q(organization_id=organization_id) | Q(status=BibRecord.Status.APPROVED))
            .filter(match_key__in=wanted["key"])
            .values_list("match_key", flat=True)
        )
        found.update(("key", key) for key in keys)
    return found


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


def _bulk_create(pending: list[tuple[int, marc.ParsedRecord, dict[str, Any]]], state: _State) -> list[int]:
    """What `actions.record_create(..., note="Imported")` writes, for many records at once:
    the record (version 1, search columns, tsvector), its version, its identifiers and the
    per-record "created" audit event (written here in bulk, with the same fields
    `office.audit.record` gives it). Returns the new primary keys in order."""
    if search.is_postgres():
        return _bulk_create_postgres(pending, state)
    now = timezone.now()
    note = _("Imported")
    records = []
    for _index, _parsed, extracted in pending:
        record = BibRecord(organization=state.organization, created_by=state.user, version=1, **extracted["fields"])
        if state.share:
            record.status, record.shared_at = BibRecord.Status.APPROVED, now
        records.append(record)
    BibRecord.objects.bulk_create(records)
    RecordVersion.objects.bulk_create(
        [
            RecordVersion(
                record=record, number=1, marc=parsed.raw, note=note[:300], created_by=state.user, created_at=now
            )
            for record, (_i, parsed, _e) in zip(records, pending, strict=True)
        ]
    )
    RecordIdentifier.objects.bulk_create(
        [
            RecordIdentifier(record=record, scheme=scheme, value=value)
            for record, (_i, _p, extracted) in zip(records, pending, strict=True)
            for scheme, value in dict.fromkeys(extracted["identifiers"])
        ],
        ignore_conflicts=True,
    )
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                created_at=now,
                actor=state.user,
                organization=state.organization,
                verb="cataloging.record.created",
                target_type=state.content_type,
                target_id=str(record.pk),
                target_repr=str(record)[:200],
                data={"shared": state.share, "note": note},
            )
            for record in records
        ]
    )
    return [record.pk for record in records]


def _unnest_insert(
    model: Any, columns: dict[str, list[Any]], *, computed: str = "", conflict: str = "", returning: bool = False
) -> list[int]:
    """INSERT INTO table (columns) SELECT … FROM UNNEST(one array per column): one statement
    and one round trip for any number of rows, without building model instances.
    `columns` maps attnames to equal-length lists; `computed` is an extra "column, expression"
    over the alias `sv` (the last array, text)."""
    fields = {f.attname: f for f in model._meta.concrete_fields}
    names = [name for name in columns if name != "sv"]
    aliases = [f"c{i}" for i in range(len(names))]
    types = [fields[name].db_type(connection).split("(")[0] for name in names]
    params = [columns[name] for name in names]
    select = list(aliases)
    targets = [connection.ops.quote_name(fields[name].column) for name in names]
    if computed:
        column, expression = computed.split(" = ", 1)
        targets.append(column)
        select.append(expression)
        aliases.append("sv")
        types.append("text")
        params.append(columns["sv"])
    placeholders = ", ".join(f"%s::{db_type}[]" for db_type in types)
    sql = (
        f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({', '.join(targets)}) "  # noqa: S608
        f"SELECT {', '.join(select)} FROM UNNEST({placeholders}) AS u({', '.join(aliases)}) {conflict}"
        + (" RETURNING id" if returning else "")
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()] if returning else []


def _bulk_create_postgres(pending: list[tuple[int, marc.ParsedRecord, dict[str, Any]]], state: _State) -> list[int]:
    now = timezone.now()
    note = _("Imported")
    n = len(pending)
    user_id = state.user.pk if state.user is not None else None
    columns: dict[str, list[Any]] = {
        "created_at": [now] * n,
        "updated_at": [now] * n,
        "organization_id": [state.organization.pk] * n,
        "status": [BibRecord.Status.APPROVED if state.share else BibRecord.Status.DRAFT] * n,
        "version": [1] * n,
        "created_by_id": [user_id] * n,
        "shared_at": [now if state.share else None] * n,
        "review_note": [""] * n,
    }
    for name in pending[0][2]["fields"]:
        columns[name] = [extracted["fields"][name] for _i, _p, extracted in pending]
    columns["sv"] = [extracted["tsvector_text"] for _i, _p, extracted in pending]
    # The tsvector `search.refresh_search_vector` would write, computed in the same INSERT.
    ids = _unnest_insert(
        BibRecord,
        columns,
        computed="search_vector = to_tsvector('simple'::regconfig, COALESCE(sv, ''))",
        returning=True,
    )
    _unnest_insert(
        RecordVersion,
        {
            "record_id": ids,
            "number": [1] * n,
            "marc": [parsed.raw for _i, parsed, _e in pending],
            "note": [note[:300]] * n,
            "created_by_id": [user_id] * n,
            "created_at": [now] * n,
        },
    )
    pairs = [
        (pk, scheme, value)
        for pk, (_i, _p, extracted) in zip(ids, pending, strict=True)
        for scheme, value in dict.fromkeys(extracted["identifiers"])
    ]
    if pairs:
        record_ids, schemes, values = (list(column) for column in zip(*pairs, strict=True))
        _unnest_insert(
            RecordIdentifier,
            {"record_id": record_ids, "scheme": schemes, "value": values},
            conflict="ON CONFLICT DO NOTHING",
        )
    data = json.dumps({"shared": state.share, "note": note})
    _unnest_insert(
        AuditEvent,
        {
            "created_at": [now] * n,
            "actor_id": [user_id] * n,
            "organization_id": [state.organization.pk] * n,
            "verb": ["cataloging.record.created"] * n,
            "target_type_id": [state.content_type.pk] * n,
            "target_id": [str(pk) for pk in ids],
            "target_repr": [
                (extracted["fields"]["title"] or _("Record %(pk)s") % {"pk": pk})[:200]
                for pk, (_i, _p, extracted) in zip(ids, pending, strict=True)
            ],
            "data": [data] * n,
        },
    )
    return ids
