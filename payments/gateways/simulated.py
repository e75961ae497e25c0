"""The offline provider of the embedded default. It plays Stripe closely enough that the
rest of the app cannot tell: intents live in the database (same idempotency key, same
intent), statuses use Stripe's words, and every change is announced by an event signed
with Stripe's scheme (`t=<ts>,v1=<HMAC-SHA256(secret, "t.payload")>`) that reaches the very
webhook handler Stripe's events reach.

The local payment page takes these test card numbers (Stripe's own test numbers):

| card number         | outcome                                             |
|---------------------|-----------------------------------------------------|
| 4242 4242 4242 4242 | paid                                                |
| 4000 0025 0000 3155 | 3-D Secure: an authentication step, then paid or failed |
| 4000 0000 0000 0341 | declined ("Your card was declined.")                |
| 4000 0000 0000 9995 | declined (insufficient funds)                       |
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from office.queue import enqueue_on_commit
from payments.gateways.base import ChargeResult, Connect, IntentResult, InvalidWebhook, intent_from_object
from payments.models import SimulatedIntent

TOLERANCE_SECONDS = 300  # as stripe-python's DEFAULT_TOLERANCE
# By dotted path: payments.tasks imports the actions, which import the gateways.
DELIVER_TASK = "payments.tasks.simulated_event_deliver_task"

SUCCESS, THREE_D_SECURE, DECLINED, INSUFFICIENT = "success", "3ds", "declined", "insufficient"
TEST_CARDS = {
    "4242424242424242": SUCCESS,
    "4000002500003155": THREE_D_SECURE,
    "4000000000000341": DECLINED,
    "4000000000000002": DECLINED,
    "4000000000009995": INSUFFICIENT,
}
# Stripe's test PaymentMethod ids, for server-side confirmation (as with localstripe).
TEST_PAYMENT_METHODS = {
    "pm_card_visa": "4242424242424242",
    "pm_card_threeDSecure2Required": "4000002500003155",
    "pm_card_chargeCustomerFail": "4000000000000341",
}
DECLINE_MESSAGES = {DECLINED: "Your card was declined.", INSUFFICIENT: "Your card has insufficient funds."}


class UnknownTestCard(ValueError):
    pass


def sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """The `Stripe-Signature` header for `payload`, computed as Stripe computes it."""
    ts = int(time.time()) if timestamp is None else timestamp
    signed = f"{ts}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={ts},v1={digest}"


def verify(payload: bytes, header: str, secret: str, tolerance: int = TOLERANCE_SECONDS) -> None:
    """Stripe's verification: any v1 signature matches, and the timestamp is recent."""
    if not secret:
        raise InvalidWebhook("no webhook secret configured")
    try:
        pairs = [item.split("=", 1) for item in (header or "").split(",")]
        timestamp = int(next(value for key, value in pairs if key == "t"))
        signatures = [value for key, value in pairs if key == "v1"]
    except (ValueError, StopIteration):
        raise InvalidWebhook("unable to parse the signature header") from None
    if not signatures:
        raise InvalidWebhook("no v1 signature")
    expected = sign(payload, secret, timestamp).split("v1=", 1)[1]
    if not any(hmac.compare_digest(expected, candidate) for candidate in signatures):
        raise InvalidWebhook("no signature matches the payload")
    # In integers: a float of a 400-digit `t` overflows (a 500 instead of a refusal).
    if abs(int(time.time()) - timestamp) > tolerance:
        raise InvalidWebhook("timestamp outside the tolerance zone")


def intent_payload(intent: Any) -> dict[str, Any]:
    """The intent as Stripe would serialise a PaymentIntent."""
    return {
        "id": intent.reference,
        "object": "payment_intent",
        "amount": intent.amount_minor,
        "amount_received": intent.amount_minor if intent.status == "succeeded" else 0,
        "currency": intent.currency.lower(),
        "status": intent.status,
        "metadata": intent.metadata,
        "client_secret": f"{intent.reference}_secret",
        "last_payment_error": {"message": intent.last_error} if intent.last_error else None,
        "latest_charge": charge_payload(intent) if intent.status == "succeeded" else None,
    }


def charge_payload(intent: Any) -> dict[str, Any]:
    return {
        "id": intent.reference.replace("sim_pi_", "sim_ch_"),
        "object": "charge",
        "payment_intent": intent.reference,
        "amount": intent.amount_minor,
        "amount_refunded": intent.amount_refunded_minor,
        "currency": intent.currency.lower(),
        "paid": True,
        "status": "succeeded",
        "refunded": intent.amount_refunded_minor >= intent.amount_minor,
    }


def emit(event_type: str, obj: dict[str, Any]) -> dict[str, Any]:
    """Queue an event for delivery after commit, as Stripe delivers asynchronously."""
    event = {
        "id": "evt_sim_" + secrets.token_hex(12),
        "object": "event",
        "type": event_type,
        "created": int(time.time()),
        "livemode": False,
        "data": {"object": obj},
    }
    enqueue_on_commit(DELIVER_TASK, payload=json.dumps(event))
    return event


class SimulatedGateway:
    name = "simulated"

    def _locked(self, reference: str) -> Any:
        return SimulatedIntent.objects.select_for_update().filter(reference=reference).first()

    @staticmethod
    def _result(intent: Any) -> IntentResult:
        return intent_from_object(intent_payload(intent))

    def create_intent(
        self,
        *,
        amount_minor: int,
        currency: str,
        idempotency_key: str,
        metadata: dict[str, str],
        description: str = "",
        connect: Connect | None = None,
        payment_method: str = "",
    ) -> IntentResult:
        meta = dict(metadata)
        if payment_method:
            meta["_card"] = TEST_PAYMENT_METHODS.get(payment_method, payment_method)
        try:
            with transaction.atomic():
                intent, _created = SimulatedIntent.objects.get_or_create(
                    idempotency_key=idempotency_key,
                    defaults={"amount_minor": amount_minor, "currency": currency.upper(), "metadata": meta},
                )
        except IntegrityError:  # the same key created concurrently: it is the same intent
            intent = SimulatedIntent.objects.get(idempotency_key=idempotency_key)
        if intent.amount_minor != amount_minor or intent.currency != currency.upper():
            return IntentResult(
                ok=False, error="Keys for idempotent requests can only be used with the same parameters."
            )
        return self._result(intent)

    def retrieve(self, *, reference: str, connect: Connect | None = None) -> IntentResult:
        intent = SimulatedIntent.objects.filter(reference=reference).first()
        if intent is None:
            return IntentResult(ok=False, reference=reference, error="No such payment_intent")
        return self._result(intent)

    @transaction.atomic
    def pay(self, *, reference: str, card_number: str) -> IntentResult:
        """The local payment page: the payer enters a test card (never an amount)."""
        number = "".join(ch for ch in card_number if ch.isdigit())
        outcome = TEST_CARDS.get(number)
        if outcome is None:
            raise UnknownTestCard(number)
        intent = self._locked(reference)
        if intent is None:
            return IntentResult(ok=False, reference=reference, error="No such payment_intent")
        if intent.status != "requires_payment_method":
            return IntentResult(**{**self._result(intent).__dict__, "ok": False, "error": "Bad request"})
        intent.card_last4 = number[-4:]
        intent.last_error = ""
        if outcome == THREE_D_SECURE:
            intent.status = "requires_action"
            event = "payment_intent.requires_action"
        elif outcome == SUCCESS:
            intent.status = "succeeded"
            event = "payment_intent.succeeded"
        else:
            intent.last_error = DECLINE_MESSAGES[outcome]
            event = "payment_intent.payment_failed"
        intent.save()
        emit(event, intent_payload(intent))
        result = self._result(intent)
        return IntentResult(**{**result.__dict__, "ok": not intent.last_error, "error": intent.last_error})

    @transaction.atomic
    def authenticate(self, *, reference: str, success: bool) -> IntentResult:
        """The simulated 3-D Secure step: the payer passes or fails it."""
        intent = self._locked(reference)
        if intent is None or intent.status != "requires_action":
            return IntentResult(ok=False, reference=reference, error="Bad request")
        if success:
            intent.status = "succeeded"
            event = "payment_intent.succeeded"
        else:
            intent.status = "requires_payment_method"
            intent.last_error = "The provided PaymentMethod has failed authentication."
            event = "payment_intent.payment_failed"
        intent.save()
        emit(event, intent_payload(intent))
        return self._result(intent)

    def confirm(self, *, reference: str, connect: Connect | None = None) -> IntentResult:
        intent = SimulatedIntent.objects.filter(reference=reference).first()
        card = (intent.metadata or {}).get("_card", "") if intent else ""
        if not card:
            return IntentResult(ok=False, reference=reference, error="No payment method")
        return self.pay(reference=reference, card_number=card)

    @transaction.atomic
    def cancel(self, *, reference: str, idempotency_key: str, connect: Connect | None = None) -> IntentResult:
        intent = self._locked(reference)
        if intent is None:
            return IntentResult(ok=False, reference=reference, error="No such payment_intent")
        if intent.status == "canceled":
            return self._result(intent)
        if intent.status not in ("requires_payment_method", "requires_action"):
            result = self._result(intent)
            return IntentResult(**{**result.__dict__, "ok": False, "error": f"Cannot cancel a {intent.status} intent"})
        intent.status = "canceled"
        intent.save()
        emit("payment_intent.canceled", intent_payload(intent))
        return self._result(intent)

    @transaction.atomic
    def refund(
        self, *, reference: str, amount_minor: int, idempotency_key: str, connect: Connect | None = None
    ) -> ChargeResult:
        intent = self._locked(reference)
        if intent is None:
            return ChargeResult(ok=False, error="No such payment_intent")
        if idempotency_key in intent.refunds:  # a retry: the first answer again
            return ChargeResult(ok=True, reference=intent.refunds[idempotency_key]["id"])
        if intent.status != "succeeded":
            return ChargeResult(ok=False, error="Cannot refund a payment that has not succeeded.")
        if amount_minor <= 0 or intent.amount_refunded_minor + amount_minor > intent.amount_minor:
            return ChargeResult(ok=False, error="Refund amount is greater than the unrefunded amount.")
        refund_id = "sim_re_" + secrets.token_hex(12)
        intent.refunds = {**intent.refunds, idempotency_key: {"id": refund_id, "amount": amount_minor}}
        intent.amount_refunded_minor += amount_minor
        intent.save()
        emit("charge.refunded", charge_payload(intent))
        return ChargeResult(ok=True, reference=refund_id)

    def parse_webhook(self, *, payload: bytes, signature_header: str) -> dict[str, Any]:
        verify(payload, signature_header, settings.SIMULATED_WEBHOOK_SECRET)
        try:
            event = json.loads(payload)
        except ValueError:
            raise InvalidWebhook("body is not JSON") from None
        if not isinstance(event, dict) or "id" not in event or "type" not in event:
            raise InvalidWebhook("not an event")
        return event
