"""Backups of the database and uploaded media, restore drills and restores (issue 8).

A backup is one folder, named `20260101T023000Z-42` (start time and BackupRun id), in the
backup store: a local folder (settings.BACKUP_DIR, mode 0700, files 0600) by default, or an
S3-compatible bucket when BACKUP_STORE=s3 (keys `<BACKUP_S3_PREFIX><name>/<file>`):

    20260101T023000Z-42/
        db.dump | db.sqlite3    pg_dump -Fc (PostgreSQL) or an online-backup copy (SQLite)
        media.tar.gz            every regular file under MEDIA_ROOT
        manifest.json           written last: size and SHA-256 of the files above, per-table
                                row counts and content checksums, app version, migrations

Crash safety (RELIABILITY.md F3): everything is first written into the staging folder
`BACKUP_DIR/.partial-<name>/` and fsynced. The local store then renames the folder into place
and writes the manifest last (temp -> fsync -> rename); the S3 store uploads the data files and
then the manifest, as the last object. A backup without manifest.json is never good, whatever
store it is in; the next run marks its row failed and deletes it (and any unfinished multipart
upload). A backup is reported good only after it has been read back from the store and every
file's SHA-256 matched (on S3: from freshly downloaded objects).
One backup at a time: an exclusive flock on BACKUP_DIR/.lock, which the kernel releases when
the process dies, so a killed worker never leaves the store locked; on PostgreSQL also a
session advisory lock, so workers on different machines sharing one bucket exclude each other.

Row checksums are taken in the same snapshot as the dump (PostgreSQL: an exported snapshot
that pg_dump imports; SQLite: computed on the copy), so a drill compares like with like.
Passwords reach pg_dump only through PGPASSWORD in its environment, never its command line.

Workflow of a run: running -> succeeded | failed; succeeded -> pruned (retention).
Drills: running -> passed | failed. Failures and overdue backups alert technical services.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import sqlite3
import subprocess  # noqa: S404 - pg_dump/pg_restore with argument lists, never a shell
import tarfile
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, timedelta
from pathlib import Path
from typing import IO, Any

import environ
from django.conf import settings
from django.db import connections
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from office.models import BackupDrill, BackupRun, Notification, StaffProfile

logger = logging.getLogger(__name__)

MANIFEST = "manifest.json"
MEDIA_TAR = "media.tar.gz"
DB_FILES = {"postgresql": "db.dump", "sqlite": "db.sqlite3"}
MANIFEST_FORMAT = 1
TECHSVC_DEPARTMENT_CODE = "techsvc"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup, drill or restore could not be done; the message says why."""


class BackupInProgress(BackupError):
    pass


class BackupCorrupted(BackupError):
    """A backup's files are missing or do not match its manifest."""


class LiveDatabaseRefused(BackupError):
    pass


# --- databases ----------------------------------------------------------------------------------


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


# --- checksums ------------------------------------------------------------------------------------


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


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# --- writing files safely ----------------------------------------------------------------------------


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_json_atomically(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(data, handle, indent=2, sort_keys=True)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    _fsync(path.parent)


def store_dir() -> Path:
    """The local working folder: the local store itself, the staging area and the lock file."""
    store = Path(settings.BACKUP_DIR)
    store.mkdir(parents=True, exist_ok=True)
    os.chmod(store, 0o700)
    return store


# An arbitrary constant: the key of the PostgreSQL advisory lock all backup workers take.
PG_LOCK_KEY = 0x1BAC_0008


@contextlib.contextmanager
def _database_lock() -> Iterator[None]:
    """On PostgreSQL, a session advisory lock: held by a connection of our own, released by
    the server when the process dies (its connection closes)."""
    live = DatabaseTarget.live()
    if live.vendor != "postgresql":
        yield
        return
    conn = live.connect()
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT pg_try_advisory_lock(%s)", [PG_LOCK_KEY])
            if not cur.fetchone()[0]:
                raise BackupInProgress(_("Another backup or restore drill is running."))
        yield
    finally:
        conn.close()  # closing the session releases the lock


@contextlib.contextmanager
def _store_lock(store: Path) -> Iterator[None]:
    fd = os.open(store / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BackupInProgress(_("Another backup or restore drill is running.")) from None
        with _database_lock():
            yield
    finally:
        os.close(fd)  # closing releases the lock


# --- the backup store: a local folder or an S3-compatible bucket ----------------------------------

BACKUP_NAME = re.compile(r"^\d{8}T\d{6}Z-\d+$")


def _disk_state(path: Path, need: int) -> dict[str, Any]:
    """Free space at `path`: amber under 20 % or two backups' room, red under 5 % or one."""
    while not path.exists() and path != path.parent:
        path = path.parent
    try:
        usage = shutil.disk_usage(path)
    except OSError as exc:
        return {"state": "red", "free": None, "total": None, "detail": type(exc).__name__}
    if usage.free < need or usage.free < usage.total * 0.05:
        state = "red"
    elif usage.free < 2 * need or usage.free < usage.total * 0.20:
        state = "amber"
    else:
        state = "green"
    return {"state": state, "free": usage.free, "total": usage.total, "percent_free": 100 * usage.free // usage.total}


class BackupStore:
    """Where finished backups live. A backup is complete only when its manifest is there, and
    the manifest always arrives last."""

    kind = ""

    def describe(self) -> str:
        raise NotImplementedError

    def location(self, name: str) -> str:
        raise NotImplementedError

    def name_of(self, location: str) -> str | None:
        """The backup's name if `location` is a backup in this store, else None."""
        raise NotImplementedError

    def publish(self, staging: Path, name: str, manifest: dict[str, Any]) -> str:
        """Move the files of `staging` into the store, the manifest last; return the location."""
        raise NotImplementedError

    def fetch(self, name: str) -> contextlib.AbstractContextManager[Path]:
        """A local folder holding the backup's files (for S3: a fresh download, removed after)."""
        raise NotImplementedError

    def delete(self, name: str) -> None:
        raise NotImplementedError

    def remove_incomplete(self) -> list[str]:
        """Delete every backup without a manifest (called under the lock: nothing is writing)."""
        raise NotImplementedError

    def open_file(self, name: str, filename: str) -> IO[bytes]:
        raise NotImplementedError

    def health(self, need: int) -> dict[str, Any]:
        raise NotImplementedError


class LocalStore(BackupStore):
    kind = "local"

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def describe(self) -> str:
        return str(self.root)

    def location(self, name: str) -> str:
        return str(self.root / name)

    def name_of(self, location: str) -> str | None:
        if not location or location.startswith("s3://"):
            return None
        path = Path(location).resolve()
        return path.name if path.parent == self.root.resolve() else None

    def publish(self, staging: Path, name: str, manifest: dict[str, Any]) -> str:
        for path in staging.iterdir():
            _fsync(path)
        _fsync(staging)
        final = self.root / name
        os.rename(staging, final)
        _fsync(self.root)
        _write_json_atomically(final / MANIFEST, manifest)  # last: only now does it look complete
        return str(final)

    @contextlib.contextmanager
    def fetch(self, name: str) -> Iterator[Path]:
        yield self.root / name

    def delete(self, name: str) -> None:
        shutil.rmtree(self.root / name, ignore_errors=True)

    def remove_incomplete(self) -> list[str]:
        removed = []
        if not self.root.is_dir():
            return removed
        for path in self.root.iterdir():
            partial = path.name.startswith(".partial-")
            if path.is_dir() and (partial or (BACKUP_NAME.match(path.name) and not (path / MANIFEST).exists())):
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path.name)
        return removed

    def open_file(self, name: str, filename: str) -> IO[bytes]:
        path = (self.root / name / filename).resolve()
        if path.parent.parent != self.root.resolve() or not path.is_file():
            raise FileNotFoundError(filename)
        return path.open("rb")

    def health(self, need: int) -> dict[str, Any]:
        return {**_disk_state(self.root, need), "store": self.describe(), "kind": self.kind}


class S3Store(BackupStore):
    """An S3-compatible bucket (AWS S3, MinIO, Ceph RGW, ...) through boto3. Each file is one
    object, written whole or not at all; the manifest object is put after every data object."""

    kind = "s3"

    def __init__(self, *, bucket: str, prefix: str = "", client: Any = None) -> None:
        if not bucket:
            raise BackupError(_("BACKUP_STORE is s3 but BACKUP_S3_BUCKET is empty."))
        self.bucket = bucket
        prefix = prefix.strip("/")
        self.prefix = f"{prefix}/" if prefix else ""
        self.client = client or s3_client()

    def describe(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    def key(self, name: str, filename: str = "") -> str:
        return f"{self.prefix}{name}/{filename}"

    def location(self, name: str) -> str:
        return f"s3://{self.bucket}/{self.prefix}{name}"

    def name_of(self, location: str) -> str | None:
        base = f"s3://{self.bucket}/{self.prefix}"
        if not location.startswith(base):
            return None
        rest = location[len(base) :]
        return rest if rest and "/" not in rest and not rest.startswith(".") else None

    def _keys(self, prefix: str) -> Iterator[str]:
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                yield item["Key"]

    def _delete_keys(self, keys: list[str]) -> None:
        for i in range(0, len(keys), 1000):
            batch = [{"Key": key} for key in keys[i : i + 1000]]
            result = self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True})
            if result.get("Errors"):
                raise BackupError(f"S3 refused to delete {result['Errors'][0]}")

    def publish(self, staging: Path, name: str, manifest: dict[str, Any]) -> str:
        for path in sorted(staging.iterdir()):
            self.client.upload_file(str(path), self.bucket, self.key(name, path.name))
        body = json.dumps(manifest, indent=2, sort_keys=True).encode()
        self.client.put_object(
            Bucket=self.bucket, Key=self.key(name, MANIFEST), Body=body, ContentType="application/json"
        )
        shutil.rmtree(staging, ignore_errors=True)
        return self.location(name)

    @contextlib.contextmanager
    def fetch(self, name: str) -> Iterator[Path]:
        workdir = Path(tempfile.mkdtemp(prefix=".fetch-", dir=store_dir()))  # mode 0700
        folder = workdir / name
        folder.mkdir(mode=0o700)
        try:
            base = self.key(name)
            for key in self._keys(base):
                filename = key[len(base) :]
                if not filename or "/" in filename or filename.startswith("."):
                    continue
                self.client.download_file(self.bucket, key, str(folder / filename))
                os.chmod(folder / filename, 0o600)
            yield folder
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    def delete(self, name: str) -> None:
        self._delete_keys(list(self._keys(self.key(name))))

    def remove_incomplete(self) -> list[str]:
        by_name: dict[str, list[str]] = {}
        for key in self._keys(self.prefix):
            name, _sep, filename = key[len(self.prefix) :].partition("/")
            if BACKUP_NAME.match(name) and filename:
                by_name.setdefault(name, []).append(key)
        removed = []
        for name, keys in sorted(by_name.items()):
            if self.key(name, MANIFEST) not in keys:
                self._delete_keys(keys)
                removed.append(name)
        # Parts of an upload the dead process never finished are invisible but billed: abort them.
        uploads = self.client.list_multipart_uploads(Bucket=self.bucket, Prefix=self.prefix).get("Uploads", [])
        for upload in uploads:
            self.client.abort_multipart_upload(Bucket=self.bucket, Key=upload["Key"], UploadId=upload["UploadId"])
        return removed

    def open_file(self, name: str, filename: str) -> IO[bytes]:
        from botocore.exceptions import ClientError

        try:
            return self.client.get_object(Bucket=self.bucket, Key=self.key(name, filename))["Body"]
        except ClientError as exc:
            raise FileNotFoundError(filename) from exc

    def health(self, need: int) -> dict[str, Any]:
        # Backups are staged on the local disk before upload: it needs room for one too.
        state = _disk_state(Path(settings.BACKUP_DIR), need)
        state.update(store=self.describe(), kind=self.kind)
        try:
            # A quick client: the health page must answer even when S3 does not.
            s3_client(quick=True).head_bucket(Bucket=self.bucket)
        except Exception as exc:  # noqa: BLE001 - any failure means the bucket is not usable
            state.update(state="red", detail=f"{type(exc).__name__}: {exc}"[:300])
        return state


def s3_client(*, quick: bool = False) -> Any:
    import boto3
    from botocore.config import Config

    endpoint = settings.BACKUP_S3_ENDPOINT_URL or None
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=settings.BACKUP_S3_REGION or None,
        # Empty: boto3's usual chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, ~/.aws, roles).
        aws_access_key_id=settings.BACKUP_S3_ACCESS_KEY or None,
        aws_secret_access_key=settings.BACKUP_S3_SECRET_KEY or None,
        config=Config(
            # Self-hosted S3 (MinIO and the like) behind an IP or one host name: path-style URLs.
            s3={"addressing_style": "path" if endpoint else "auto"},
            retries={"total_max_attempts": 1} if quick else {"max_attempts": 5, "mode": "standard"},
            connect_timeout=3 if quick else 10,
            read_timeout=5 if quick else 120,
        ),
    )


def get_store() -> BackupStore:
    """The configured store (settings.BACKUP_STORE)."""
    if settings.BACKUP_STORE == "s3":
        return S3Store(bucket=settings.BACKUP_S3_BUCKET, prefix=settings.BACKUP_S3_PREFIX)
    if settings.BACKUP_STORE != "local":
        raise BackupError(_("BACKUP_STORE must be local or s3, not %(value)s.") % {"value": settings.BACKUP_STORE})
    return LocalStore(Path(settings.BACKUP_DIR))


def locate(location: str, *, configured_only: bool = False) -> tuple[BackupStore, str]:
    """The store and name of the backup at `location` (a BackupRun.location).

    A local folder is found wherever it is (a copy brought back from off-site works), unless
    `configured_only`, which demands the configured store (downloads)."""
    if location.startswith("s3://") or configured_only:
        store = get_store()
        name = store.name_of(location)
        if name is None:
            raise BackupError(
                _("The backup at %(location)s is not in the configured backup store %(store)s.")
                % {"location": location, "store": store.describe()}
            )
        return store, name
    path = Path(location)
    return LocalStore(path.parent), path.name


# The S3 answer is remembered briefly per process, so that the public health endpoint, which
# anyone may call, cannot make every request wait on the bucket.
STORE_HEALTH_TTL_SECONDS = 30
_store_health_memo: dict[tuple[str, ...], tuple[float, dict[str, Any]]] = {}


def store_health() -> dict[str, Any]:
    """For the health page: free space where backups go (and, for S3, that the bucket answers)."""
    key: tuple[str, ...] = ()
    if settings.BACKUP_STORE == "s3":
        key = (settings.BACKUP_S3_ENDPOINT_URL, settings.BACKUP_S3_BUCKET, settings.BACKUP_S3_PREFIX)
        remembered = _store_health_memo.get(key)
        if remembered is not None and time.monotonic() - remembered[0] < STORE_HEALTH_TTL_SECONDS:
            return dict(remembered[1])
    last = BackupRun.objects.filter(status=BackupRun.Status.SUCCEEDED).order_by("-started_at").first()
    need = last.size_bytes if last else 0
    try:
        result = get_store().health(need)
    except Exception as exc:  # noqa: BLE001 - e.g. misconfigured: the page must still render
        result = {"state": "red", "free": None, "total": None, "detail": f"{type(exc).__name__}: {exc}"[:300]}
    if key:
        _store_health_memo[key] = (time.monotonic(), dict(result))
    return result


class _HashingReader:
    """Hands tarfile the bytes of a file while hashing exactly what goes into the archive."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _write_media_tar(media_root: Path, out: Path) -> dict[str, dict[str, Any]]:
    files: dict[str, dict[str, Any]] = {}
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
        if media_root.is_dir():
            for path in sorted(media_root.rglob("*")):
                # Symlinks could point anywhere (a secret outside MEDIA_ROOT): never archived.
                if path.is_symlink() or not path.is_file():
                    continue
                rel = path.relative_to(media_root).as_posix()
                info = tar.gettarinfo(str(path), arcname=rel)
                with path.open("rb") as handle:
                    reader = _HashingReader(handle)
                    tar.addfile(info, reader)  # type: ignore[arg-type]
                files[rel] = {"size": info.size, "sha256": reader.digest.hexdigest()}
    return files


# --- dumping and restoring one database ----------------------------------------------------------------


def dump_database(target: DatabaseTarget, folder: Path) -> dict[str, Any]:
    """Write the database into `folder` and describe it: file, tables, migrations, versions."""
    out = folder / DB_FILES[target.vendor]
    if target.vendor == "sqlite":
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
        return
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


def compare_tables(expected: dict[str, dict[str, Any]], actual: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Every table whose row count or checksum differs (or that exists on one side only)."""
    problems = []
    for table in sorted(set(expected) | set(actual)):
        want, got = expected.get(table), actual.get(table)
        if want != got:
            problems.append({"table": table, "expected": want, "actual": got})
    return problems


# --- verifying a backup folder ---------------------------------------------------------------------------


def verify_backup(folder: Path) -> dict[str, Any]:
    """Return the manifest if every file exists with its recorded size and SHA-256; else raise."""
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        raise BackupCorrupted(_("%(folder)s has no manifest: it is incomplete.") % {"folder": folder})
    try:
        manifest = json.loads(manifest_path.read_text())
    except (OSError, ValueError) as exc:
        raise BackupCorrupted(
            _("The manifest of %(folder)s is unreadable: %(error)s") % {"folder": folder, "error": exc}
        )
    problems = []
    for name, meta in sorted(manifest.get("files", {}).items()):
        path = folder / name
        if "/" in name or not path.is_file():
            problems.append(_("%(name)s is missing") % {"name": name})
        elif path.stat().st_size != meta["size"]:
            problems.append(_("%(name)s has the wrong size") % {"name": name})
        elif sha256_file(path) != meta["sha256"]:
            problems.append(_("%(name)s does not match its SHA-256") % {"name": name})
    if not manifest.get("files") or problems:
        raise BackupCorrupted(
            _("Backup %(folder)s is damaged: %(problems)s")
            % {"folder": folder.name, "problems": "; ".join(problems) or _("no files listed")}
        )
    return manifest


def check_media_archive(folder: Path, manifest: dict[str, Any]) -> list[str]:
    """Read the whole tarball (gzip CRC included) and compare each member with the manifest."""
    expected = manifest.get("media", {}).get("files", {})
    seen: dict[str, str] = {}
    problems = []
    with tarfile.open(folder / MEDIA_TAR, "r:gz") as tar:
        for member in tar:
            if not member.isfile():
                continue
            handle = tar.extractfile(member)
            assert handle is not None
            digest = hashlib.sha256()
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
            seen[member.name] = digest.hexdigest()
    for name in sorted(set(expected) | set(seen)):
        if expected.get(name, {}).get("sha256") != seen.get(name):
            problems.append(name)
    return problems


def restore_media(folder: Path, media_root: Path) -> int:
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / MEDIA_TAR, "r:gz") as tar:
        members = [m for m in tar.getmembers() if m.isfile()]
        tar.extractall(media_root, members=members, filter="data")  # no absolute paths, no "..", no links
    return len(members)


# --- alerts ------------------------------------------------------------------------------------


def techsvc_recipient_ids() -> list[int]:
    """Staff and head of the home office's technical-services department (and its groups)."""
    return list(
        StaffProfile.objects.filter(organization__is_home=True, user__is_active=True)
        .filter(Q(department__code=TECHSVC_DEPARTMENT_CODE) | Q(department__parent__code=TECHSVC_DEPARTMENT_CODE))
        .values_list("user_id", flat=True)
        .distinct()
    )


def _alert(*, verb: str, title: str, body: str) -> int:
    from office.actions import notify

    recipients = techsvc_recipient_ids()
    for user_id in recipients:
        notify(recipient_id=user_id, verb=verb, title=title, body=body, url=reverse("office:health"))
    if not recipients:
        logger.error("No technical-services staff to alert: %s %s", title, body)
    return len(recipients)


# --- the backup run ---------------------------------------------------------------------------------


def _folder_name(run: BackupRun) -> str:
    return f"{run.started_at.astimezone(UTC):%Y%m%dT%H%M%SZ}-{run.pk}"


def _clean_up_interrupted(store: BackupStore, staging_root: Path, *, current: int) -> None:
    """Called under the lock: any other RUNNING run, partial folder or manifest-less backup
    belongs to a dead process."""
    for run in BackupRun.objects.filter(status=BackupRun.Status.RUNNING).exclude(pk=current):
        run.status = BackupRun.Status.FAILED
        run.finished_at = run.finished_at or timezone.now()
        run.error = run.error or _("Interrupted: the process running it stopped before it finished.")
        run.save(update_fields=["status", "finished_at", "error"])
    for path in staging_root.glob(".partial-*"):
        shutil.rmtree(path, ignore_errors=True)
    # Downloads from S3 left by a killed drill; a restore_backup running now (it takes no lock)
    # has a fresh one, so only day-old ones go.
    for path in staging_root.glob(".fetch-*"):
        with contextlib.suppress(OSError):
            if time.time() - path.stat().st_mtime > 86400:
                shutil.rmtree(path, ignore_errors=True)
    removed = store.remove_incomplete()
    if removed:
        logger.warning("Removed incomplete backups from %s: %s", store.describe(), ", ".join(removed))
    for drill in BackupDrill.objects.filter(status=BackupDrill.Status.RUNNING):
        drill.status = BackupDrill.Status.FAILED
        drill.finished_at = drill.finished_at or timezone.now()
        drill.error = drill.error or _("Interrupted before it finished.")
        drill.save(update_fields=["status", "finished_at", "error"])


def _write_backup(run: BackupRun, store: BackupStore, staging_root: Path, target: DatabaseTarget) -> dict[str, Any]:
    name = _folder_name(run)
    partial = staging_root / f".partial-{name}"
    partial.mkdir(mode=0o700)
    database = dump_database(target, partial)
    media_files = _write_media_tar(Path(settings.MEDIA_ROOT), partial / MEDIA_TAR)
    files = {}
    for path in sorted(partial.iterdir()):
        files[path.name] = {"size": path.stat().st_size, "sha256": sha256_file(path)}
    manifest = {
        "format": MANIFEST_FORMAT,
        "backup_id": run.pk,
        "started_at": run.started_at.isoformat(),
        "finished_at": timezone.now().isoformat(),
        "app_version": settings.APP_VERSION,
        "store": store.kind,
        "size": sum(meta["size"] for meta in files.values()),
        "files": files,
        "database": {k: v for k, v in database.items() if k not in {"tables", "migrations"}},
        "tables": database["tables"],
        "migrations": database["migrations"],
        "media": {
            "files": media_files,
            "count": len(media_files),
            "bytes": sum(m["size"] for m in media_files.values()),
        },
    }
    run.location = store.publish(partial, name, manifest)  # the manifest goes in last
    return manifest


def backup_run(*, trigger: str = BackupRun.Trigger.SCHEDULED, target: DatabaseTarget | None = None) -> BackupRun:
    """Back up the database and media now; prune by retention after a verified success.

    Returns the run, SUCCEEDED or FAILED (a failure alerts technical services). Raises
    `BackupInProgress` when another backup or drill holds the store. Call it outside a
    transaction: pg_dump sees committed rows only.
    """
    target = target or DatabaseTarget.live()
    staging_root = store_dir()
    with _store_lock(staging_root):
        run = BackupRun.objects.create(trigger=trigger)
        store: BackupStore | None = None
        try:
            store = get_store()
            _clean_up_interrupted(store, staging_root, current=run.pk)
            manifest = _write_backup(run, store, staging_root, target)
            with store.fetch(_folder_name(run)) as folder:
                verify_backup(folder)  # reported good only if what the store holds matches
        except Exception as exc:
            logger.exception("Backup %s failed", run.pk)
            shutil.rmtree(staging_root / f".partial-{_folder_name(run)}", ignore_errors=True)
            if store is not None:  # whatever reached the store, manifest or not
                with contextlib.suppress(Exception):
                    store.delete(_folder_name(run))
            run.status = BackupRun.Status.FAILED
            run.location = ""
            run.error = f"{type(exc).__name__}: {exc}"[:5000]
            run.finished_at = timezone.now()
            run.save(update_fields=["status", "location", "error", "finished_at"])
            _alert(
                verb="office.backup.failed",
                title=_("Backup failed"),
                body=_("The backup started at %(time)s failed: %(error)s")
                % {"time": timezone.localtime(run.started_at).strftime("%Y-%m-%d %H:%M"), "error": run.error},
            )
            return run
        run.status = BackupRun.Status.SUCCEEDED
        run.size_bytes = manifest["size"]
        run.manifest = manifest
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "location", "size_bytes", "manifest", "finished_at"])
        backup_prune(store=store)
    return run


# --- retention ------------------------------------------------------------------------------------------


def retention_keep(runs: list[BackupRun], *, daily: int, weekly: int, monthly: int) -> set[int]:
    """Ids to keep: the newest good backup of each of the last `daily` days, `weekly` ISO weeks
    and `monthly` months that have one (local time), and always the newest good backup."""
    good = sorted((r for r in runs if r.status == BackupRun.Status.SUCCEEDED), key=lambda r: r.started_at, reverse=True)
    keep = {good[0].pk} if good else set()
    buckets = (
        (daily, lambda d: d.date()),
        (weekly, lambda d: tuple(d.isocalendar())[:2]),
        (monthly, lambda d: (d.year, d.month)),
    )
    for count, bucket_of in buckets:
        seen: set[Any] = set()
        for run in good:
            bucket = bucket_of(timezone.localtime(run.started_at))
            if bucket in seen:
                continue
            if len(seen) >= count:
                break
            seen.add(bucket)
            keep.add(run.pk)
    return keep


def backup_prune(*, store: BackupStore | None = None) -> list[int]:
    """Delete the backups that retention no longer keeps from the store; rows become PRUNED.

    Deletes only inside the configured store (or the local BACKUP_DIR, for backups made before
    a switch to S3); a row pointing anywhere else is marked pruned and its files left alone."""
    stores = [store or get_store()]
    if stores[0].kind != "local":
        stores.append(LocalStore(Path(settings.BACKUP_DIR)))
    runs = list(BackupRun.objects.filter(status=BackupRun.Status.SUCCEEDED))
    keep = retention_keep(
        runs,
        daily=settings.BACKUP_KEEP_DAILY,
        weekly=settings.BACKUP_KEEP_WEEKLY,
        monthly=settings.BACKUP_KEEP_MONTHLY,
    )
    pruned = []
    for run in runs:
        if run.pk in keep:
            continue
        for candidate in stores:
            name = candidate.name_of(run.location) if run.location else None
            if name is None:
                continue
            try:
                candidate.delete(name)
            except Exception:
                logger.exception("Could not prune backup %s from %s; trying again next time", run.pk, run.location)
                break
        else:
            run.status = BackupRun.Status.PRUNED
            run.pruned_at = timezone.now()
            run.save(update_fields=["status", "pruned_at"])
            pruned.append(run.pk)
    return pruned


def backup_check_overdue() -> bool:
    """Alert technical services (at most once a day) when no good backup is recent enough."""
    last = BackupRun.objects.filter(status=BackupRun.Status.SUCCEEDED).order_by("-finished_at").first()
    limit = timedelta(hours=settings.BACKUP_MAX_AGE_HOURS)
    if last is not None and last.finished_at and timezone.now() - last.finished_at <= limit:
        return False
    if Notification.objects.filter(
        verb="office.backup.overdue", created_at__gte=timezone.now() - timedelta(hours=24)
    ).exists():
        return True
    when = timezone.localtime(last.finished_at).strftime("%Y-%m-%d %H:%M") if last and last.finished_at else None
    _alert(
        verb="office.backup.overdue",
        title=_("Backup overdue"),
        body=(_("The last good backup finished at %(time)s.") % {"time": when}) if when else _("No good backup yet."),
    )
    return True


# --- restore drill and restore ------------------------------------------------------------------------


def _check_restored(
    manifest: dict[str, Any], restored: dict[str, Any], details: dict[str, Any], failures: list[str]
) -> None:
    mismatches = compare_tables(manifest["tables"], restored["tables"])
    details["tables_checked"] = len(manifest["tables"])
    details["rows_checked"] = sum(t["rows"] for t in manifest["tables"].values())
    details["table_mismatches"] = mismatches
    if mismatches:
        failures.append(_("%(count)s tables differ from the manifest") % {"count": len(mismatches)})
    if restored["migrations"] != manifest["migrations"]:
        failures.append(_("the restored migration state differs from the manifest"))
    pending = pending_migrations(restored["migrations"])
    details["pending_migrations"] = pending
    # Same code version: nothing may be pending. An older backup only needs `migrate`.
    if pending and manifest.get("app_version") == settings.APP_VERSION:
        failures.append(_("%(count)s migrations are not applied") % {"count": len(pending)})


def _scratch_target(live: DatabaseTarget, vendor: str, workdir: Path) -> DatabaseTarget:
    if vendor == "sqlite":
        return DatabaseTarget(vendor="sqlite", name=str(workdir / "scratch.sqlite3"))
    suffix = f"_drill_{secrets.token_hex(4)}"
    scratch = replace(live, name=live.name[: 63 - len(suffix)] + suffix)
    if scratch.same_database_as(live):  # pragma: no cover - the suffix makes it impossible
        raise LiveDatabaseRefused("The scratch database would be the live one.")
    return scratch


def backup_drill(*, backup_id: int | None = None) -> BackupDrill:
    """Restore a backup (default: the newest good one) into a scratch database, compare it with
    its manifest and record PASSED or FAILED; a failure alerts technical services. Never writes
    to the live database except the drill's own row."""
    # The lock keeps retention from pruning the folder while it is being restored.
    with _store_lock(store_dir()):
        return _drill(backup_id=backup_id)


def _drill(*, backup_id: int | None) -> BackupDrill:
    runs = BackupRun.objects.filter(status=BackupRun.Status.SUCCEEDED)
    backup = runs.filter(pk=backup_id).first() if backup_id else runs.order_by("-started_at").first()
    drill = BackupDrill.objects.create(backup=backup)
    details: dict[str, Any] = {}
    failures: list[str] = []
    try:
        if backup is None:
            raise BackupError(_("There is no good backup to restore."))
        live = DatabaseTarget.live()
        details["location"] = backup.location
        store, name = locate(backup.location)
        details["store"] = store.kind
        # From S3 the files are downloaded first: every checksum below is of the bytes fetched.
        with store.fetch(name) as folder:
            manifest = verify_backup(folder)
            details["files_verified"] = sorted(manifest["files"])
            vendor = manifest["database"]["vendor"]
            with tempfile.TemporaryDirectory(prefix="intranet-drill-") as workdir:
                scratch = _scratch_target(live, vendor, Path(workdir))
                details["scratch"] = scratch.describe()
                try:
                    restore_database(folder / manifest["database"]["file"], scratch, vendor=vendor)
                    _check_restored(manifest, describe_database(scratch), details, failures)
                    if details["pending_migrations"]:
                        details["smoke_test"] = {"skipped": _("the backup is older than the code's migrations")}
                    else:
                        details["smoke_test"] = smoke_test(scratch, manifest, failures)
                finally:
                    if vendor == "postgresql":
                        _pg_drop_database(scratch)
            media_problems = check_media_archive(folder, manifest)
            details["media_files_checked"] = manifest["media"]["count"]
            if media_problems:
                details["media_mismatches"] = media_problems
                failures.append(_("%(count)s media files differ from the manifest") % {"count": len(media_problems)})
    except Exception as exc:
        logger.exception("Restore drill %s failed", drill.pk)
        failures.append(f"{type(exc).__name__}: {exc}"[:5000])
    drill.status = BackupDrill.Status.FAILED if failures else BackupDrill.Status.PASSED
    drill.error = "\n".join(failures)
    drill.details = details
    drill.finished_at = timezone.now()
    drill.save(update_fields=["status", "error", "details", "finished_at"])
    if failures:
        _alert(verb="office.backup.drill_failed", title=_("Restore drill failed"), body=drill.error)
    return drill


# The application's own reads on the restored copy: (app, model) whose count and newest row
# (with the rows it points to, select_related) are loaded through the ORM.
SMOKE_MODELS = (
    ("office", "Organization"),
    ("auth", "User"),
    ("payments", "Payment"),
    ("procurement", "PurchaseOrder"),
    ("services", "ServiceOrder"),
    ("cataloging", "BibRecord"),
)


@contextlib.contextmanager
def scratch_alias(target: DatabaseTarget) -> Iterator[str]:
    """A temporary Django database alias for `target`, so the ORM can query it."""
    from django.db.utils import ConnectionHandler, load_backend

    alias = f"backup_scratch_{secrets.token_hex(4)}"
    if target.vendor == "sqlite":
        config: dict[str, Any] = {"ENGINE": "django.db.backends.sqlite3", "NAME": target.name}
    else:
        live = connections["default"].settings_dict
        config = {
            "ENGINE": live["ENGINE"] if "postgresql" in live["ENGINE"] else "django.db.backends.postgresql",
            "NAME": target.name,
            "USER": target.user,
            "PASSWORD": target.password,
            "HOST": target.host,
            "PORT": target.port,
        }
    # configure_settings fills in every default key Django expects of an alias. The wrapper is
    # registered for this thread only and never in settings.DATABASES: nothing else can use it.
    config = ConnectionHandler().configure_settings({"default": config})["default"]
    wrapper = load_backend(config["ENGINE"]).DatabaseWrapper(config, alias)
    connections[alias] = wrapper
    try:
        yield alias
    finally:
        wrapper.close()
        del connections[alias]


def smoke_test(target: DatabaseTarget, manifest: dict[str, Any], failures: list[str]) -> dict[str, Any]:
    """Query the restored database as the application does; a count that differs from the
    manifest or a row the ORM cannot load is a failure."""
    from django.apps import apps

    results: dict[str, Any] = {}
    with scratch_alias(target) as alias:
        for app_label, model_name in SMOKE_MODELS:
            try:
                model = apps.get_model(app_label, model_name)
            except LookupError:
                continue
            label = f"{app_label}.{model_name}"
            table = model._meta.db_table
            if table not in manifest["tables"]:
                continue
            try:
                rows = model._base_manager.using(alias)
                count = rows.count()
                newest = rows.select_related().order_by("-pk").first()
            except Exception as exc:  # noqa: BLE001 - recorded as a failure of the drill
                results[label] = {"error": f"{type(exc).__name__}: {exc}"[:500]}
                failures.append(_("the application cannot read %(model)s: %(error)s") % {"model": label, "error": exc})
                continue
            expected = manifest["tables"][table]["rows"]
            results[label] = {"count": count, "newest_pk": newest.pk if newest is not None else None}
            if count != expected or (expected and newest is None):
                failures.append(
                    _("the application counts %(count)s %(model)s rows, the manifest %(expected)s")
                    % {"count": count, "model": label, "expected": expected}
                )
    return results


def find_backup(reference: str) -> tuple[BackupStore, str]:
    """A backup by id (BackupRun pk), name in the configured store, s3:// location or folder path."""
    if reference.isdigit():
        run = BackupRun.objects.filter(pk=int(reference)).exclude(location="").first()
        if run is None:
            raise BackupError(_("No backup with id %(id)s.") % {"id": reference})
        return locate(run.location)
    if reference.startswith("s3://"):
        return locate(reference)
    path = Path(reference)
    if path.is_absolute() or path.exists():
        return LocalStore(path.parent), path.name
    return get_store(), reference


def check_restore_target(*, target: DatabaseTarget, allow_live: bool, media_root: Path | None) -> None:
    """Refuse the live database (and the live MEDIA_ROOT) unless `allow_live`."""
    live = DatabaseTarget.live()
    if target.same_database_as(live) and not allow_live:
        raise LiveDatabaseRefused(
            _("%(target)s is the live database; pass --i-understand-this-replaces-live-data to restore into it.")
            % {"target": target.describe()}
        )
    if media_root is not None and media_root.resolve() == Path(settings.MEDIA_ROOT).resolve() and not allow_live:
        raise LiveDatabaseRefused(_("That is the live MEDIA_ROOT; confirm with the flag to restore into it."))


def backup_restore(
    *, folder: Path, target: DatabaseTarget, allow_live: bool = False, media_root: Path | None = None
) -> dict[str, Any]:
    """Restore a verified backup (a local folder: see BackupStore.fetch) into `target` and
    check every table against the manifest.

    Refuses the live database (and the live MEDIA_ROOT) unless `allow_live`.
    """
    check_restore_target(target=target, allow_live=allow_live, media_root=media_root)
    manifest = verify_backup(folder)
    vendor = manifest["database"]["vendor"]
    restore_database(folder / manifest["database"]["file"], target, vendor=vendor)
    details: dict[str, Any] = {}
    failures: list[str] = []
    _check_restored(manifest, describe_database(target), details, failures)
    if media_root is not None:
        details["media_restored"] = restore_media(folder, media_root)
    details["failures"] = failures
    return details


def backup_file_for_download(
    *, backup_id: int, name: str, actor: Any, ip_address: str | None = None
) -> tuple[str, IO[bytes]]:
    """One file of a good backup, opened for reading, and the name to save it as; for
    technical services only; audited.

    Refuses (PermissionDenied) anyone else; 404 for an unknown backup or file name, or a
    backup outside the configured store (or the local BACKUP_DIR).
    """
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from office import audit, permissions

    if not permissions.can_download_backup(actor):
        raise PermissionDenied
    backup = BackupRun.objects.filter(pk=backup_id, status=BackupRun.Status.SUCCEEDED).first()
    if backup is None or "/" in name or (name != MANIFEST and name not in backup.manifest.get("files", {})):
        raise Http404
    for store in (get_store(), LocalStore(Path(settings.BACKUP_DIR))):
        folder = store.name_of(backup.location)
        if folder is None:
            continue
        try:
            handle = store.open_file(folder, name)
        except FileNotFoundError:
            raise Http404 from None
        audit.record(
            actor=actor, target=backup, verb="office.backup.downloaded", data={"file": name}, ip_address=ip_address
        )
        return f"{folder}-{name}", handle
    raise Http404
