"""Getting a backup back out: finding it, restoring it into a database (never the live one
unless confirmed) and media folder, and downloading one of its files (technical services)."""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

from office.backups.databases import DatabaseTarget, describe_database, restore_database
from office.backups.errors import BackupError, LiveDatabaseRefused
from office.backups.files import MANIFEST
from office.backups.integrity import _check_restored, verify_backup
from office.backups.media import restore_media
from office.backups.stores import BackupStore, LocalStore, get_store, locate
from office.models import BackupRun


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
