"""Thin Celery wrappers around purchasing actions; each is idempotent (Celery may deliver twice)."""

from __future__ import annotations

from celery import shared_task

from procurement import actions
from procurement.consortia.tasks import consortia_sweep_task  # noqa: F401  (so Celery's autodiscovery finds it)


@shared_task(autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def purchase_order_send_task(*, order_id: int) -> bool:
    return actions.purchase_order_send(order_id=order_id)


@shared_task
def purchase_order_poll_task(*, order_id: int) -> int:
    return actions.purchase_order_poll(order_id=order_id)


@shared_task
def orders_tracking_sweep_task() -> dict[str, int]:
    """Beat: send unsent orders, poll open API orders, flag late ones."""
    return actions.orders_tracking_sweep()


@shared_task
def licences_sweep_task() -> dict[str, int]:
    """Beat: renewal reminders and expiry of usage-right licences."""
    return actions.licences_sweep()


@shared_task
def cart_lines_remove_stale_task() -> int:
    """Beat, daily: cart lines untouched for 90 days (procurement/actions/chores.py)."""
    return actions.cart_lines_remove_stale()
