"""Receiving provider events: verify the signature on the raw bytes, then apply the event
through `actions.webhook_event_apply`. The Stripe URL, the simulated provider's URL and the
simulated provider's own deliveries all run `receive`."""

from __future__ import annotations

import logging

from django.conf import settings

from payments import actions
from payments.gateways import gateway_for
from payments.gateways.base import InvalidWebhook

logger = logging.getLogger(__name__)


class DeliveryFailed(Exception):
    """A simulated delivery was refused; Celery retries it like Stripe retries."""


def receive(*, provider: str, payload: bytes, signature_header: str) -> tuple[int, str]:
    """(HTTP status, outcome). 400 and no change for a bad, missing or stale signature."""
    try:
        event = gateway_for(provider).parse_webhook(payload=payload, signature_header=signature_header)
    except InvalidWebhook as exc:
        # Log why, never the body (it may hold personal data).
        logger.warning("Rejected %s webhook: %s (%d bytes)", provider, exc, len(payload))
        return 400, "invalid"
    outcome = actions.webhook_event_apply(provider=provider, event=event)
    logger.info("%s webhook %s %s: %s", provider, event.get("id"), event.get("type"), outcome)
    return 200, outcome


def simulated_deliver(*, payload: bytes) -> str:
    from payments.gateways.simulated import sign

    header = sign(payload, settings.SIMULATED_WEBHOOK_SECRET)
    status, outcome = receive(provider="simulated", payload=payload, signature_header=header)
    if status != 200:
        raise DeliveryFailed(outcome)
    return outcome
