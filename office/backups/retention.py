"""Which backups to keep (daily, weekly, monthly), pruning the rest, and the watchdog that
alerts when no good backup is recent enough."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_noop

from office.backups.alerts import _alert
from office.backups.stores import BackupStore, LocalStore, get_store
from office.models import BackupRun, Notification

logger = logging.getLogger(__name__)


def retention_keep(runs: list[BackupRun], *, daily: int, weekly: int, monthly: int) -> set[int]:
    """Ids to keep: the newest good backup of each of the last `daily` days, `weekly` ISO weeks
    and `monthly` months that have one (local time), and always the newest good backup."""
    good = sorted((r for r in runs if r.status == BackupRun.Status.SUCCEEDED), key=lambda r: r.started_at, reverse=True)
    keep = {good[0].pk} if good else set()
    buckets = (
        (daily, lambda d: d.date()),
        (weekly, lambda d: tuple(d.isocalendar())[:2]),
        (monthly, lambda d: (d.year, d.month)),
    )
    for count, bucket_of in buckets:
        seen: set[Any] = set()
        for run in good:
            bucket = bucket_of(timezone.localtime(run.started_at))
            if bucket in seen:
                continue
            if len(seen) >= count:
                break
            seen.add(bucket)
            keep.add(run.pk)
    return keep


def current_retention() -> dict[str, int]:
    """What technical services set on the schedule page (office.BackupRetention), else the
    settings' defaults (BACKUP_KEEP_DAILY, _WEEKLY, _MONTHLY)."""
    from office.models import BackupRetention

    row = BackupRetention.objects.order_by("pk").first()
    if row is not None:
        return {"daily": row.keep_daily, "weekly": row.keep_weekly, "monthly": row.keep_monthly}
    return {
        "daily": settings.BACKUP_KEEP_DAILY,
        "weekly": settings.BACKUP_KEEP_WEEKLY,
        "monthly": settings.BACKUP_KEEP_MONTHLY,
    }


def backup_prune(*, store: BackupStore | None = None) -> list[int]:
    """Delete the backups that retention no longer keeps from the store; rows become PRUNED.

    Deletes only inside the configured store (or the local BACKUP_DIR, for backups made before
    a switch to S3); a row pointing anywhere else is marked pruned and its files left alone."""
    stores = [store or get_store()]
    if stores[0].kind != "local":
        stores.append(LocalStore(Path(settings.BACKUP_DIR)))
    runs = list(BackupRun.objects.filter(status=BackupRun.Status.SUCCEEDED))
    keep = retention_keep(runs, **current_retention())
    pruned = []
    for run in runs:
        if run.pk in keep:
            continue
        for candidate in stores:
            name = candidate.name_of(run.location) if run.location else None
            if name is None:
                continue
            try:
                candidate.delete(name)
            except Exception:
                logger.exception("Could not prune backup %s from %s; trying again next time", run.pk, run.location)
                break
        else:
            run.status = BackupRun.Status.PRUNED
            run.pruned_at = timezone.now()
            run.save(update_fields=["status", "pruned_at"])
            pruned.append(run.pk)
    return pruned


def backup_check_overdue() -> bool:
    """Alert technical services (at most once a day) when no good backup is recent enough."""
    last = BackupRun.objects.filter(status=BackupRun.Status.SUCCEEDED).order_by("-finished_at").first()
    limit = timedelta(hours=settings.BACKUP_MAX_AGE_HOURS)
    if last is not None and last.finished_at and timezone.now() - last.finished_at <= limit:
        return False
    if Notification.objects.filter(
        verb="office.backup.overdue", created_at__gte=timezone.now() - timedelta(hours=24)
    ).exists():
        return True
    when = timezone.localtime(last.finished_at).strftime("%Y-%m-%d %H:%M") if last and last.finished_at else None
    _alert(
        verb="office.backup.overdue",
        title=gettext_noop("Backup overdue"),
        body=gettext_noop("The last good backup finished at %(time)s.")
        if when
        else gettext_noop("No good backup yet."),
        params={"time": when} if when else {},
    )
    return True
