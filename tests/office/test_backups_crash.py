"""Backup rules under real failures (issue 8, RELIABILITY.md F3): a worker killed with SIGKILL
in the middle of pg_dump, and a backup store whose disk is full.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core import mail

from office.backups.databases import DatabaseTarget, _pg_bin
from office.backups.drill import backup_drill
from office.backups.errors import BackupInProgress
from office.backups.media import _write_media_tar
from office.backups.run import backup_run
from office.models import (
    BackupRun,
    Department,
    DepartmentFunction,
    Function,
    Notification,
    Organization,
    Position,
    StaffProfile,
)
from tests.office.test_backups import _seed, postgres_only

pytestmark = pytest.mark.django_db(transaction=True)


def _complete_backups(store: Path) -> list[str]:
    return [p.name for p in store.iterdir() if p.is_dir() and (p / "manifest.json").exists()]


def _backup_retrying_while_locked(timeout: float = 20) -> BackupRun:
    """The killed process's locks go with it; the database may take a moment to notice."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return backup_run()
        except BackupInProgress:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


# --- SIGKILL during the dump --------------------------------------------------------------------


@pytest.fixture
def slow_pg_dump(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """A pg_dump that answers --version like the real one, then announces itself and hangs."""
    real = _pg_bin("pg_dump")
    bindir = tmp_path / "slow-bin"
    bindir.mkdir()
    started = tmp_path / "pg_dump.pid"
    script = bindir / "pg_dump"
    script.write_text(
        f'#!/bin/sh\ncase "$*" in *--version*) exec "{real}" "$@";; esac\necho $$ > "{started}"\nexec sleep 600\n'
    )
    script.chmod(0o755)
    yield bindir, started
    if started.exists():  # the orphaned "pg_dump" outlives the killed worker: end it
        try:
            os.kill(int(started.read_text()), signal.SIGKILL)
        except (ProcessLookupError, ValueError):
            pass


@postgres_only
def test_worker_killed_mid_dump_leaves_nothing_complete_and_the_next_backup_succeeds(
    settings: Any, tmp_path: Path, slow_pg_dump: tuple[Path, Path]
) -> None:
    bindir, started = slow_pg_dump
    store = tmp_path / "store"
    settings.BACKUP_DIR = store
    settings.MEDIA_ROOT = tmp_path / "media"
    _seed()
    live = DatabaseTarget.live()
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{live.user}@{live.host or 'localhost'}:{live.port or 5432}/{live.name}",
        "BACKUP_STORE": "local",
        "BACKUP_DIR": str(store),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "BACKUP_PG_BIN_DIR": str(bindir),
    }
    if live.password:
        env["PGPASSWORD"] = live.password
    worker = subprocess.Popen(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", "backup"],
        cwd=django_settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while not started.exists():
            if worker.poll() is not None:
                pytest.fail(f"the backup ended before the dump: {worker.communicate()}")
            assert time.monotonic() < deadline, "pg_dump never started"
            time.sleep(0.1)
        worker.send_signal(signal.SIGKILL)  # no handler, no cleanup: like the OOM killer
        assert worker.wait(timeout=30) == -signal.SIGKILL
    finally:
        if worker.poll() is None:
            worker.kill()
        worker.communicate()

    interrupted = BackupRun.objects.get()
    assert interrupted.status == BackupRun.Status.RUNNING  # the worker never got to say anything
    assert list(store.glob(".partial-*"))  # it was killed mid-backup ...
    assert _complete_backups(store) == []  # ... and nothing looks complete
    assert backup_drill().error.startswith("BackupError")  # no good backup to drill

    good = _backup_retrying_while_locked()  # the dead worker's locks are gone

    assert good.status == BackupRun.Status.SUCCEEDED, good.error
    interrupted.refresh_from_db()
    assert interrupted.status == BackupRun.Status.FAILED and "Interrupted" in interrupted.error
    assert not list(store.glob(".partial-*"))
    assert _complete_backups(store) == [Path(good.location).name]
    assert backup_drill().status == "passed"


# --- disk full ------------------------------------------------------------------------------------------------


def _techsvc_staff() -> Any:
    home = Organization.objects.create(code="home", name="Home office", is_home=True)
    techsvc = Department.objects.create(organization=home, code="oncall-unit", name="Tech")
    DepartmentFunction.objects.create(department=techsvc, function=Function.TECHNICAL_SERVICES)
    position = Position.objects.create(code="techsvc-staff", name="Staff")
    user = get_user_model().objects.create_user("oncall", email="oncall@example.org", password="x" * 20)
    StaffProfile.objects.create(
        user=user, organization=home, department=techsvc, position=position, display_name="On call"
    )
    return user


@pytest.fixture
def full_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A backup store on an 8 MB tmpfs (as root, which CI is). Where the kernel refuses the
    mount, the store's writes fail with ENOSPC past 8 MB instead."""
    mountpoint = tmp_path / "small-disk"
    mountpoint.mkdir()
    try:
        mounted = (
            subprocess.run(  # noqa: S603 - fixed arguments
                ["mount", "-t", "tmpfs", "-o", "size=8m,mode=0700", "tmpfs", str(mountpoint)],  # noqa: S607
                capture_output=True,
                check=False,
            ).returncode
            == 0
        )
    except OSError:  # no mount(8) at all
        mounted = False
    if not mounted:
        real = _write_media_tar

        def enospc(media_root: Path, out: Path) -> Any:
            files = real(media_root, out)
            if out.stat().st_size > 8 * 1024 * 1024:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(out))
            return files

        monkeypatch.setattr("office.backups.run._write_media_tar", enospc)
    try:
        yield mountpoint
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(mountpoint)], check=False)  # noqa: S603, S607


def test_full_disk_fails_the_backup_with_a_clear_error_and_an_alert(
    settings: Any, tmp_path: Path, full_disk: Path
) -> None:
    oncall = _techsvc_staff()
    settings.BACKUP_DIR = full_disk / "backups"
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "big.bin").write_bytes(os.urandom(10 * 1024 * 1024))  # does not compress

    run = backup_run()

    assert run.status == BackupRun.Status.FAILED
    assert "No space left on device" in run.error
    assert run.location == ""
    store = Path(settings.BACKUP_DIR)
    assert [p.name for p in store.iterdir() if p.name != ".lock"] == []  # no partial file or folder
    alert = Notification.objects.get(verb="office.backup.failed", recipient=oncall)
    assert "No space left on device" in alert.body_text
    assert [m.to for m in mail.outbox if m.subject == "Backup failed"] == [["oncall@example.org"]]

    # Space freed: the next backup works and is the only complete one.
    (tmp_path / "media" / "big.bin").unlink()
    good = backup_run()
    assert good.status == BackupRun.Status.SUCCEEDED, good.error
    assert _complete_backups(store) == [Path(good.location).name]
