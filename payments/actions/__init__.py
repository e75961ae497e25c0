"""Every write of the payments app, one module per topic.

Workflow of a payment (see `Payment.TRANSITIONS`):

    created -> requires_action -> processing -> succeeded -> partially_refunded -> refunded
       |             |               |
       +-------------+---------------+-> failed (retry on the same intent) -> succeeded ...
       +-> cancelled (only at the provider first, so the old intent can never be paid)

The pattern for every provider call (STYLE §9): commit our row first, call the gateway
holding no lock with an idempotency key taken from our row, then record the result in a
locked transaction that ignores repeats. Provider state arrives three ways, all through
`_apply_intent`: the answer to our own call, a verified webhook, and reconciliation; late,
duplicated or out-of-order news never moves a payment backwards.

    create          payment_create, payment_ensure_intent, payment_confirm, payment_cancel
    provider_state  payment_record_intent and how provider news moves a payment
    webhooks        webhook_event_apply: one verified event, once
    reconcile       payment_sync, payment_reconcile (the sweep), payment_expire
    purpose         payment_notify_purpose: the payable policy, the payer told
    refunds         payment_refund, refund_automatically, refund_submit, refund_record_result
    requests        payment requests, the built-in purpose
    common          errors, Connect details, `_move` (the one writer of a payment's status)

Callers import from here (`from payments import actions`); the modules import each other
directly, never this package.
"""

from payments.actions.common import SOFT_STATES, PaymentError, ProviderUnavailable, connect_of
from payments.actions.create import payment_cancel, payment_confirm, payment_create, payment_ensure_intent
from payments.actions.provider_state import payment_record_intent
from payments.actions.purpose import payment_notify_purpose
from payments.actions.reconcile import abandon_after_seconds, payment_expire, payment_reconcile, payment_sync
from payments.actions.refunds import (
    payment_refund,
    refund_automatically,
    refund_available_minor,
    refund_record,
    refund_record_result,
    refund_submit,
)
from payments.actions.requests import (
    PAYMENT_REQUEST_PURPOSE,
    payment_request_cancel,
    payment_request_create,
    payment_request_pay,
    register_builtin_payables,
)
from payments.actions.webhooks import INTENT_EVENTS, webhook_event_apply

__all__ = [
    "INTENT_EVENTS",
    "PAYMENT_REQUEST_PURPOSE",
    "SOFT_STATES",
    "PaymentError",
    "ProviderUnavailable",
    "abandon_after_seconds",
    "connect_of",
    "payment_cancel",
    "payment_confirm",
    "payment_create",
    "payment_ensure_intent",
    "payment_expire",
    "payment_notify_purpose",
    "payment_reconcile",
    "payment_record_intent",
    "payment_refund",
    "payment_request_cancel",
    "payment_request_create",
    "payment_request_pay",
    "payment_sync",
    "refund_automatically",
    "refund_available_minor",
    "refund_record",
    "refund_record_result",
    "refund_submit",
    "register_builtin_payables",
    "webhook_event_apply",
]
