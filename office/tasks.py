"""Thin Celery wrappers around office actions."""

from __future__ import annotations

import socket
from datetime import timedelta
from smtplib import SMTPException

from celery import shared_task
from django.utils import timezone

from office import actions
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
