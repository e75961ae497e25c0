"""The media archive (media.tar.gz): writing it with per-file checksums, checking it against
the manifest, extracting it."""

from __future__ import annotations

import hashlib
import os
import tarfile
from pathlib import Path
from typing import IO, Any

from office.backups.files import CHUNK, MEDIA_TAR


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
