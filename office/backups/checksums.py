"""What a database holds, comparably: row count and SHA-256 of every table, and the migrations
it has applied (and the running code's that it lacks)."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterator
from typing import Any


def _table_names(conn: Any, vendor: str) -> list[str]:
    cur = conn.cursor()
    if vendor == "sqlite":
        cur.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
    else:
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    names = sorted(row[0] for row in cur.fetchall())
    cur.close()
    return names


def _sqlite_value(value: Any) -> Any:
    return {"hex": value.hex()} if isinstance(value, bytes) else value


def _row_texts(conn: Any, vendor: str, table: str) -> Iterator[str]:
    """Every row of `table` as text, in a deterministic order independent of physical layout."""
    if vendor == "sqlite":
        quoted = '"' + table.replace('"', '""') + '"'
        cur = conn.cursor()
        columns = len(cur.execute(f"SELECT * FROM {quoted} LIMIT 0").description)  # noqa: S608 - quoted name
        order = ", ".join(str(i) for i in range(1, columns + 1))
        cur.execute(f"SELECT * FROM {quoted} ORDER BY {order}")  # noqa: S608 - quoted name
        for row in cur:
            yield json.dumps([_sqlite_value(v) for v in row], ensure_ascii=False, default=str)
        cur.close()
        return
    from psycopg2 import sql

    # A server-side cursor streams big tables; the row's text form and the "C" collation make
    # the order and the bytes the same on any server of the same major version.
    with conn.cursor(name=f"checksum_{secrets.token_hex(4)}") as cur:
        cur.itersize = 2000
        cur.execute(sql.SQL('SELECT t::text FROM {} AS t ORDER BY t::text COLLATE "C"').format(sql.Identifier(table)))
        for (text,) in cur:
            yield text


def table_checksums(conn: Any, vendor: str) -> dict[str, dict[str, Any]]:
    """Row count and SHA-256 over the ordered rows of every table."""
    result: dict[str, dict[str, Any]] = {}
    for table in _table_names(conn, vendor):
        digest = hashlib.sha256()
        rows = 0
        for text in _row_texts(conn, vendor, table):
            digest.update(text.encode())
            digest.update(b"\n")
            rows += 1
        result[table] = {"rows": rows, "sha256": digest.hexdigest()}
    return result


def applied_migrations(conn: Any) -> list[str]:
    cur = conn.cursor()
    try:
        cur.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        return [f"{app}.{name}" for app, name in cur.fetchall()]
    finally:
        cur.close()


def pending_migrations(applied: list[str]) -> list[str]:
    """Migrations of the running code that `applied` lacks (what `migrate --check` reports)."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    done = set(applied)
    return sorted(f"{app}.{name}" for app, name in loader.graph.leaf_nodes() if f"{app}.{name}" not in done)


def compare_tables(expected: dict[str, dict[str, Any]], actual: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Every table whose row count or checksum differs (or that exists on one side only)."""
    problems = []
    for table in sorted(set(expected) | set(actual)):
        want, got = expected.get(table), actual.get(table)
        if want != got:
            problems.append({"table": table, "expected": want, "actual": got})
    return problems
