"""Celery task of consortium buying; imported by procurement/tasks.py so autodiscovery finds it."""

from __future__ import annotations

from celery import shared_task

from procurement.consortia import actions


@shared_task
def consortia_sweep_task() -> dict[str, int]:
    """Beat: tally elections past their deadline, lapse negotiations past theirs without an
    accepted offer, expire contracts, licences and consortia at the end of the term. Idempotent."""
    return actions.consortia_sweep()
