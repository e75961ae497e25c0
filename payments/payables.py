"""What a payment is for: each business app declares its payables once, and `payments`
applies one policy to all of them.

A payable names its purpose key (stored in `Payment.purpose_type`; its own id is
`Payment.purpose_id`) and says how to lock the thing paid for (the *target*), what it costs,
whether it is paid already or still payable, and what success, failure and refunds do:

    register_payable(Payable(
        purpose="procurement.purchase_order",
        label=gettext_lazy("Purchase order"),
        lock=lambda pk: PurchaseOrder.objects.select_for_update().filter(pk=pk).first(),
        expected=lambda po: Money(po.total_minor, po.currency),
        is_paid=lambda po: po.paid_at is not None,
        is_open=lambda po: po.status == PurchaseOrder.Status.PLACED,   # payable now?
        on_paid=purchase_order_paid,        # applies success; called under the lock, once
        on_refunded=purchase_order_refunded,
        url=lambda payment: reverse("procurement:order_detail", args=[payment.purpose_id]),
    ))

The policy (`payments.actions.payment_notify_purpose`), the same for every purpose, holding
the payment's row lock and then the target's:

* success, target not paid, amount and currency as expected, target payable → `on_paid`;
* success for a target paid already (a second payment) → refunded automatically, audited
  `payments.payable.paid_twice`;
* success for a target that can no longer be paid (cancelled, expired, closed) → refunded
  automatically, audited `payments.payable.paid_when_closed`;
* success with another amount or currency → refused (nothing applied), the payment flagged,
  audited `payments.payable.payment_mismatched`, the receiving office's finance staff told;
* a repeated or out-of-order provider event → nothing (the payment's own state machine and
  its "told" markers see to that);
* `on_refunded` hears only of refunds of the payment that paid the target, `on_failed` of a
  failed or cancelled attempt.

Automatic refunds go to the provider after commit and are retried by the reconcile sweep.
What each payment did for its purpose is kept in `Payment.purpose_outcome`.
Handlers get the locked target and the payment; they must not lock the payment again in
another order (the payment is always locked first).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from payments.models import Payment


@dataclass(frozen=True)
class Money:
    amount_minor: int
    currency: str


@dataclass(frozen=True)
class Payable:
    purpose: str  # "<app>.<thing>"
    label: Any  # translatable name of the purpose
    lock: Callable[[str], Any]  # purpose_id -> the target, row-locked (None or DoesNotExist: unknown)
    expected: Callable[[Any], Money]  # what the target costs
    is_paid: Callable[[Any], bool]  # paid already (by any payment)
    is_open: Callable[[Any], bool]  # may be paid now
    on_paid: Callable[[Any, Payment], None]
    on_refunded: Callable[[Any, Payment], None] | None = None  # payment.refunded_minor: the total
    on_failed: Callable[[Any, Payment], None] | None = None  # an attempt failed or was cancelled
    url: Callable[[Payment], str] | None = None  # where the payer goes back to


_registry: dict[str, Payable] = {}


def register_payable(payable: Payable) -> Payable:
    _registry[payable.purpose] = payable
    return payable


def unregister_payable(purpose: str) -> None:
    _registry.pop(purpose, None)


def get(purpose: str) -> Payable | None:
    return _registry.get(purpose)


def registered() -> list[Payable]:
    return sorted(_registry.values(), key=lambda payable: payable.purpose)


def choices() -> list[tuple[str, Any]]:
    return [(payable.purpose, payable.label) for payable in registered()]
