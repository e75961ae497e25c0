"""The restore drill: restore a backup into a scratch database, compare it with its manifest,
read it through the ORM (smoke test) and check the media archive.

Workflow: running -> passed | failed; a failure alerts technical services.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from django.db import connections
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from office.backups.alerts import _alert
from office.backups.databases import DatabaseTarget, _pg_drop_database, describe_database, restore_database
from office.backups.errors import BackupError, LiveDatabaseRefused
from office.backups.files import store_dir
from office.backups.integrity import _check_restored, verify_backup
from office.backups.locks import _store_lock
from office.backups.media import check_media_archive
from office.backups.stores import locate
from office.models import BackupDrill, BackupRun

logger = logging.getLogger(__name__)


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
        _check_backup(backup, details, failures)
    except Exception as exc:
        logger.exception("Restore drill %s failed", drill.pk)
        failures.append(f"{type(exc).__name__}: {exc}"[:5000])
    _record_result(drill, details, failures)
    return drill


def _check_backup(backup: BackupRun, details: dict[str, Any], failures: list[str]) -> None:
    live = DatabaseTarget.live()
    details["location"] = backup.location
    store, name = locate(backup.location)
    details["store"] = store.kind
    # From S3 the files are downloaded first: every checksum below is of the bytes fetched.
    with store.fetch(name) as folder:
        manifest = verify_backup(folder)
        details["files_verified"] = sorted(manifest["files"])
        _restore_into_scratch(folder, manifest, live, details, failures)
        _check_media(folder, manifest, details, failures)


def _restore_into_scratch(
    folder: Path, manifest: dict[str, Any], live: DatabaseTarget, details: dict[str, Any], failures: list[str]
) -> None:
    """Restore into a scratch database, compare it with the manifest and smoke-test it; the
    scratch database is dropped whatever happens."""
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


def _check_media(folder: Path, manifest: dict[str, Any], details: dict[str, Any], failures: list[str]) -> None:
    media_problems = check_media_archive(folder, manifest)
    details["media_files_checked"] = manifest["media"]["count"]
    if media_problems:
        details["media_mismatches"] = media_problems
        failures.append(_("%(count)s media files differ from the manifest") % {"count": len(media_problems)})


def _record_result(drill: BackupDrill, details: dict[str, Any], failures: list[str]) -> None:
    """PASSED or FAILED, with what was checked; a failure alerts technical services."""
    drill.status = BackupDrill.Status.FAILED if failures else BackupDrill.Status.PASSED
    drill.error = "\n".join(failures)
    drill.details = details
    drill.finished_at = timezone.now()
    drill.save(update_fields=["status", "error", "details", "finished_at"])
    if failures:
        _alert(
            verb="office.backup.drill_failed",
            title=gettext_noop("Restore drill failed"),
            body="%(error)s",
            params={"error": drill.error},
        )


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
