"""Checks against a backup's manifest: its files (size and SHA-256), and a database restored
from it (tables, migrations)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from office.backups.checksums import compare_tables, pending_migrations
from office.backups.errors import BackupCorrupted
from office.backups.files import MANIFEST, sha256_file


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
