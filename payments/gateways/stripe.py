"""Stripe through the official SDK. The only module that imports `stripe`.

PaymentIntents with `payment_method_types=['card']`: the server creates the intent with the
amount from our database, the browser confirms it with Stripe.js (3-D Secure included) and
the outcome reaches us as a signed webhook. Provider errors become `IntentResult(ok=False)`
or, when a retry may succeed, `GatewayUnavailable`.
"""

from __future__ import annotations

import json
import time
from typing import Any

import stripe
from django.conf import settings

from payments.gateways.base import (
    ChargeResult,
    Connect,
    GatewayUnavailable,
    IntentResult,
    InvalidWebhook,
    field_of,
    intent_from_object,
)

RETRYABLE = (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError)
TOLERANCE_SECONDS = stripe.Webhook.DEFAULT_TOLERANCE  # 300 s replay window


class StripeGateway:
    name = "stripe"

    def __init__(self, *, http_client: Any = None) -> None:
        self.client = stripe.StripeClient(
            settings.STRIPE_SECRET_KEY or "sk_missing",
            base_addresses={"api": settings.STRIPE_API_BASE},
            http_client=http_client,
            max_network_retries=2,  # the SDK retries with our idempotency key, so it is safe
        )

    # --- helpers ---------------------------------------------------------------------------
    @staticmethod
    def _options(idempotency_key: str = "", connect: Connect | None = None) -> dict[str, Any]:
        options: dict[str, Any] = {}
        if idempotency_key:
            options["idempotency_key"] = idempotency_key
        if connect is not None and connect.mode == "direct":
            options["stripe_account"] = connect.account  # direct charge: on the connected account
        return options

    def _call(self, func: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except RETRYABLE as exc:
            raise GatewayUnavailable(str(exc)) from exc
        except stripe.StripeError as exc:
            if (exc.http_status or 0) >= 500:
                raise GatewayUnavailable(str(exc)) from exc
            raise

    @staticmethod
    def _failure(exc: stripe.StripeError) -> IntentResult:
        error = getattr(exc, "error", None)
        pi = field_of(error, "payment_intent")
        if pi is not None:
            result = intent_from_object(pi)
            return IntentResult(**{**result.__dict__, "ok": False, "error": exc.user_message or str(exc)})
        return IntentResult(ok=False, error=exc.user_message or str(exc))

    # --- the protocol ---------------------------------------------------------------------
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
        params: dict[str, Any] = {
            "amount": amount_minor,
            "currency": currency.lower(),
            "payment_method_types": ["card"],
            "metadata": metadata,
        }
        if payment_method:  # a saved card or a test card: confirmed by `confirm`
            params["payment_method"] = payment_method
        if connect is not None:
            if connect.application_fee_minor:
                params["application_fee_amount"] = connect.application_fee_minor
            if connect.mode == "destination":
                params["transfer_data"] = {"destination": connect.account}
        try:
            pi = self._call(self.client.v1.payment_intents.create, params, self._options(idempotency_key, connect))
        except stripe.StripeError as exc:
            return self._failure(exc)
        return intent_from_object(pi)

    def _failure_read_back(self, exc: stripe.StripeError, reference: str, connect: Connect | None) -> IntentResult:
        """A refused call on an existing intent: report the error with the intent's state
        as the provider now holds it (a decline leaves `requires_payment_method`)."""
        failure = self._failure(exc)
        if failure.reference:
            return failure
        current = self.retrieve(reference=reference, connect=connect)
        if not current.ok:
            return failure
        return IntentResult(**{**current.__dict__, "ok": False, "error": failure.error or current.error})

    def confirm(self, *, reference: str, connect: Connect | None = None) -> IntentResult:
        try:
            pi = self._call(self.client.v1.payment_intents.confirm, reference, None, self._options("", connect))
        except stripe.StripeError as exc:
            return self._failure_read_back(exc, reference, connect)
        return intent_from_object(pi)

    def retrieve(self, *, reference: str, connect: Connect | None = None) -> IntentResult:
        try:
            pi = self._call(
                self.client.v1.payment_intents.retrieve,
                reference,
                {"expand": ["latest_charge"]},
                self._options("", connect),
            )
        except stripe.StripeError as exc:
            return IntentResult(ok=False, reference=reference, error=str(exc))
        return intent_from_object(pi)

    def cancel(self, *, reference: str, idempotency_key: str, connect: Connect | None = None) -> IntentResult:
        try:
            pi = self._call(
                self.client.v1.payment_intents.cancel, reference, None, self._options(idempotency_key, connect)
            )
        except stripe.StripeError as exc:
            return self._failure_read_back(exc, reference, connect)
        return intent_from_object(pi)

    def refund(
        self, *, reference: str, amount_minor: int, idempotency_key: str, connect: Connect | None = None
    ) -> ChargeResult:
        params: dict[str, Any] = {"payment_intent": reference, "amount": amount_minor}
        try:
            refund = self._call(self.client.v1.refunds.create, params, self._options(idempotency_key, connect))
        except stripe.StripeError as exc:
            return ChargeResult(ok=False, error=exc.user_message or str(exc))
        if refund.status in ("failed", "canceled"):
            return ChargeResult(ok=False, reference=refund.id, error=refund.failure_reason or refund.status)
        return ChargeResult(ok=True, reference=refund.id)

    def parse_webhook(self, *, payload: bytes, signature_header: str) -> dict[str, Any]:
        """Verify `Stripe-Signature` on the raw bytes, then parse. Raises `InvalidWebhook`."""
        secret = settings.STRIPE_WEBHOOK_SECRET
        if not secret:
            raise InvalidWebhook("STRIPE_WEBHOOK_SECRET is not set")
        try:
            stripe.WebhookSignature.verify_header(payload.decode("utf-8"), signature_header, secret, TOLERANCE_SECONDS)
            # The SDK only refuses old timestamps; one far in the future is no less a replay.
            timestamp = int(dict(part.split("=", 1) for part in signature_header.split(",") if "=" in part)["t"])
            if timestamp > time.time() + TOLERANCE_SECONDS:
                raise InvalidWebhook("timestamp in the future")
            event = json.loads(payload)
        except (stripe.SignatureVerificationError, UnicodeDecodeError, ValueError, KeyError) as exc:
            raise InvalidWebhook(str(exc)) from exc
        if not isinstance(event, dict) or "id" not in event or "type" not in event:
            raise InvalidWebhook("not an event")
        return event
