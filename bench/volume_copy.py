"""COPY helpers for bench/volume_seed.py: rows as dicts, written with PostgreSQL's COPY.

A row names only the fields it sets; every other concrete field takes its model default
(`Field.get_default()`, evaluated once per model), so a wide model needs no list of every
column. `created_at`/`updated_at` are written as given (COPY bypasses `auto_now_add`). Ids are
reserved from each table's sequence first (`reserve`), so rows can point at each other.
"""

from __future__ import annotations

import datetime
import io
import json
from collections.abc import Iterable
from typing import Any

CHUNK = 20_000


def _text(value: Any) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime.datetime | datetime.date):
        value = value.isoformat()
    elif isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    else:
        value = str(value)
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class Copier:
    """Writes rows of Django models through one connection's cursor, counting what it wrote."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.written: dict[str, int] = {}
        self._layouts: dict[type, list[tuple[str, str, Any]]] = {}

    def _layout(self, model: type) -> list[tuple[str, str, Any]]:
        if model not in self._layouts:
            fields = [f for f in model._meta.concrete_fields if not (f.primary_key and f.name != "id")]
            layout = []
            for field in fields:
                default = None if field.primary_key else field.get_default()
                if field.null and default == "" and not field.empty_strings_allowed:
                    default = None
                layout.append((field.attname, field.column, default))
            self._layouts[model] = layout
        return self._layouts[model]

    def reserve(self, model: type, count: int) -> list[int]:
        """`count` fresh ids of `model`'s table (its sequence moved past them)."""
        if count <= 0:
            return []
        table = model._meta.db_table
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cursor.fetchone()[0]
            cursor.execute("SELECT nextval(%s)", [sequence])
            first = cursor.fetchone()[0]
            cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
        return list(range(first, first + count))

    def copy(self, model: type, rows: Iterable[dict[str, Any]]) -> int:
        layout = self._layout(model)
        table = model._meta.db_table
        count = 0
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= CHUNK:
                count += self._write(table, layout, batch)
                batch = []
        if batch:
            count += self._write(table, layout, batch)
        self.written[model._meta.label] = self.written.get(model._meta.label, 0) + count
        return count

    def _write(self, table: str, layout: list[tuple[str, str, Any]], rows: list[dict[str, Any]]) -> int:
        names = set().union(*(row.keys() for row in rows))
        unknown = names - {name for name, _c, _d in layout} - {"id"}
        if unknown:
            raise ValueError(f"{table}: no such fields {sorted(unknown)}")
        columns = [(name, column, default) for name, column, default in layout if name in names or name != "id"]
        buffer = io.StringIO()
        for row in rows:
            buffer.write("\t".join(_text(row.get(name, default)) for name, _c, default in columns))
            buffer.write("\n")
        buffer.seek(0)
        column_list = ", ".join(f'"{column}"' for _n, column, _d in columns)
        with self.connection.cursor() as cursor:
            cursor.cursor.copy_expert(f'COPY "{table}" ({column_list}) FROM STDIN', buffer)
        return len(rows)

    def analyze(self) -> None:
        from django.apps import apps

        with self.connection.cursor() as cursor:
            for label in self.written:
                cursor.execute(f'ANALYZE "{apps.get_model(label)._meta.db_table}"')
