"""Read functions the views call."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from office.models import Announcement, BackupRun, Notification, WorkerHeartbeat


def announcement_list_current(*, user: Any, limit: int | None = None) -> list[Announcement]:
    from django.db.models import Q

    from office.access import staff_profile

    profile = staff_profile(user)
    qs = Announcement.objects.visible_to(user).current().select_related("author", "department")
    if profile is not None:
        qs = qs.filter(
            Q(department__isnull=True)
            | Q(department_id=profile.department_id)
            | Q(department__parent_id=profile.department_id)
        )
    return list(qs[:limit] if limit else qs)


def notification_list_recent(*, user: Any, limit: int = 5) -> list[Notification]:
    return list(Notification.objects.visible_to(user)[:limit])


# --- health ---------------------------------------------------------------------------------

GREEN, AMBER, RED = "green", "amber", "red"


def health_database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"state": GREEN, "detail": connection.vendor}
    except Exception as exc:  # pragma: no cover - depends on an outage
        return {"state": RED, "detail": type(exc).__name__}


def health_broker() -> dict[str, Any]:
    from office.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return {"state": GREEN, "detail": conn.transport_cls if isinstance(conn.transport_cls, str) else "ok"}
    except Exception as exc:
        return {"state": RED, "detail": type(exc).__name__}


def health_workers(*, stale_after: timedelta = timedelta(minutes=3)) -> list[dict[str, Any]]:
    now = timezone.now()
    rows = []
    for beat in WorkerHeartbeat.objects.order_by("hostname"):
        age = now - beat.last_seen
        state = GREEN if age <= stale_after else (AMBER if age <= stale_after * 5 else RED)
        rows.append({"hostname": beat.hostname, "last_seen": beat.last_seen, "age": age, "state": state})
    return rows


def health_beat() -> dict[str, Any]:
    from django_celery_beat.models import PeriodicTask

    last = PeriodicTask.objects.filter(last_run_at__isnull=False).order_by("-last_run_at").first()
    if last is None:
        return {"state": AMBER, "last_tick": None}
    age = timezone.now() - last.last_run_at
    return {"state": GREEN if age <= timedelta(minutes=5) else RED, "last_tick": last.last_run_at}


def health_last_backup() -> dict[str, Any]:
    last = BackupRun.objects.filter(status=BackupRun.Status.SUCCEEDED).order_by("-finished_at").first()
    if last is None or last.finished_at is None:
        return {"state": AMBER, "backup": None, "age": None}
    age = timezone.now() - last.finished_at
    return {"state": GREEN if age <= timedelta(hours=26) else RED, "backup": last, "age": age}


def health_summary() -> dict[str, Any]:
    checks = {
        "database": health_database(),
        "broker": health_broker(),
        "beat": health_beat(),
        "backup": health_last_backup(),
    }
    workers = health_workers()
    states = [c["state"] for c in checks.values()] + [w["state"] for w in workers]
    if not workers:
        states.append(AMBER)
    overall = RED if RED in states else (AMBER if AMBER in states else GREEN)
    return {"overall": overall, "checks": checks, "workers": workers, "version": settings.APP_VERSION}
