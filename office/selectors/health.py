"""The health page's checks: database, broker, beat, workers, queues, backups and drills."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from office.models import BackupDrill, BackupRun, WorkerHeartbeat

GREEN, AMBER, RED = "green", "amber", "red"


def health_database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"state": GREEN, "detail": connection.vendor}
    except Exception as exc:  # pragma: no cover - depends on an outage
        return {"state": RED, "detail": type(exc).__name__}


# Each broker check gives up within about this many seconds: kombu's ensure_connection
# otherwise sleeps 2 s before its retry, and production's socket timeout is 2 s per command,
# so the page and the probe (two checks) took ~4 s with Redis down (issue 17). One immediate
# retry with half the budget per attempt: a refused connection fails in milliseconds, a hung
# Redis costs each attempt its socket timeout.
HEALTH_BROKER_SECONDS = 1.0


def _broker_connection(app: Any, *, write: bool) -> Any:
    attempt = HEALTH_BROKER_SECONDS / 2
    options: dict[str, float] = {}
    if str(app.conf.broker_url).startswith(("redis://", "rediss://")):  # the SQLite broker refuses them
        options = {
            "socket_timeout": min(settings.REDIS_SOCKET_TIMEOUT, attempt),
            "socket_connect_timeout": min(settings.REDIS_CONNECT_TIMEOUT, attempt),
        }
    if write:
        return app.connection_for_write(transport_options=options, connect_timeout=attempt)
    return app.connection_for_read(transport_options=options, connect_timeout=attempt)


def _ensure_broker(conn: Any) -> None:
    conn.ensure_connection(
        max_retries=1, interval_start=0, interval_step=0, interval_max=0, timeout=HEALTH_BROKER_SECONDS
    )


def health_broker() -> dict[str, Any]:
    from office.celery import app

    try:
        with _broker_connection(app, write=True) as conn:
            _ensure_broker(conn)
        return {"state": GREEN, "detail": conn.transport_cls if isinstance(conn.transport_cls, str) else "ok"}
    except Exception as exc:
        return {"state": RED, "detail": type(exc).__name__}


def health_reads() -> dict[str, Any]:
    """What the checks below read; the dashboard's tile reads it in its one batch and hands them the rows."""
    from django_celery_beat.models import PeriodicTask

    attempts = [BackupRun.Status.SUCCEEDED, BackupRun.Status.FAILED]
    return {
        "workers": WorkerHeartbeat.objects.order_by("hostname"),
        "beat_runs": PeriodicTask.objects.filter(last_run_at__isnull=False),  # Max("last_run_at")
        "heartbeats": WorkerHeartbeat.objects.all(),  # Max("last_seen")
        "last_good": BackupRun.objects.filter(status=BackupRun.Status.SUCCEEDED).order_by("-finished_at")[:1],
        "latest": BackupRun.objects.filter(status__in=attempts).order_by("-started_at")[:1],
        "drill": BackupDrill.objects.exclude(status=BackupDrill.Status.RUNNING).order_by("-started_at")[:1],
    }


def health_workers(*, stale_after: timedelta = timedelta(minutes=3), beats: Any = None) -> list[dict[str, Any]]:
    now = timezone.now()
    rows = []
    for beat in health_reads()["workers"] if beats is None else beats:
        age = now - beat.last_seen
        state = GREEN if age <= stale_after else (AMBER if age <= stale_after * 5 else RED)
        rows.append({"hostname": beat.hostname, "last_seen": beat.last_seen, "age": age, "state": state})
    return rows


def health_beat(ticks: list[Any] | None = None) -> dict[str, Any]:
    """Beat's last tick: django-celery-beat writes `last_run_at` only every few minutes, so the
    newest worker heartbeat (a task only beat sends) counts as a tick too. `ticks`: both maxima, if read."""
    if ticks is None:
        reads = health_reads()
        ticks = [
            reads["beat_runs"].aggregate(t=Max("last_run_at"))["t"],
            reads["heartbeats"].aggregate(t=Max("last_seen"))["t"],
        ]
    last_tick = max((t for t in ticks if t is not None), default=None)
    if last_tick is None:
        return {"state": AMBER, "last_tick": None}
    age = timezone.now() - last_tick
    return {"state": GREEN if age <= timedelta(minutes=5) else RED, "last_tick": last_tick}


QUEUE_AMBER, QUEUE_RED = 100, 1000  # waiting messages: a backlog, then an outage of the workers
DRILL_MAX_AGE = timedelta(days=8)  # the drill runs nightly; a week without one is worth a look


def health_queues() -> list[dict[str, Any]]:
    """Messages waiting in each Celery queue (Redis and the SQLite broker both report it)."""
    from office.celery import app

    names = sorted({app.conf.task_default_queue or "celery", *(q.name for q in app.conf.task_queues or [])})
    try:
        with _broker_connection(app, write=False) as conn:
            _ensure_broker(conn)
            channel = conn.default_channel
            lengths = {name: channel.queue_declare(queue=name, passive=True).message_count for name in names}
    except Exception as exc:
        return [{"name": name, "length": None, "state": AMBER, "detail": type(exc).__name__} for name in names]
    return [
        {
            "name": name,
            "length": length,
            "state": RED if length >= QUEUE_RED else (AMBER if length >= QUEUE_AMBER else GREEN),
        }
        for name, length in lengths.items()
    ]


def health_backup_disk() -> dict[str, Any]:
    """Free space where backups go (local folder, or S3 staging plus a reachable bucket)."""
    from office.backups.stores import store_health

    return store_health()


def health_last_backup(runs: tuple[list[Any], list[Any]] | None = None) -> dict[str, Any]:
    """Red when the newest attempt failed or the last good backup is too old; amber before the first.
    `runs`: the rows of health_reads' "last_good" and "latest", if read."""
    reads = health_reads() if runs is None else {}
    last_good, newest = runs or (list(reads["last_good"]), list(reads["latest"]))
    last, latest = (last_good or [None])[0], (newest or [None])[0]
    failed = latest if latest is not None and latest.status == BackupRun.Status.FAILED else None
    if last is None or last.finished_at is None:
        return {"state": RED if failed else AMBER, "backup": None, "age": None, "failed": failed, "late": False}
    age = timezone.now() - last.finished_at
    late = age > timedelta(hours=settings.BACKUP_MAX_AGE_HOURS)
    state = RED if (late or failed) else GREEN
    return {"state": state, "backup": last, "age": age, "failed": failed, "late": late}


def health_last_drill(drills: list[Any] | None = None) -> dict[str, Any]:
    if drills is None:
        drills = list(health_reads()["drill"])
    drill = drills[0] if drills else None
    if drill is None:
        return {"state": AMBER, "drill": None}
    if drill.status == BackupDrill.Status.FAILED:
        return {"state": RED, "drill": drill}
    old = drill.finished_at is None or timezone.now() - drill.finished_at > DRILL_MAX_AGE
    return {"state": AMBER if old else GREEN, "drill": drill}


def health_summary() -> dict[str, Any]:
    checks = {
        "database": health_database(),
        "broker": health_broker(),
        "beat": health_beat(),
        "backup": health_last_backup(),
        "drill": health_last_drill(),
        "backup_disk": health_backup_disk(),
    }
    workers = health_workers()
    queues = health_queues()
    states = [c["state"] for c in checks.values()] + [w["state"] for w in workers] + [q["state"] for q in queues]
    if not workers:
        states.append(AMBER)
    overall = RED if RED in states else (AMBER if AMBER in states else GREEN)
    return {
        "overall": overall,
        "checks": checks,
        "workers": workers,
        "queues": queues,
        "version": settings.APP_VERSION,
    }
