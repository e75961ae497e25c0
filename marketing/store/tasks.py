"""Thin Celery wrappers around the storefront's actions (each idempotent)."""

from __future__ import annotations

from celery import shared_task

from marketing.store import actions


@shared_task
def order_confirmation_task(*, order_id: int) -> None:
    actions.order_confirmation_send(order_id=order_id)


@shared_task
def store_sweep_task() -> dict[str, int]:
    """Every few minutes: approved purchase requests, unsent confirmations, ended grants."""
    return {
        "approvals": actions.orders_sync_approvals(),
        "confirmations": actions.order_confirmations_sweep(),
        "expired": actions.grants_expire(),
    }


@shared_task
def grant_reminder_task() -> int:
    return actions.grants_remind()
