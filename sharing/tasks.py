"""Thin Celery wrappers around sharing's sweeps and actions; each is idempotent."""

from __future__ import annotations

from celery import shared_task

from sharing import actions, sweeps


@shared_task
def sharing_sweep_task() -> dict[str, int]:
    """Periodic: lapsed lenders, overdue loans, old delivered files (sharing/sweeps.py)."""
    return sweeps.sharing_sweep()


@shared_task
def settlement_close_month_task() -> int:
    """Monthly (and again in the first days, to make up a missed run): last month's statements."""
    return len(actions.settlement_close_month())
