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
