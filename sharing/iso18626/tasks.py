"""Celery wrappers for ISO 18626: sending one outgoing message, and the outbox sweep."""

from __future__ import annotations

from celery import shared_task

from sharing.iso18626 import delivery
from sharing.iso18626.transport import TransportError


# Back-off 1, 2, 4 ... minutes (jittered, at most 10): a partner that is down for a while is
# left to the sweep after that, which tries every 5 minutes up to delivery.MAX_ATTEMPTS.
@shared_task(autoretry_for=(TransportError,), retry_backoff=60, retry_backoff_max=600, max_retries=5)
def send_message_task(*, event_id: int) -> str:
    return delivery.message_send(event_id=event_id)


@shared_task
def outbox_sweep_task() -> dict[str, int]:
    """Beat: outgoing messages still undelivered (lost task, broker outage, partner down)."""
    return delivery.outbox_sweep()
