"""One database, PostgreSQL or SQLite: where it is (DatabaseTarget), and dumping, restoring
and describing it. Passwords reach pg_dump only through PGPASSWORD, never its command line."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import sqlite3
import subprocess  # noqa: S404 - pg_dump/pg_restore with argument lists, never a shell
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import environ
from django.conf import settings
from django.db import connections
from django.utils.translation import gettext as _

from office.backups.checksums import _table_names, applied_migrations, table_checksums
from office.backups.errors import BackupError
from office.backups.files import _fsync

DB_FILES = {"postgresql": "db.dump", "sqlite": "db.sqlite3"}


@dataclass(frozen=True)
class DatabaseTarget:
    """Where a database lives, independent of Django's connections (the scratch and restore
    targets are not configured in settings)."""

    vendor: str  # "postgresql" or "sqlite"
    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""

    @classmethod
    def from_settings(cls, config: dict[str, Any]) -> DatabaseTarget:
        engine = config["ENGINE"]
        if "postgresql" in engine:
            vendor = "postgresql"
        elif "sqlite3" in engine:
            vendor = "sqlite"
        else:
            raise BackupError(_("Backups support PostgreSQL and SQLite, not %(engine)s.") % {"engine": engine})
        return cls(
            vendor=vendor,
            name=str(config["NAME"]),
            user=config.get("USER") or "",
            password=config.get("PASSWORD") or "",
            host=config.get("HOST") or "",
            port=str(config.get("PORT") or ""),
        )

    @classmethod
    def from_url(cls, url: str) -> DatabaseTarget:
        return cls.from_settings(environ.Env.db_url_config(url))

    @classmethod
    def live(cls, alias: str = "default") -> DatabaseTarget:
        # The connection's dict, not settings: under tests it names the test database.
        return cls.from_settings(connections[alias].settings_dict)

    def same_database_as(self, other: DatabaseTarget) -> bool:
        if self.vendor != other.vendor:
            return False
        if self.vendor == "sqlite":
            return _sqlite_identity(self.name) == _sqlite_identity(other.name)
        local = {"", "localhost", "127.0.0.1", "::1"}
        same_host = self.host == other.host or (self.host in local and other.host in local)
        return same_host and (self.port or "5432") == (other.port or "5432") and self.name == other.name

    def describe(self) -> str:
        """For logs and messages: never the password."""
        if self.vendor == "sqlite":
            return f"sqlite:{self.name}"
        return f"postgresql://{self.user}@{self.host or 'localhost'}:{self.port or 5432}/{self.name}"

    def connect(self) -> Any:
        if self.vendor == "sqlite":
            return sqlite3.connect(self.name, uri=self.name.startswith("file:"))
        import psycopg2

        return psycopg2.connect(
            dbname=self.name,
            user=self.user or None,
            password=self.password or None,
            host=self.host or None,
            port=self.port or None,
        )

    def pg_args(self) -> list[str]:
        args = ["--no-password"]  # fail instead of prompting; the password comes from PGPASSWORD
        if self.host:
            args += ["--host", self.host]
        if self.port:
            args += ["--port", self.port]
        if self.user:
            args += ["--username", self.user]
        return args

    def pg_env(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.password:
            env["PGPASSWORD"] = self.password
        return env


def _sqlite_identity(name: str) -> str:
    return name if name.startswith("file:") or name == ":memory:" else str(Path(name).resolve())


def _pg_bin(program: str) -> str:
    if settings.BACKUP_PG_BIN_DIR:
        return str(Path(settings.BACKUP_PG_BIN_DIR) / program)
    found = shutil.which(program)
    if found is None:
        raise BackupError(_("%(program)s is not installed (postgresql-client).") % {"program": program})
    return found


def _run(args: list[str], target: DatabaseTarget) -> str:
    result = subprocess.run(args, env=target.pg_env(), capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")
    return result.stdout


def _client_major(program: str) -> int:
    out = subprocess.run([_pg_bin(program), "--version"], capture_output=True, text=True, check=True).stdout  # noqa: S603
    match = re.search(r"\)\s*(\d+)", out) or re.search(r"(\d+)", out)
    if match is None:
        raise BackupError(f"Cannot read the version of {program}: {out!r}")
    return int(match.group(1))


def _check_client_version(program: str, conn: Any) -> dict[str, int]:
    """pg_dump must be at least as new as the server (PostgreSQL docs); refuse otherwise."""
    with conn.cursor() as cur:
        cur.execute("SHOW server_version_num")
        server = int(cur.fetchone()[0]) // 10000
    client = _client_major(program)
    if client < server:
        raise BackupError(
            _("%(program)s %(client)s is older than the PostgreSQL %(server)s server; set BACKUP_PG_BIN_DIR.")
            % {"program": program, "client": client, "server": server}
        )
    return {"server_major": server, "client_major": client}


def dump_database(target: DatabaseTarget, folder: Path) -> dict[str, Any]:
    """Write the database into `folder` and describe it: file, tables, migrations, versions."""
    out = folder / DB_FILES[target.vendor]
    if target.vendor == "sqlite":
        return _dump_sqlite(target, out)
    return _dump_postgresql(target, out)


def _dump_sqlite(target: DatabaseTarget, out: Path) -> dict[str, Any]:
    source = target.connect()
    copy = sqlite3.connect(out)
    try:
        source.backup(copy)  # the online-backup API: a consistent copy while others write
        # The live file is in WAL mode; the copy must stand alone as one file.
        copy.execute("PRAGMA journal_mode=DELETE")
    finally:
        copy.close()
        source.close()
    os.chmod(out, 0o600)
    snapshot = sqlite3.connect(f"file:{out}?mode=ro", uri=True)
    try:
        return {
            "vendor": "sqlite",
            "file": out.name,
            "tables": table_checksums(snapshot, "sqlite"),
            "migrations": applied_migrations(snapshot),
            "sqlite_version": sqlite3.sqlite_version,
        }
    finally:
        snapshot.close()


def _dump_postgresql(target: DatabaseTarget, out: Path) -> dict[str, Any]:
    conn = target.connect()
    try:
        conn.set_session(isolation_level="REPEATABLE READ", readonly=True)
        versions = _check_client_version("pg_dump", conn)
        with conn.cursor() as cur:
            cur.execute("SELECT pg_export_snapshot()")
            snapshot_id = cur.fetchone()[0]
        _run(
            [_pg_bin("pg_dump"), "--format=custom", f"--snapshot={snapshot_id}", f"--file={out}", *target.pg_args()]
            + ["--dbname", target.name],
            target,
        )
        os.chmod(out, 0o600)
        # Still inside the snapshot's transaction: these are the rows pg_dump wrote.
        tables = table_checksums(conn, "postgresql")
        migrations = applied_migrations(conn)
        conn.rollback()
    finally:
        conn.close()
    return {"vendor": "postgresql", "file": out.name, "tables": tables, "migrations": migrations, **versions}


def _pg_maintenance(target: DatabaseTarget) -> Any:
    conn = replace(target, name="postgres").connect()
    conn.autocommit = True
    return conn


def _pg_database_exists(target: DatabaseTarget) -> bool:
    conn = _pg_maintenance(target)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [target.name])
            return cur.fetchone() is not None
    finally:
        conn.close()


def _pg_create_database(target: DatabaseTarget) -> None:
    from psycopg2 import sql

    conn = _pg_maintenance(target)
    try:
        with conn.cursor() as cur:
            cur.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(target.name)))
    finally:
        conn.close()


def _pg_drop_database(target: DatabaseTarget) -> None:
    from psycopg2 import sql

    conn = _pg_maintenance(target)
    try:
        with conn.cursor() as cur:
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(target.name)))
    finally:
        conn.close()


def restore_database(dump: Path, target: DatabaseTarget, *, vendor: str) -> None:
    """Load a dump into `target` all-or-nothing. A PostgreSQL target is created if missing."""
    if vendor != target.vendor:
        raise BackupError(
            _("This is a %(backup)s backup; it cannot be restored into %(target)s.")
            % {"backup": vendor, "target": target.vendor}
        )
    if vendor == "sqlite":
        _restore_sqlite(dump, target)
        return
    _restore_postgresql(dump, target)


def _restore_sqlite(dump: Path, target: DatabaseTarget) -> None:
    destination = Path(target.name)
    tmp = destination.with_name(f".{destination.name}.restoring-{secrets.token_hex(4)}")
    source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    copy = sqlite3.connect(tmp)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()
    os.chmod(tmp, 0o600)
    _fsync(tmp)
    os.replace(tmp, destination)
    for suffix in ("-wal", "-shm"):  # an old write-ahead log must not replay over the restore
        Path(f"{destination}{suffix}").unlink(missing_ok=True)


def _restore_postgresql(dump: Path, target: DatabaseTarget) -> None:
    # `pg_restore -l` reads the whole table of contents: a cheap check that it is an archive.
    _run([_pg_bin("pg_restore"), "--list", str(dump)], target)
    if not _pg_database_exists(target):
        _pg_create_database(target)
    conn = target.connect()
    try:
        _check_client_version("pg_restore", conn)
        has_tables = bool(_table_names(conn, "postgresql"))
    finally:
        conn.close()
    args = [_pg_bin("pg_restore"), "--exit-on-error", "--single-transaction", "--no-owner", "--no-privileges"]
    if has_tables:
        args += ["--clean", "--if-exists"]
    _run([*args, *target.pg_args(), "--dbname", target.name, str(dump)], target)


def describe_database(target: DatabaseTarget) -> dict[str, Any]:
    conn = target.connect()
    try:
        if target.vendor == "postgresql":
            conn.set_session(isolation_level="REPEATABLE READ", readonly=True)
        return {"tables": table_checksums(conn, target.vendor), "migrations": applied_migrations(conn)}
    finally:
        conn.close()
