"""The provider boundary: a protocol, its result types and its errors.

Amounts are integer minor units. Every call that creates something carries our idempotency
key, so a retry (or two tabs) returns the first result instead of charging twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


class GatewayUnavailable(Exception):
    """The provider could not be reached or failed on its side; retry later with the same key."""


class InvalidWebhook(Exception):
    """The webhook body or its signature is not acceptable (bad, missing or stale)."""


@dataclass(frozen=True)
class Connect:
    """Stripe Connect: who receives the money and how (`destination` or `direct` charge)."""

    account: str
    mode: str = "destination"
    application_fee_minor: int = 0


@dataclass(frozen=True)
class IntentResult:
    """A provider's payment intent, mapped to our words. `status` is a `Payment.Status` value."""

    ok: bool
    reference: str = ""
    status: str = ""
    provider_status: str = ""
    amount_minor: int = 0
    currency: str = ""
    amount_refunded_minor: int = 0
    client_secret: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)
    error: str = ""


@dataclass(frozen=True)
class ChargeResult:
    ok: bool
    reference: str = ""  # provider id, e.g. a Stripe Refund id
    error: str = ""


class PaymentGateway(Protocol):
    name: str

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
    ) -> IntentResult: ...

    def confirm(self, *, reference: str, connect: Connect | None = None) -> IntentResult: ...

    def retrieve(self, *, reference: str, connect: Connect | None = None) -> IntentResult: ...

    def cancel(self, *, reference: str, idempotency_key: str, connect: Connect | None = None) -> IntentResult: ...

    def refund(
        self, *, reference: str, amount_minor: int, idempotency_key: str, connect: Connect | None = None
    ) -> ChargeResult: ...

    def parse_webhook(self, *, payload: bytes, signature_header: str) -> dict[str, Any]: ...


# Provider statuses of a PaymentIntent -> ours. `requires_payment_method` means "not paid
# yet" on a fresh intent and "declined" once an attempt failed (last_payment_error set).
INTENT_STATUS = {
    "requires_confirmation": "created",
    "requires_action": "requires_action",
    "processing": "processing",
    "requires_capture": "processing",
    "succeeded": "succeeded",
    "canceled": "cancelled",
}


def map_intent_status(provider_status: str, *, has_error: bool) -> str:
    if provider_status == "requires_payment_method":
        return "failed" if has_error else "created"
    return INTENT_STATUS.get(provider_status, "")


def field_of(obj: Any, name: str, default: Any = None) -> Any:
    """Attribute of a Stripe object or key of a dict (events arrive as plain dicts)."""
    if obj is None:
        return default
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def intent_from_object(pi: Any) -> IntentResult:
    """Map a PaymentIntent (SDK object or event payload dict) to an `IntentResult`."""
    provider_status = field_of(pi, "status", "") or ""
    error = field_of(pi, "last_payment_error")
    charge = field_of(pi, "latest_charge")
    refunded = field_of(charge, "amount_refunded", 0) if charge is not None and not isinstance(charge, str) else 0
    metadata = field_of(pi, "metadata") or {}
    if not isinstance(metadata, dict):
        metadata = metadata.to_dict()
    return IntentResult(
        ok=True,
        reference=field_of(pi, "id", ""),
        status=map_intent_status(provider_status, has_error=bool(error)),
        provider_status=provider_status,
        # What was actually received once paid (localstripe omits the field: fall back).
        amount_minor=int(field_of(pi, "amount_received", None) or field_of(pi, "amount", 0) or 0)
        if provider_status == "succeeded"
        else int(field_of(pi, "amount", 0) or 0),
        currency=(field_of(pi, "currency", "") or "").upper(),
        amount_refunded_minor=int(refunded or 0),
        client_secret=field_of(pi, "client_secret", "") or "",
        metadata={str(k): str(v) for k, v in metadata.items()},
        error=(field_of(error, "message", "") or "") if error else "",
    )
