"""Backup history for technical services: the runs, the restore drills, the size chart."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from office.models import BackupDrill, BackupRun


def backup_list() -> QuerySet[BackupRun]:
    return BackupRun.objects.order_by("-started_at")


def backup_drill_list() -> QuerySet[BackupDrill]:
    return BackupDrill.objects.select_related("backup").order_by("-started_at")


def backup_chart_data(*, limit: int = 90) -> dict[str, Any]:
    """Chart.js input: size in bytes of each completed backup, oldest first."""
    runs = list(
        BackupRun.objects.filter(status__in=[BackupRun.Status.SUCCEEDED, BackupRun.Status.PRUNED])
        .order_by("-started_at")
        .values("started_at", "size_bytes")[:limit]
    )[::-1]
    return {
        "labels": [timezone.localtime(r["started_at"]).strftime("%Y-%m-%d %H:%M") for r in runs],
        "sizes": [r["size_bytes"] for r in runs],
    }
