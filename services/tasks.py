"""Thin Celery wrappers around services actions; each is idempotent."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task

from services import actions
from services.models import Digest

RETRYABLE = (SMTPException, ConnectionError, TimeoutError)


@shared_task(autoretry_for=RETRYABLE, retry_backoff=True, max_retries=5)
def client_confirmation_email_task(*, user_id: int) -> None:
    actions.client_send_confirmation(user_id=user_id)


@shared_task(autoretry_for=RETRYABLE, retry_backoff=True, max_retries=5)
def client_registration_notice_task(*, email: str, reason: str, username: str, language: str = "") -> None:
    actions.registration_notice_send(email=email, reason=reason, username=username, language=language)


@shared_task(autoretry_for=RETRYABLE, retry_backoff=True, max_retries=5)
def delivery_send_task(*, delivery_id: int) -> bool:
    return actions.delivery_send(delivery_id=delivery_id)


@shared_task(autoretry_for=RETRYABLE, retry_backoff=True, max_retries=5)
def digest_email_task(*, digest_id: int) -> bool:
    return actions.digest_send_email(digest_id=digest_id)


@shared_task
def subscription_digest_task() -> int:
    """Periodic: build the digests of every ended, paid period (idempotent per period)."""
    return actions.digest_run_due()


@shared_task
def training_reminder_task() -> int:
    """Periodic: remind registered people of tomorrow's sessions (once each)."""
    return actions.training_send_reminders()


@shared_task
def digest_email_sweep_task() -> int:
    """Periodic: e-mail digests that a broker outage left unsent."""
    pending = Digest.objects.filter(emailed_at__isnull=True).values_list("pk", flat=True)[:200]
    return sum(1 for pk in pending if actions.digest_send_email(digest_id=pk))


@shared_task
def client_registrations_unconfirmed_remove_task() -> int:
    """Beat, daily: self-registered client accounts never confirmed nor used (services/actions/chores.py)."""
    return actions.client_registrations_unconfirmed_remove()
