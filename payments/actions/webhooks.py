"""Provider webhooks: applying one verified event, exactly once.

The event id is stored under a unique constraint in the transaction of its effect, so a
duplicate changes nothing. `payment_intent.*` events go through `_apply_intent`;
`charge.refunded` carries the cumulative refunded amount. Signature checks happen before
this, in `payments.webhooks`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from office.texts import money
from payments.actions.common import Status, _flag, _move
from payments.actions.provider_state import _apply_intent, _apply_refunded_total, _record_paid_after_close
from payments.gateways.base import intent_from_object
from payments.models import Payment, PaymentOperation, WebhookEvent

INTENT_EVENTS = {
    "payment_intent.succeeded": "succeeded",
    "payment_intent.payment_failed": "requires_payment_method",
    "payment_intent.processing": "processing",
    "payment_intent.canceled": "canceled",
    "payment_intent.requires_action": "requires_action",
}


@transaction.atomic
def webhook_event_apply(*, provider: str, event: dict[str, Any]) -> str:
    """Apply one verified event. The event id is stored under a unique constraint in the same
    transaction as its effect, so a duplicate (even a concurrent one) changes nothing.
    Returns the outcome, or "duplicate"."""
    event_id = str(event.get("id", ""))[:100]
    event_type = str(event.get("type", ""))[:100]
    obj = (event.get("data") or {}).get("object") or {}
    try:
        occurred_at = datetime.fromtimestamp(int(event.get("created") or 0), tz=UTC)
    except (TypeError, ValueError, OverflowError):
        occurred_at = timezone.now().replace(microsecond=0)
    try:
        with transaction.atomic():
            record = WebhookEvent.objects.create(
                provider=provider,
                event_id=event_id,
                type=event_type,
                event_created=occurred_at,
                outcome=WebhookEvent.Outcome.UNHANDLED,
            )
    except IntegrityError:
        return "duplicate"

    payment = None
    outcome = WebhookEvent.Outcome.UNHANDLED
    detail = ""
    if event_type in INTENT_EVENTS or event_type == "charge.refunded":
        is_charge = event_type == "charge.refunded"
        reference = str(obj.get("payment_intent") or "") if is_charge else str(obj.get("id") or "")
        record.object_reference = reference[:100]
        payment = _payment_for_event(provider, reference, obj)
        if payment is None:
            outcome = WebhookEvent.Outcome.UNKNOWN
        elif is_charge:
            outcome = _apply_charge_refunded(payment, obj, occurred_at)
        else:
            if not obj.get("status"):
                obj = {**obj, "status": INTENT_EVENTS[event_type]}
            intent = intent_from_object(obj)
            outcome = _apply_intent(payment, intent, occurred_at=occurred_at, source=f"webhook {event_type}")
        if payment is not None:
            if outcome == WebhookEvent.Outcome.FLAGGED:  # the operators' log: in English
                with translation.override("en"):
                    detail = payment.discrepancy_text
            PaymentOperation.objects.create(
                payment=payment,
                kind=PaymentOperation.Kind.WEBHOOK,
                ok=outcome != WebhookEvent.Outcome.FLAGGED,
                provider=provider,
                reference=event_id,
                status_after=payment.status,
                detail=f"{event_type}: {outcome}"[:300],
            )
    record.payment = payment
    record.outcome = outcome
    record.detail = detail[:300]
    record.save(update_fields=["payment", "outcome", "detail", "object_reference"])
    return outcome


def _payment_for_event(provider: str, reference: str, obj: dict[str, Any]) -> Payment | None:
    if not reference:
        return None
    payment = Payment.objects.select_for_update().filter(provider=provider, provider_reference=reference).first()
    if payment is not None:
        return payment
    # The intent was created but our record of it was lost (a crash between the provider's
    # answer and our commit): the metadata we sent names the payment.
    payment_id = str((obj.get("metadata") or {}).get("payment_id", ""))
    if obj.get("object") == "payment_intent" and payment_id.isdigit():
        payment = (
            Payment.objects.select_for_update()
            .filter(pk=int(payment_id), provider=provider, provider_reference="")
            .first()
        )
        if payment is not None:
            payment.provider_reference = reference
            payment.save(update_fields=["provider_reference", "updated_at"])
    return payment


def _apply_charge_refunded(payment: Payment, charge: dict[str, Any], occurred_at: datetime) -> str:
    """charge.refunded carries the charge with its cumulative `amount_refunded`. A refund
    implies the charge had succeeded, so a payment whose success event is still on its way
    is first marked paid (when the amounts agree)."""
    try:
        total = int(charge.get("amount_refunded") or 0)
        charge_amount = int(charge.get("amount") or 0)
    except (TypeError, ValueError):
        return WebhookEvent.Outcome.IGNORED
    currency = str(charge.get("currency") or "").upper()
    if charge_amount != payment.amount_minor or (currency and currency != payment.currency):
        charge = money(charge_amount, currency or payment.currency)
        _flag(
            payment,
            gettext_noop("The refunded charge (%(charge)s) does not match this payment (%(amount)s)."),
            {"charge": charge, "amount": money(payment.amount_minor, payment.currency)},
            source="webhook charge.refunded",
        )
        return WebhookEvent.Outcome.FLAGGED
    if not payment.is_paid:
        if payment.can_move_to(Status.SUCCEEDED):
            _move(payment, Status.SUCCEEDED, source="webhook charge.refunded")
        elif payment.status == Status.CANCELLED:  # a charge we had given up on: money came
            _record_paid_after_close(payment, source="webhook charge.refunded")
        else:
            return WebhookEvent.Outcome.IGNORED
    if total <= payment.refunded_minor:
        return WebhookEvent.Outcome.IGNORED
    _apply_refunded_total(payment, total, source="webhook charge.refunded")
    return WebhookEvent.Outcome.APPLIED
