"""Thin Celery wrappers; each calls one idempotent action (Celery may deliver twice)."""

from __future__ import annotations

from celery import shared_task

from payments import actions, webhooks


@shared_task
def payment_reconcile_task() -> dict[str, int]:
    return actions.payment_reconcile()


@shared_task
def payment_notify_purpose_task(*, payment_id: int) -> None:
    actions.payment_notify_purpose(payment_id=payment_id)


@shared_task(autoretry_for=(webhooks.DeliveryFailed,), retry_backoff=True, max_retries=8)
def simulated_event_deliver_task(*, payload: str) -> None:
    """The simulated provider delivering an event: signed at delivery time (as Stripe signs
    each retry afresh) and handed to the same code the webhook URL runs."""
    webhooks.simulated_deliver(payload=payload.encode())


@shared_task
def refund_submit_task(*, refund_id: int) -> None:
    """Send a pending refund to the provider (the reconcile sweep retries one left pending)."""
    actions.refund_submit(refund_id=refund_id)
