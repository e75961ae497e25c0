"""A backup folder on the local disk: its file names, SHA-256 of a file, crash-safe writes, and
the local working folder (BACKUP_DIR)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from django.conf import settings

MANIFEST = "manifest.json"
MEDIA_TAR = "media.tar.gz"
MANIFEST_FORMAT = 1
CHUNK = 1024 * 1024


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


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
