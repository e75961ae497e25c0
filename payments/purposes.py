"""What a payment is for. Business apps register a `Purpose` from their AppConfig.ready();
`payments` calls its handlers after the payment's change has committed, inside a
transaction that also records that they ran, holding the payment's row lock.

Handlers must be idempotent all the same (a crash after the handler but before the commit
runs it again): `if order.paid_at: return`.

    from payments import purposes
    purposes.register(purposes.Purpose(
        key="services.order", label=_("Service order"),
        on_succeeded=order_mark_paid, on_failed=order_payment_failed, on_refunded=order_refunded,
        url=lambda payment: reverse("services:order_detail", args=[payment.purpose_id]),
    ))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from payments.models import Payment

Handler = Callable[["Payment"], None]


@dataclass(frozen=True)
class Purpose:
    key: str  # "<app>.<thing>", stored in Payment.purpose_type
    label: Any
    on_succeeded: Handler | None = None
    on_failed: Handler | None = None  # failed or cancelled
    on_refunded: Handler | None = None  # payment.refunded_minor tells how much in total
    url: Callable[[Payment], str] | None = None  # where the payer goes back to


_registry: dict[str, Purpose] = {}


def register(purpose: Purpose) -> Purpose:
    _registry[purpose.key] = purpose
    return purpose


def unregister(key: str) -> None:
    _registry.pop(key, None)


def get(key: str) -> Purpose | None:
    return _registry.get(key)


def choices() -> list[tuple[str, Any]]:
    return sorted(((p.key, p.label) for p in _registry.values()), key=lambda item: item[0])
