"""Backups, restore drills and restores (issue 8; RELIABILITY.md D1-D3, F3).

These use `transactional_db`: pg_dump and the SQLite online-backup API read through their own
connections and see committed rows only. They run against whatever database the suite uses:
PostgreSQL in CI (`DATABASE_URL=postgres://.../intranet_backups`), else the embedded SQLite
default (pytest-django's shared-cache in-memory database, which the backup code opens by URI).
`test_sqlite_file_database_*` cover the SQLite path on a real file database directly.
"""

from __future__ import annotations

import json
import sqlite3
import stat
import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from office.backups.databases import (
    DatabaseTarget,
    _pg_drop_database,
    describe_database,
    dump_database,
    restore_database,
)
from office.backups.drill import backup_drill, smoke_test
from office.backups.errors import BackupError, BackupInProgress, LiveDatabaseRefused
from office.backups.files import sha256_file, store_dir
from office.backups.locks import PG_LOCK_KEY, _store_lock
from office.backups.restore import backup_restore
from office.backups.retention import backup_check_overdue, backup_prune, retention_keep
from office.backups.run import backup_run
from office.models import BackupDrill, BackupRun, Notification, Organization
from tests.factories import People

pytestmark = pytest.mark.django_db(transaction=True)

postgres_only = pytest.mark.skipif(
    "postgresql" not in connection.settings_dict["ENGINE"], reason="needs PostgreSQL (CI runs on it)"
)


@pytest.fixture
def store(settings: Any, tmp_path: Path) -> Path:
    settings.BACKUP_DIR = tmp_path / "store"
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "uploads").mkdir(parents=True)
    (tmp_path / "media" / "uploads" / "scan.pdf").write_bytes(b"%PDF-1.4 demo\n")
    return tmp_path / "store"


def _seed() -> list[Organization]:
    return [
        Organization.objects.create(code=f"office-{i}", name=f"Office {i}", name_zh=f"办公室 {i}", city="Beijing")
        for i in range(5)
    ]


def _live_tables() -> dict[str, Any]:
    return describe_database(DatabaseTarget.live())["tables"]


def _restore_target(tmp_path: Path) -> DatabaseTarget:
    live = DatabaseTarget.live()
    if live.vendor == "sqlite":
        return DatabaseTarget(vendor="sqlite", name=str(tmp_path / "restored.sqlite3"))
    return DatabaseTarget(**{**live.__dict__, "name": f"{live.name}_restored"[:63]})


def _drop(target: DatabaseTarget) -> None:
    if target.vendor == "postgresql":
        _pg_drop_database(target)


# --- backup -> change -> drill -> restore -------------------------------------------------------


def test_backup_drill_and_restore_round_trip(store: Path, tmp_path: Path) -> None:
    offices = _seed()
    run = backup_run()

    assert run.status == BackupRun.Status.SUCCEEDED, run.error
    folder = Path(run.location)
    assert folder.parent == store
    assert sorted(p.name for p in folder.iterdir()) == sorted([*run.manifest["files"], "manifest.json"])
    for path in [folder, *folder.iterdir()]:
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path  # D3: nobody else may read
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest == run.manifest
    assert manifest["tables"]["office_organization"]["rows"] == len(offices)
    assert manifest["media"]["files"]["uploads/scan.pdf"]["size"] == len(b"%PDF-1.4 demo\n")
    assert "office.0002_backups_drills_equipment" in manifest["migrations"]
    assert manifest["app_version"]

    # The live data moves on: one office deleted, one renamed, one added.
    deleted_pk = offices[0].pk
    offices[0].delete()
    Organization.objects.filter(pk=offices[1].pk).update(name="Renamed")
    Organization.objects.create(code="new-office", name="New")
    assert _live_tables()["office_organization"] != manifest["tables"]["office_organization"]

    drill = backup_drill()
    assert drill.status == BackupDrill.Status.PASSED, drill.error
    assert drill.backup == run
    assert drill.details["table_mismatches"] == []
    assert drill.details["rows_checked"] == sum(t["rows"] for t in manifest["tables"].values())
    # The application's own reads through the ORM on the restored copy: the backup's rows.
    assert drill.details["smoke_test"]["office.Organization"] == {"count": len(offices), "newest_pk": offices[-1].pk}
    assert drill.details["smoke_test"]["auth.User"]["count"] == manifest["tables"]["auth_user"]["rows"]
    assert Organization.objects.filter(pk=deleted_pk).count() == 0  # the drill never touched live data

    target = _restore_target(tmp_path)
    try:
        details = backup_restore(folder=folder, target=target, media_root=tmp_path / "restored-media")
        assert details["failures"] == []
        restored = describe_database(target)
        assert restored["tables"] == manifest["tables"]  # every row, identical checksums
        conn = target.connect()
        try:
            cur = conn.cursor()
            cur.execute(f"SELECT name FROM office_organization WHERE id = {int(deleted_pk)}")
            assert cur.fetchone() == ("Office 0",)  # the deleted row is back
            cur.execute(f"SELECT name FROM office_organization WHERE id = {int(offices[1].pk)}")
            assert cur.fetchone() == ("Office 1",)
        finally:
            conn.close()
        assert (tmp_path / "restored-media" / "uploads" / "scan.pdf").read_bytes() == b"%PDF-1.4 demo\n"

        # The smoke test fails when what the application reads is not what the manifest says.
        failures: list[str] = []
        wrong = {**manifest, "tables": {**manifest["tables"], "office_organization": {"rows": 99, "sha256": "0"}}}
        result = smoke_test(target, wrong, failures)
        assert result["office.Organization"]["count"] == len(offices)
        assert failures == [f"the application counts {len(offices)} office.Organization rows, the manifest 99"]
    finally:
        _drop(target)


@pytest.mark.parametrize("damage", ["flip", "truncate", "delete_media", "no_manifest"])
def test_corrupted_backup_fails_the_drill_loudly(store: Path, damage: str) -> None:
    _seed()
    run = backup_run()
    folder = Path(run.location)
    dump = folder / run.manifest["database"]["file"]
    if damage == "flip":
        data = bytearray(dump.read_bytes())
        data[len(data) // 2] ^= 0xFF
        dump.write_bytes(bytes(data))
    elif damage == "truncate":
        dump.write_bytes(dump.read_bytes()[: dump.stat().st_size // 2])
    elif damage == "delete_media":
        (folder / "media.tar.gz").unlink()
    else:
        (folder / "manifest.json").unlink()

    drill = backup_drill()

    assert drill.status == BackupDrill.Status.FAILED
    assert "BackupCorrupted" in drill.error
    with pytest.raises(CommandError, match="FAILED"):
        call_command("backup_drill")


def test_damaged_dump_with_a_matching_manifest_still_fails_the_restore(store: Path) -> None:
    """Checksums can only prove the file is what was written; the restore itself must fail too."""
    _seed()
    run = backup_run()
    folder = Path(run.location)
    dump = folder / run.manifest["database"]["file"]
    dump.write_bytes(dump.read_bytes()[:2048])
    manifest = run.manifest
    manifest["files"][dump.name] = {"size": dump.stat().st_size, "sha256": sha256_file(dump)}
    (folder / "manifest.json").write_text(json.dumps(manifest))

    drill = backup_drill()

    assert drill.status == BackupDrill.Status.FAILED
    assert drill.error


def test_drill_without_any_backup_fails() -> None:
    drill = backup_drill()
    assert drill.status == BackupDrill.Status.FAILED
    assert "no good backup" in drill.error


# --- crash safety, locking, failures --------------------------------------------------------------


def test_killed_backup_leaves_nothing_that_looks_good(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class Killed(BaseException):  # like SIGKILL: no `except Exception` runs
        pass

    def killed(*_args: Any, **_kwargs: Any) -> None:
        raise Killed

    monkeypatch.setattr("office.backups.run._write_media_tar", killed)
    with pytest.raises(Killed):
        backup_run()
    interrupted = BackupRun.objects.get()
    assert interrupted.status == BackupRun.Status.RUNNING
    assert [p.name for p in store.iterdir() if (p / "manifest.json").exists()] == []

    monkeypatch.undo()
    good = backup_run()

    interrupted.refresh_from_db()
    assert interrupted.status == BackupRun.Status.FAILED
    assert "Interrupted" in interrupted.error
    assert not list(store.glob(".partial-*"))
    assert good.status == BackupRun.Status.SUCCEEDED


def test_two_backups_never_run_at_once(store: Path) -> None:
    with _store_lock(store_dir()):
        with pytest.raises(BackupInProgress):
            backup_run()
        with pytest.raises(BackupInProgress):
            backup_drill()
    assert not BackupRun.objects.exists()


@postgres_only
def test_backups_on_other_machines_are_excluded_by_the_database_lock(store: Path) -> None:
    """Workers sharing one S3 bucket have different local folders: PostgreSQL's lock decides."""
    other = DatabaseTarget.live().connect()
    try:
        other.autocommit = True
        with other.cursor() as cur:
            cur.execute("SELECT pg_advisory_lock(%s)", [PG_LOCK_KEY])
        with pytest.raises(BackupInProgress):
            backup_run()
    finally:
        other.close()
    assert not BackupRun.objects.exists()
    assert backup_run().status == BackupRun.Status.SUCCEEDED


@pytest.fixture
def people(db: Any) -> People:
    """Home-office technical services (who hear of backups) and staff of other units (who do not)."""
    people = People()
    people.build("head_techsvc", "staff_techsvc", "director", "head_infodev", "staff_infodev", "staff_east")
    return people


@pytest.mark.django_db
def test_failed_backup_is_recorded_and_alerts_technical_services(
    store: Path, people: People, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise BackupError("disk full")

    monkeypatch.setattr("office.backups.run.dump_database", broken)
    with django_capture_on_commit_callbacks(execute=True):
        run = backup_run()

    assert run.status == BackupRun.Status.FAILED
    assert "disk full" in run.error
    assert not [p for p in store.iterdir() if p.is_dir()]
    alerted = set(
        Notification.objects.filter(verb="office.backup.failed").values_list("recipient__username", flat=True)
    )
    assert alerted == {"head_techsvc", "staff_techsvc"}
    assert {m.to[0] for m in mail.outbox if "Backup failed" in m.subject} == {
        people.head_techsvc.email,
        people.staff_techsvc.email,
    }
    with pytest.raises(CommandError, match="disk full"):
        call_command("backup")


@pytest.mark.django_db
def test_overdue_backup_alerts_once_a_day(store: Path, people: People) -> None:
    assert backup_check_overdue() is True
    assert backup_check_overdue() is True
    assert Notification.objects.filter(verb="office.backup.overdue").count() == 2  # two recipients, once

    BackupRun.objects.create(status=BackupRun.Status.SUCCEEDED, finished_at=timezone.now())
    assert backup_check_overdue() is False


def test_backup_command_prints_where_it_went(store: Path) -> None:
    from io import StringIO

    out = StringIO()
    call_command("backup", stdout=out)
    run = BackupRun.objects.get()
    assert run.trigger == BackupRun.Trigger.MANUAL
    assert run.location in out.getvalue()


# --- retention -----------------------------------------------------------------------------------------


def _run_at(pk: int, when: Any, status: str = BackupRun.Status.SUCCEEDED) -> BackupRun:
    return BackupRun(pk=pk, started_at=when, status=status)


def test_retention_keeps_newest_per_day_week_and_month() -> None:
    now = timezone.make_aware(datetime(2026, 3, 31, 3, 0))
    runs = [_run_at(i, now - timedelta(days=i)) for i in range(0, 120)]
    runs.append(_run_at(500, now - timedelta(hours=1)))  # a second backup today, older than run 0
    runs.append(_run_at(501, now + timedelta(hours=1), status=BackupRun.Status.FAILED))

    keep = retention_keep(runs, daily=3, weekly=2, monthly=3)

    # Daily: 31, 30, 29 Mar. Weekly: newest of this ISO week (31 Mar) and the week before (29 Mar,
    # a Sunday). Monthly: newest of March, February (28th), January (31st).
    expected_days = {0, 1, 2, 31, 59}
    assert keep == expected_days
    assert 500 not in keep and 501 not in keep


def test_retention_never_prunes_the_newest_good_backup() -> None:
    now = timezone.now()
    runs = [_run_at(1, now - timedelta(days=3)), _run_at(2, now, status=BackupRun.Status.FAILED)]
    assert retention_keep(runs, daily=0, weekly=0, monthly=0) == {1}


def test_prune_deletes_only_what_retention_drops(store: Path, settings: Any) -> None:
    settings.BACKUP_KEEP_DAILY, settings.BACKUP_KEEP_WEEKLY, settings.BACKUP_KEEP_MONTHLY = 2, 0, 0
    store_dir()
    now = timezone.now()
    runs = []
    for days in (0, 1, 2, 3):
        folder = store / f"run-{days}"
        folder.mkdir()
        (folder / "manifest.json").write_text("{}")
        runs.append(
            BackupRun.objects.create(
                started_at=now - timedelta(days=days), status=BackupRun.Status.SUCCEEDED, location=str(folder)
            )
        )
    outside = store.parent / "not-ours"
    outside.mkdir()
    stray = BackupRun.objects.create(
        started_at=now - timedelta(days=9), status=BackupRun.Status.SUCCEEDED, location=str(outside)
    )

    pruned = backup_prune()

    assert set(pruned) == {runs[2].pk, runs[3].pk, stray.pk}
    assert [p.name for p in sorted(store.iterdir()) if p.is_dir()] == ["run-0", "run-1"]
    assert outside.exists()  # never deletes anything outside the store
    assert BackupRun.objects.get(pk=runs[3].pk).status == BackupRun.Status.PRUNED


def test_a_failed_backup_prunes_nothing(store: Path, monkeypatch: pytest.MonkeyPatch, settings: Any) -> None:
    settings.BACKUP_KEEP_DAILY, settings.BACKUP_KEEP_WEEKLY, settings.BACKUP_KEEP_MONTHLY = 1, 0, 0
    first = backup_run()
    monkeypatch.setattr(
        "office.backups.run.dump_database", lambda *a, **k: (_ for _ in ()).throw(OSError("No space left"))
    )
    assert backup_run().status == BackupRun.Status.FAILED
    first.refresh_from_db()
    assert first.status == BackupRun.Status.SUCCEEDED
    assert Path(first.location, "manifest.json").exists()


# --- restore command ---------------------------------------------------------------------------------------


def test_restore_refuses_the_live_database_without_the_flag(store: Path) -> None:
    run = backup_run()
    with pytest.raises(LiveDatabaseRefused):
        backup_restore(folder=Path(run.location), target=DatabaseTarget.live())


@postgres_only
def test_restore_command_refuses_live_database_and_restores_elsewhere(store: Path, tmp_path: Path) -> None:
    from io import StringIO

    _seed()
    run = backup_run()
    live = DatabaseTarget.live()
    live_url = f"postgres://{live.user}@{live.host or 'localhost'}:{live.port or 5432}/{live.name}"
    with pytest.raises(CommandError, match="live database"):
        call_command("restore_backup", str(run.pk), "--database-url", live_url)

    target = _restore_target(tmp_path)
    out = StringIO()
    try:
        call_command(
            "restore_backup",
            Path(run.location).name,
            "--database-url",
            f"postgres://{live.user}@{live.host or 'localhost'}:{live.port or 5432}/{target.name}",
            stdout=out,
        )
        assert "every table matches" in out.getvalue()
        assert describe_database(target)["tables"] == run.manifest["tables"]
    finally:
        _drop(target)


@postgres_only
def test_pg_dump_gets_no_password_on_its_command_line(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[list[str], dict[str, str]]] = []
    real_run = subprocess.run

    def spy(args: list[str], **kwargs: Any) -> Any:
        calls.append((list(args), dict(kwargs.get("env") or {})))
        return real_run(args, **kwargs)

    monkeypatch.setattr("office.backups.databases.subprocess.run", spy)
    live = DatabaseTarget.live()
    run = backup_run(target=DatabaseTarget(**{**live.__dict__, "password": "s3cret-pw"}))

    assert run.status == BackupRun.Status.SUCCEEDED, run.error
    dumps = [(args, env) for args, env in calls if Path(args[0]).name == "pg_dump" and "--version" not in args]
    assert dumps and all("s3cret-pw" not in " ".join(args) for args, _env in calls)
    assert dumps[0][1]["PGPASSWORD"] == "s3cret-pw"
    assert "s3cret-pw" not in json.dumps(run.manifest)


@postgres_only
def test_older_pg_dump_than_the_server_is_refused(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("office.backups.databases._client_major", lambda program: 9)
    run = backup_run()
    assert run.status == BackupRun.Status.FAILED
    assert "older than the PostgreSQL" in run.error


# --- the embedded default on a real SQLite file ------------------------------------------------------------


def _sqlite_file(path: Path) -> DatabaseTarget:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")  # as settings.py configures the embedded default
    conn.executescript(
        """
        CREATE TABLE django_migrations (id INTEGER PRIMARY KEY, app TEXT, name TEXT, applied TEXT);
        CREATE TABLE books (id INTEGER PRIMARY KEY, title TEXT, cover BLOB, price REAL);
        """
    )
    conn.executemany(
        "INSERT INTO books (title, cover, price) VALUES (?, ?, ?)",
        [("红楼梦", b"\x00\x01", 12.5), ("Moby Dick", None, 3.0), ("Ulysses", b"\xff", None)],
    )
    conn.commit()
    conn.close()
    return DatabaseTarget(vendor="sqlite", name=str(path))


def test_sqlite_file_database_backup_restore_round_trip(tmp_path: Path) -> None:
    live = _sqlite_file(tmp_path / "live.sqlite3")
    folder = tmp_path / "backup"
    folder.mkdir()
    described = dump_database(live, folder)
    assert described["tables"]["books"]["rows"] == 3

    writer = sqlite3.connect(live.name)
    writer.execute("DELETE FROM books WHERE title = 'Moby Dick'")
    writer.execute("UPDATE books SET price = 99 WHERE title = 'Ulysses'")
    writer.commit()
    writer.close()
    assert describe_database(live)["tables"]["books"] != described["tables"]["books"]

    target = DatabaseTarget(vendor="sqlite", name=str(tmp_path / "restored.sqlite3"))
    restore_database(folder / "db.sqlite3", target, vendor="sqlite")

    assert describe_database(target)["tables"] == described["tables"]
    assert not Path(f"{target.name}-wal").exists()


def test_sqlite_restore_of_a_damaged_file_fails(tmp_path: Path) -> None:
    live = _sqlite_file(tmp_path / "live.sqlite3")
    folder = tmp_path / "backup"
    folder.mkdir()
    dump_database(live, folder)
    dump = folder / "db.sqlite3"
    dump.write_bytes(b"not a database" + dump.read_bytes()[14:])
    with pytest.raises(sqlite3.DatabaseError):
        restore_database(dump, DatabaseTarget(vendor="sqlite", name=str(tmp_path / "r.sqlite3")), vendor="sqlite")


# --- schedule ------------------------------------------------------------------------------------------------


def test_nightly_backup_schedule_is_a_crontab_and_intervals_still_work() -> None:
    from django_celery_beat.models import PeriodicTask

    from office.schedules import ensure_periodic_tasks

    ensure_periodic_tasks()
    nightly = PeriodicTask.objects.get(name="nightly backup")
    assert nightly.task == "office.tasks.backup_run_task"
    assert (nightly.crontab.minute, nightly.crontab.hour) == ("30", "2")
    assert PeriodicTask.objects.get(name="backup restore drill").crontab is not None
    heartbeat = PeriodicTask.objects.get(name="worker heartbeat")
    assert heartbeat.interval.every == 60 and heartbeat.crontab is None

    nightly.crontab.hour = "3"
    nightly.crontab.save()
    ensure_periodic_tasks()  # staff edits survive
    assert PeriodicTask.objects.get(name="nightly backup").crontab.hour == "3"
