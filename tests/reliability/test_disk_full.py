"""The disk fills up while a backup or an upload is being written (RELIABILITY.md D2, issue 17).

ENOSPC is simulated where the bytes are written, as a full disk behaves: the write that does
not fit puts what fits and fails with `OSError(errno.ENOSPC)`, so a partial file is on disk
when the error arrives. What must hold:

- a backup: the run is FAILED with a message that says the disk is full, technical services
  are alerted, nothing of it is left in the store or the staging area (no partial file, no
  folder that could pass for a backup, no row pointing at one), the previous good backup is
  kept, and the next run works;
- an upload (a client's order attachment, a MARC file): a translated message on the form,
  no partial file under MEDIA_ROOT, no row pointing at a missing file, and the same upload
  works once there is room.
"""

from __future__ import annotations

import errno
import io
import json
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse

from office.backups.run import backup_run
from office.models import BackupRun, Notification
from office.selectors import health_last_backup

DISK_FULL = os.strerror(errno.ENOSPC)  # "No space left on device"


def disk_full() -> OSError:
    return OSError(errno.ENOSPC, DISK_FULL)


class Room:
    """How many more bytes fit on the simulated disk."""

    def __init__(self, free: int) -> None:
        self.free = free

    def write(self, data: Any, put: Callable[[Any], Any]) -> Any:
        """Put `data` through `put` if it fits; else put what fits and fail with ENOSPC."""
        size = len(data)
        if size <= self.free:
            self.free -= size
            return put(data)
        if self.free > 0:
            put(memoryview(data)[: self.free] if isinstance(data, bytes | bytearray) else data[: self.free])
            self.free = 0
        raise disk_full()


# --- backups ---------------------------------------------------------------------------------------


@pytest.fixture
def store(settings: Any, tmp_path: Path) -> Path:
    settings.BACKUP_DIR = tmp_path / "store"
    settings.MEDIA_ROOT = tmp_path / "media"
    uploads = tmp_path / "media" / "uploads"
    uploads.mkdir(parents=True)
    (uploads / "scan.pdf").write_bytes(b"%PDF-1.4\n" + os.urandom(256 * 1024))  # incompressible
    return tmp_path / "store"


def _assert_backup_failed_and_left_nothing(run: BackupRun, store: Path, *, good: BackupRun | None = None) -> None:
    run.refresh_from_db()
    assert run.status == BackupRun.Status.FAILED
    assert DISK_FULL in run.error, run.error
    assert run.location == "" and run.finished_at is not None
    kept = Path(good.location) if good is not None else None
    left = sorted(
        str(p.relative_to(store))
        for p in store.rglob("*")
        if p.name != ".lock" and not (kept is not None and (p == kept or kept in p.parents))
    )
    assert left == [], f"left in the store: {left}"
    if good is not None:  # the previous good backup stays, whole, and is still the last good one
        assert (kept / "manifest.json").exists()
        assert health_last_backup()["backup"] == good
    alert = Notification.objects.filter(verb="office.backup.failed").order_by("-pk").first()
    assert alert is not None and DISK_FULL in alert.body_text
    health = health_last_backup()
    assert health["failed"] == run and health["state"] == "red"


def _next_backup_works(store: Path) -> None:
    good = backup_run()
    assert good.status == BackupRun.Status.SUCCEEDED, good.error
    assert (Path(good.location) / "manifest.json").exists()
    assert not list(store.glob(".partial-*"))


@pytest.mark.django_db(transaction=True)
def test_backup_disk_full_in_the_media_archive(demo: Any, store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gzip

    good = backup_run()
    assert good.status == BackupRun.Status.SUCCEEDED, good.error
    room = Room(64 * 1024)  # the database dump fits; the media archive does not
    write = gzip.GzipFile.write
    monkeypatch.setattr(gzip.GzipFile, "write", lambda self, data: room.write(data, lambda d: write(self, d)))

    run = backup_run()

    _assert_backup_failed_and_left_nothing(run, store, good=good)
    monkeypatch.undo()
    _next_backup_works(store)


@pytest.mark.django_db(transaction=True)
def test_backup_disk_full_writing_the_manifest_last(demo: Any, store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The data files are already in the store (renamed into place) when the manifest, written
    last through a temporary file, does not fit: the folder must go, not stay manifest-less."""
    from office.backups import files

    class FullJson:
        def __getattr__(self, name: str) -> Any:
            return getattr(json, name)

        @staticmethod
        def dump(data: Any, handle: Any, **kwargs: Any) -> None:
            text = json.dumps(data, **kwargs)
            handle.write(text[: len(text) // 2])
            handle.flush()
            raise disk_full()

    monkeypatch.setattr(files, "json", FullJson())

    run = backup_run()

    _assert_backup_failed_and_left_nothing(run, store)
    monkeypatch.undo()
    _next_backup_works(store)


@pytest.mark.django_db(transaction=True)
def test_backup_disk_full_in_pg_dump(demo: Any, store: Path, settings: Any, tmp_path: Path) -> None:
    """pg_dump writes the dump itself: a stand-in writes half of a real dump and fails the way
    pg_dump does on a full disk."""
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump needs PostgreSQL")
    from office.backups.databases import _pg_bin

    real = _pg_bin("pg_dump")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "pg_dump"
    shim.write_text(
        "#!/bin/sh\n"
        f'[ "$1" = "--version" ] && exec "{real}" --version\n'
        'for arg; do case "$arg" in --file=*) out="${arg#--file=}";; esac; done\n'
        'head -c 20000 /dev/urandom > "$out"\n'
        f'echo "pg_dump: error: could not write to output file: {DISK_FULL}" >&2\n'
        "exit 1\n"
    )
    shim.chmod(shim.stat().st_mode | stat.S_IXUSR)
    settings.BACKUP_PG_BIN_DIR = str(bin_dir)

    run = backup_run()

    _assert_backup_failed_and_left_nothing(run, store)
    assert "pg_dump failed" in run.error
    settings.BACKUP_PG_BIN_DIR = ""
    _next_backup_works(store)


# --- uploads ---------------------------------------------------------------------------------------


class _FullFile:
    """A file of the storage layer on a disk with `room` bytes left."""

    def __init__(self, handle: Any, room: Room) -> None:
        self._handle = handle
        self._room = room

    def write(self, data: Any) -> Any:
        return self._room.write(data, self._handle.write)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)

    def __enter__(self) -> _FullFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.close()


@pytest.fixture
def full_media_disk(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Room]:
    """FileSystemStorage (uploaded files) writes to a disk with 8 KiB left."""
    from django.core.files.storage import filesystem

    settings.MEDIA_ROOT = tmp_path / "media"
    room = Room(8 * 1024)

    class FullOs:
        def __getattr__(self, name: str) -> Any:
            return getattr(os, name)

        @staticmethod
        def fdopen(fd: int, *args: Any, **kwargs: Any) -> Any:
            return _FullFile(os.fdopen(fd, *args, **kwargs), room)

    monkeypatch.setattr(filesystem, "os", FullOs())
    yield room


def _media_files(settings: Any) -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _pdf(name: str = "requirements.pdf", size: int = 64 * 1024) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"%PDF-1.4\n" + os.urandom(size), content_type="application/pdf")


@pytest.mark.django_db
def test_order_attachment_on_a_full_disk_is_refused_with_a_message_and_leaves_nothing(
    demo: Any, settings: Any, full_media_disk: Room, monkeypatch: pytest.MonkeyPatch
) -> None:
    from services.models import Offering, OrderFile, ServiceOrder

    client = demo.client("client_a")
    url = reverse("services:order_create", args=[Offering.objects.get(code="novelty-search").code])
    form = {"topic": "Disk full", "keywords": "enospc", "delivery_channel": "download"}
    orders = ServiceOrder.objects.count()

    response = client.post(url, {**form, "attachments": [_pdf()]}, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 200  # the form again, with the reason
    assert "服务器磁盘已满" in response.content.decode(), response.content.decode()[-3000:]
    assert ServiceOrder.objects.count() == orders and not OrderFile.objects.filter(order__topic="Disk full")
    assert _media_files(settings) == []  # no partial file

    full_media_disk.free = 10**9  # room again
    response = client.post(url, {**form, "attachments": [_pdf()]})
    assert response.status_code == 302
    item = OrderFile.objects.get(order__topic="Disk full")
    assert _media_files(settings) == [item.file.name]
    assert Path(item.file.path).stat().st_size == item.size


@pytest.mark.django_db
def test_deliverable_on_a_full_disk_is_refused_with_a_message_and_leaves_nothing(
    demo: Any, settings: Any, full_media_disk: Room
) -> None:
    from services.models import OrderFile
    from tests.services.factories import order_in

    full_media_disk.free = 10**9
    order = order_in(demo, "in_progress")  # its demo steps may store files: room for them
    before = _media_files(settings)
    full_media_disk.free = 8 * 1024
    staff = demo.client("staff_infodev")
    url = reverse("services:order_file_upload", args=[order.pk])

    response = staff.post(url, {"kind": "deliverable", "file": _pdf("result.pdf")}, follow=True)

    assert "disk is full, so the file was not stored" in response.content.decode()
    assert not OrderFile.objects.filter(order=order, kind=OrderFile.Kind.DELIVERABLE).exists()
    assert _media_files(settings) == before


@pytest.mark.django_db
def test_marc_upload_on_a_full_disk_is_refused_with_a_message_and_leaves_nothing(
    demo: Any, settings: Any, full_media_disk: Room
) -> None:
    from cataloging.models import ImportJob
    from tests.reliability.test_import_takeover import marc_file

    staff = demo.client("staff_east")
    data = marc_file("FULL", 200)
    assert len(data) > full_media_disk.free
    upload = io.BytesIO(data)
    upload.name = "full.mrc"

    response = staff.post(reverse("cataloging:import_upload"), {"file": upload})

    assert response.status_code == 200
    assert "disk is full, so the file was not stored" in response.content.decode()
    assert not ImportJob.objects.filter(original_name="full.mrc").exists()
    assert _media_files(settings) == []
