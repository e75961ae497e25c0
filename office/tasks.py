"""Thin Celery wrappers around office actions."""

from __future__ import annotations

import socket
from datetime import timedelta
from smtplib import SMTPException

from celery import shared_task
from django.utils import timezone

from office import actions, chores
from office.models import Notification, WorkerHeartbeat


@shared_task(autoretry_for=(SMTPException, ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def notification_email_task(*, notification_id: int) -> bool:
    return actions.notification_send_email(notification_id=notification_id)


@shared_task
def notification_email_sweep_task() -> int:
    """Send e-mail copies that a broker outage left unsent (older than two minutes)."""
    cutoff = timezone.now() - timedelta(minutes=2)
    pending = Notification.objects.filter(
        send_email=True, emailed_at__isnull=True, created_at__lte=cutoff, recipient__email__gt=""
    ).values_list("pk", flat=True)[:500]
    return sum(1 for pk in pending if actions.notification_send_email(notification_id=pk))


@shared_task(bind=True)
def worker_heartbeat_task(self) -> str:  # type: ignore[no-untyped-def]
    """Record that this worker is alive; beat sends it every minute (health page)."""
    hostname = getattr(self.request, "hostname", None) or socket.gethostname()
    WorkerHeartbeat.objects.update_or_create(hostname=hostname, defaults={"last_seen": timezone.now()})
    return hostname


@shared_task
def ping_task(value: str = "pong") -> str:
    """Round-trip check used by the health page and the Celery integration test."""
    return value


# --- backups (office/backups/) ---------------------------------------------------------------
# No autoretry: a backup that failed has already alerted technical services, and a retry
# would only repeat a dump that is likely to fail the same way. `time_limit` is generous
# because a dump of a large database takes a while; the store lock stops a second run.


@shared_task(time_limit=6 * 3600, soft_time_limit=6 * 3600 - 300)
def backup_run_task(trigger: str = "scheduled") -> int:
    from office.backups.errors import BackupError
    from office.backups.run import backup_run
    from office.models import BackupRun

    run = backup_run(trigger=BackupRun.Trigger(trigger))  # "manual" when technical services press the button
    if run.status != BackupRun.Status.SUCCEEDED:
        raise BackupError(f"Backup {run.pk} failed: {run.error}")
    return run.pk


@shared_task(time_limit=6 * 3600, soft_time_limit=6 * 3600 - 300)
def backup_drill_task() -> int:
    from office.backups.drill import backup_drill
    from office.backups.errors import BackupError
    from office.models import BackupDrill

    drill = backup_drill()
    if drill.status != BackupDrill.Status.PASSED:
        raise BackupError(f"Restore drill {drill.pk} failed: {drill.error}")
    return drill.pk


@shared_task
def backup_watchdog_task() -> bool:
    """Hourly: alert when the nightly backup is missing or too old."""
    from office.backups.retention import backup_check_overdue

    return backup_check_overdue()


# --- nightly clean-up (office/chores.py, issue 19) ----------------------------------------------


@shared_task
def sessions_clear_expired_task() -> None:
    chores.sessions_clear_expired()


@shared_task
def notifications_remove_read_task() -> int:
    return chores.notifications_remove_read()


@shared_task
def login_records_remove_task() -> int:
    return chores.login_records_remove()
