"""Backup history for technical services (issue 8): list, detail, one file's download."""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from office import permissions, selectors
from office.access import home_staff_required
from office.models import BackupRun
from office.views.common import paginate


@require_safe
@home_staff_required
def backup_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_backups(request.user):
        raise PermissionDenied
    return render(
        request,
        "office/backup_list.html",
        {
            "page_obj": paginate(request, selectors.backup_list()),
            "drills": selectors.backup_drill_list()[:20],
            "chart": selectors.backup_chart_data(),
            "can_download": permissions.can_download_backup(request.user),
            "can_run_backup": permissions.can_run_backup(request.user),
        },
    )


@require_safe
@home_staff_required
def backup_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not permissions.can_view_backups(request.user):
        raise PermissionDenied
    backup = get_object_or_404(BackupRun, pk=pk)
    tables = sorted(backup.manifest.get("tables", {}).items())
    return render(
        request,
        "office/backup_detail.html",
        {
            "backup": backup,
            "tables": tables,
            "files": sorted(backup.manifest.get("files", {}).items()),
            "media": backup.manifest.get("media", {}),
            "drills": backup.drills.order_by("-started_at"),
            "manifest_json": json.dumps(backup.manifest, indent=2, sort_keys=True),
            "can_download": permissions.can_download_backup(request.user)
            and backup.status == BackupRun.Status.SUCCEEDED,
        },
    )


@require_safe
@home_staff_required
def backup_download(request: HttpRequest, pk: int, name: str) -> FileResponse:
    """One file of a backup, after the check; backup folders are never served by path."""
    from office.backups.restore import backup_file_for_download

    filename, handle = backup_file_for_download(
        backup_id=pk, name=name, actor=request.user, ip_address=request.META.get("REMOTE_ADDR")
    )
    response = FileResponse(handle, as_attachment=True, filename=filename)
    response["Content-Type"] = "application/octet-stream"
    response["Cache-Control"] = "no-store"
    return response
