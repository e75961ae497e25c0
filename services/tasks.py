"""Thin Celery wrappers around services actions; each is idempotent."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task

from services import actions

RETRYABLE = (SMTPException, ConnectionError, TimeoutError)


@shared_task(autoretry_for=RETRYABLE, retry_backoff=True, max_retries=5)
def client_confirmation_email_task(*, user_id: int) -> None:
    actions.client_send_confirmation(user_id=user_id)


@shared_task(autoretry_for=RETRYABLE, retry_backoff=True, max_retries=5)
def delivery_send_task(*, delivery_id: int) -> bool:
    return actions.delivery_send(delivery_id=delivery_id)
