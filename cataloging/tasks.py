"""Thin Celery wrappers around cataloging actions (ids in, idempotent)."""

from __future__ import annotations

from celery import shared_task

from cataloging import actions


@shared_task
def import_job_run_task(*, job_id: int) -> str:
    return actions.import_job_run(job_id=job_id).status


@shared_task
def record_decision_notify_task(*, record_id: int, version: int) -> bool:
    return actions.record_decision_notify(record_id=record_id, version=version)


@shared_task
def statements_close_month_task() -> list[int]:
    """Beat, on the 1st: last month's statements (cataloging/actions/chores.py)."""
    return [statement.pk for statement in actions.statements_close_month()]


@shared_task
def import_files_remove_task() -> int:
    """Beat, daily: stored MARC files of imports finished long ago."""
    return actions.import_files_remove()
