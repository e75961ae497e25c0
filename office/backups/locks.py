"""One backup or drill at a time: an flock on BACKUP_DIR/.lock and, on PostgreSQL, a session
advisory lock; the kernel and the server release them when the process dies."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from office.backups.databases import DatabaseTarget
from office.backups.errors import BackupInProgress

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
