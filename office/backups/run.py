"""The backup run: clean up after dead runs, dump and archive into staging, publish to the store
(manifest last), read it back and verify it, then prune by retention.

Workflow: running -> succeeded | failed; succeeded -> pruned (retention).
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import time
from datetime import UTC
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from office.backups.alerts import _alert
from office.backups.databases import DatabaseTarget, dump_database
from office.backups.files import MANIFEST_FORMAT, MEDIA_TAR, sha256_file, store_dir
from office.backups.integrity import verify_backup
from office.backups.locks import _store_lock
from office.backups.media import _write_media_tar
from office.backups.retention import backup_prune
from office.backups.stores import BackupStore, get_store
from office.models import BackupDrill, BackupRun

logger = logging.getLogger(__name__)


def _folder_name(run: BackupRun) -> str:
    return f"{run.started_at.astimezone(UTC):%Y%m%dT%H%M%SZ}-{run.pk}"


def _clean_up_interrupted(store: BackupStore, staging_root: Path, *, current: int) -> None:
    """Called under the lock: any other RUNNING run, partial folder or manifest-less backup
    belongs to a dead process."""
    _fail_interrupted_runs(current=current)
    _remove_stale_staging(staging_root)
    removed = store.remove_incomplete()
    if removed:
        logger.warning("Removed incomplete backups from %s: %s", store.describe(), ", ".join(removed))
    _fail_interrupted_drills()


def _fail_interrupted_runs(*, current: int) -> None:
    for run in BackupRun.objects.filter(status=BackupRun.Status.RUNNING).exclude(pk=current):
        run.status = BackupRun.Status.FAILED
        run.finished_at = run.finished_at or timezone.now()
        run.error = run.error or _("Interrupted: the process running it stopped before it finished.")
        run.save(update_fields=["status", "finished_at", "error"])


def _remove_stale_staging(staging_root: Path) -> None:
    for path in staging_root.glob(".partial-*"):
        shutil.rmtree(path, ignore_errors=True)
    # Downloads from S3 left by a killed drill; a restore_backup running now (it takes no lock)
    # has a fresh one, so only day-old ones go.
    for path in staging_root.glob(".fetch-*"):
        with contextlib.suppress(OSError):
            if time.time() - path.stat().st_mtime > 86400:
                shutil.rmtree(path, ignore_errors=True)


def _fail_interrupted_drills() -> None:
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
    manifest = _manifest(run, store, files=files, database=database, media_files=media_files)
    run.location = store.publish(partial, name, manifest)  # the manifest goes in last
    return manifest


def _manifest(
    run: BackupRun,
    store: BackupStore,
    *,
    files: dict[str, dict[str, Any]],
    database: dict[str, Any],
    media_files: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    return {
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
            _record_failure(run, store, staging_root, exc)
            return run
        run.status = BackupRun.Status.SUCCEEDED
        run.size_bytes = manifest["size"]
        run.manifest = manifest
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "location", "size_bytes", "manifest", "finished_at"])
        backup_prune(store=store)
    return run


def _record_failure(run: BackupRun, store: BackupStore | None, staging_root: Path, exc: Exception) -> None:
    """Remove whatever the failed run left (staging and store), mark it FAILED and alert."""
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
        title=gettext_noop("Backup failed"),
        body=gettext_noop("The backup started at %(time)s failed: %(error)s"),
        params={"time": timezone.localtime(run.started_at).strftime("%Y-%m-%d %H:%M"), "error": run.error},
    )
