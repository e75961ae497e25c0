"""Celery wrapper for the monthly report (registered by office/dashboard/setup.py)."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task


@shared_task(autoretry_for=(SMTPException, ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def monthly_report_task() -> int:
    from office.dashboard.actions import monthly_reports_send

    return monthly_reports_send()
