"""Writing a window's new records at once: multi-row INSERTs of records, versions,
identifiers and audit events (UNNEST on PostgreSQL, bulk_create elsewhere)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from cataloging import marc, search
from cataloging.models import BibRecord, RecordIdentifier, RecordVersion
from office.models import AuditEvent

if TYPE_CHECKING:
    from cataloging.importer.bulk import _State


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
