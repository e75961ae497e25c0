"""What every payments action shares: the errors they raise, the provider's Connect details
and unreachable-provider ledger row, flagging a payment for staff, and the one writer of a
payment's status: `_move` along `Payment.TRANSITIONS` (through `move_to`), or, for the few
cases that say why, `_set_status_outside_table`; both then save it with its receipt number,
audit it and tell the purpose after commit."""

from __future__ import annotations

import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from office import audit
from office.exceptions import DomainError
from office.queue import enqueue_on_commit
from office.texts import render
from payments.gateways.base import Connect
from payments.models import Payment, PaymentOperation, ReceiptCounter

logger = logging.getLogger(__name__)
Status = Payment.Status

# Provider news about these states is "soft": an older event must not overwrite a newer one.
SOFT_STATES = {Status.CREATED, Status.REQUIRES_ACTION, Status.PROCESSING, Status.FAILED}

# Named by dotted path: payments.tasks imports the actions (office/queue.py resolves it when sending).
NOTIFY_PURPOSE_TASK = "payments.tasks.payment_notify_purpose_task"


class PaymentError(DomainError):
    pass


class ProviderUnavailable(DomainError):
    """The provider could not be reached; nothing was charged twice, try again later."""


def connect_of(payment: Payment) -> Connect | None:
    if not payment.payee_stripe_account:
        return None
    return Connect(
        account=payment.payee_stripe_account,
        mode=payment.connect_mode or Payment.ConnectMode.DESTINATION,
        application_fee_minor=payment.application_fee_minor,
    )


def _log_unavailable(payment: Payment, kind: str, error: str, idempotency_key: str = "") -> None:
    PaymentOperation.objects.create(
        payment=payment,
        kind=kind,
        ok=False,
        provider=payment.provider,
        idempotency_key=idempotency_key,
        status_before=payment.status,
        status_after=payment.status,
        detail=f"provider unavailable: {error}"[:300],
    )


def _unavailable(payment: Payment, kind: str, exc: Exception, idempotency_key: str = "") -> ProviderUnavailable:
    """Log a provider call that could not reach the provider; the error to raise from it."""
    _log_unavailable(payment, kind, str(exc), idempotency_key)
    return ProviderUnavailable(_("The payment provider cannot be reached; please try again shortly."))


def _move(payment: Payment, new_status: str, *, source: str, failure: str = "") -> None:
    """Move the payment along `Payment.TRANSITIONS` and record it (the caller holds the row
    lock and has checked the move: `move_to` raises `InvalidTransition` otherwise)."""
    old = payment.status
    payment.move_to(new_status)
    _record_status(payment, old, source=source, failure=failure)


def _set_status_outside_table(payment: Payment, new_status: str, *, source: str, failure: str = "") -> None:
    """Set a status that `Payment.TRANSITIONS` does not lead to, and record it like a move.
    Only for news the table cannot refuse (money taken after close, a refusal repeated on a
    failed payment): each caller says why in a comment. The caller holds the row lock."""
    old = payment.status
    payment.status = new_status
    _record_status(payment, old, source=source, failure=failure)


def _record_status(payment: Payment, old: str, *, source: str, failure: str) -> None:
    """Save a status just set: receipt number on success, failure message, audit, and the
    purpose told after commit."""
    new_status = payment.status
    fields = ["status", "updated_at"]
    if new_status == Status.SUCCEEDED and payment.succeeded_at is None:
        payment.succeeded_at = timezone.now()
        payment.receipt_number = _next_receipt_number(payment.succeeded_at.year)
        fields += ["succeeded_at", "receipt_number"]
    if new_status == Status.FAILED:
        payment.failure_message = (failure or payment.failure_message)[:300]
        fields.append("failure_message")
    elif failure == "" and new_status in (Status.SUCCEEDED, Status.PROCESSING) and payment.failure_message:
        payment.failure_message = ""
        fields.append("failure_message")
    payment.save(update_fields=fields)
    audit.record(
        actor=None,
        verb=f"payments.payment.{new_status}",
        target=payment,
        organization=payment.payee_organization,
        data={"from": old, "source": source},
    )
    enqueue_on_commit(NOTIFY_PURPOSE_TASK, payment_id=payment.pk)


def _next_receipt_number(year: int) -> str:
    """The next number of `year`, taken under the counter's row lock in the transaction that
    marks the payment paid: a rollback returns the number, so the sequence has no gaps."""
    try:
        with transaction.atomic():
            ReceiptCounter.objects.get_or_create(year=year)
    except IntegrityError:
        pass  # created concurrently
    counter = ReceiptCounter.objects.select_for_update().get(year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"R{year}-{counter.last_number:06d}"


def _flag(payment: Payment, problem: str, params: dict[str, Any] | None = None, *, source: str) -> None:
    """Flag the (locked) payment for staff. `problem` is an English message id (gettext_noop)
    and `params` its parameters (office/texts.py), so each reader sees it in their language."""
    params = params if params is not None else {}
    payment.discrepancy, payment.discrepancy_params = problem[:300], params
    payment.save(update_fields=["discrepancy", "discrepancy_params", "updated_at"])
    audit.record(
        actor=None,
        verb="payments.payment.flagged",
        target=payment,
        organization=payment.payee_organization,
        data={"problem": problem, "problem_params": params, "source": source},
    )
    with translation.override("en"):
        logger.warning("Payment %s flagged: %s", payment.pk, render(problem, params))
