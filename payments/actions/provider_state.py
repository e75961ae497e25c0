"""Applying provider state: every piece of news about a payment's intent goes through
`_apply_intent`, whether it is the answer to our own call (`payment_record_intent`), a
verified webhook or reconciliation. Late, duplicated or out-of-order news never moves a
payment backwards; news that cannot be about the payment (amount, currency, id) flags it."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext_noop

from office import audit
from office.queue import enqueue_on_commit
from office.texts import money, msg
from payments.actions.common import NOTIFY_PURPOSE_TASK, SOFT_STATES, Status, _flag, _move, _set_status_outside_table
from payments.gateways.base import IntentResult
from payments.models import Payment, PaymentOperation, Refund, WebhookEvent

logger = logging.getLogger(__name__)

MISMATCH = gettext_noop("The payment provider's news does not match this payment: %(problems)s.")


@transaction.atomic
def payment_record_intent(*, payment_id: int, result: IntentResult, kind: str, idempotency_key: str = "") -> Payment:
    """Record a provider answer: ledger row, reference (set once), then the state it shows."""
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    before = payment.status
    detail = result.error
    if result.reference and not payment.provider_reference:
        payment.provider_reference = result.reference
        payment.save(update_fields=["provider_reference", "updated_at"])
    elif result.reference and result.reference != payment.provider_reference:
        detail = f"provider returned {result.reference}, expected {payment.provider_reference}"
        logger.error("Payment %s: %s", payment.pk, detail)
        result = IntentResult(ok=False, error=detail)
    if result.reference == payment.provider_reference and result.status:
        # Provider events carry whole seconds; compare like with like.
        _apply_intent(payment, result, occurred_at=timezone.now().replace(microsecond=0), source=kind)
    elif kind == PaymentOperation.Kind.CREATE and not result.ok and not payment.provider_reference:
        # The provider refused to create an intent at all (e.g. currency not supported).
        _refused_to_create(payment, failure=result.error, source=kind)
    PaymentOperation.objects.create(
        payment=payment,
        kind=kind,
        ok=result.ok,
        provider=payment.provider,
        reference=result.reference,
        idempotency_key=idempotency_key or (payment.idempotency_key if kind == PaymentOperation.Kind.CREATE else ""),
        amount_minor=result.amount_minor or None,
        status_before=before,
        status_after=payment.status,
        detail=detail[:300],
    )
    return payment


def _refused_to_create(payment: Payment, *, failure: str, source: str) -> None:
    if payment.can_move_to(Status.FAILED):
        _move(payment, Status.FAILED, source=source, failure=failure)
    else:
        # Recorded as it always was, outside the table: a refusal repeated on a retry finds
        # the payment failed already (failed -> failed is no move) and gives the new reason.
        _set_status_outside_table(payment, Status.FAILED, source=source, failure=failure)


def _mismatch(payment: Payment, intent: IntentResult) -> list[dict[str, Any]]:
    """Why provider news cannot be about this payment (id, amount or currency differ), as
    messages rendered at read time (office/texts.py `msg`); empty when it can."""
    problems = []
    if intent.metadata.get("payment_id") and intent.metadata["payment_id"] != str(payment.pk):
        problems.append(msg(gettext_noop("it names payment #%(other)s"), {"other": str(intent.metadata["payment_id"])}))
    if intent.amount_minor and intent.amount_minor != payment.amount_minor:
        received = money(intent.amount_minor, intent.currency or payment.currency)
        expected = money(payment.amount_minor, payment.currency)
        problems.append(
            msg(
                gettext_noop("amount %(received)s, expected %(expected)s"), {"received": received, "expected": expected}
            )
        )
    if intent.currency and intent.currency != payment.currency:
        problems.append(
            msg(
                gettext_noop("currency %(received)s, expected %(expected)s"),
                {"received": intent.currency, "expected": payment.currency},
            )
        )
    return problems


def _apply_intent(payment: Payment, intent: IntentResult, *, occurred_at: datetime, source: str) -> str:
    """Move the (locked) payment to the provider's state when that is a forward move and
    the news is not older than what we know. Returns a WebhookEvent.Outcome value."""
    outcome = WebhookEvent.Outcome.IGNORED
    new = intent.status
    if new == Status.SUCCEEDED or (new and payment.status != new):
        problems = _mismatch(payment, intent)
        if problems:
            _flag(payment, MISMATCH, {"problems": problems}, source=source)
            return WebhookEvent.Outcome.FLAGGED
    known = payment.provider_updated_at
    if new == Status.SUCCEEDED and payment.status == Status.CANCELLED:
        _record_paid_after_close(payment, source=source)
        outcome = WebhookEvent.Outcome.FLAGGED
    elif new and new != payment.status and payment.can_move_to(new):
        stale = False
        if new in SOFT_STATES and known is not None:
            # Reopening a failed payment needs strictly newer news (a retry); other soft
            # moves need news at least as new as the last we applied.
            stale = occurred_at <= known if payment.status == Status.FAILED else occurred_at < known
        if not stale:
            _move(payment, new, source=source, failure=intent.error)
            outcome = WebhookEvent.Outcome.APPLIED
    if payment.is_paid and intent.amount_refunded_minor > payment.refunded_minor:
        _apply_refunded_total(payment, intent.amount_refunded_minor, source=source)
        outcome = WebhookEvent.Outcome.APPLIED
    if known is None or occurred_at > known:
        payment.provider_updated_at = occurred_at
        payment.save(update_fields=["provider_updated_at"])
    return outcome


def _record_paid_after_close(payment: Payment, *, source: str) -> None:
    """The provider took the money for a payment we had closed (expired by the sweep before
    we ever learnt of its intent, or cancelled). Money received is never dropped: the
    payment becomes paid (receipt, purpose told, payer told) outside the usual moves, and is
    flagged so that staff check for a second payment of the same purpose and refund one.
    The caller holds the row lock and has checked amount and currency."""
    was_expired = payment.expired_at is not None
    payment.paid_after_close_at = timezone.now()
    # First leave the "one live payment per purpose" constraint, then become paid: outside
    # `Payment.TRANSITIONS` on purpose (cancelled is final there), as money received is never dropped.
    payment.save(update_fields=["paid_after_close_at", "updated_at"])
    _set_status_outside_table(payment, Status.SUCCEEDED, source=f"{source} (after close)")
    others = list(
        Payment.objects.filter(purpose_type=payment.purpose_type, purpose_id=payment.purpose_id)
        .exclude(pk=payment.pk)
        .exclude(status=Status.CANCELLED)
        .values_list("pk", flat=True)
    )
    if was_expired:
        problem = gettext_noop(
            "Paid at the provider after this payment had expired; check the other attempts for the "
            "same purpose (%(others)s) and refund one if it was paid twice."
        )
    else:
        problem = gettext_noop(
            "Paid at the provider after this payment had been cancelled; check the other attempts for "
            "the same purpose (%(others)s) and refund one if it was paid twice."
        )
    _flag(payment, problem, {"others": ", ".join(f"#{pk}" for pk in others) or "—"}, source=source)
    audit.record(
        actor=None,
        verb="payments.payment.paid_after_close",
        target=payment,
        organization=payment.payee_organization,
        data={"source": source, "amount_minor": payment.amount_minor, "other_attempts": others},
    )


def _apply_refunded_total(payment: Payment, total_minor: int, *, source: str) -> None:
    """The provider says `total_minor` has been refunded in all. Refunds we did not ask for
    (made in the Stripe dashboard) get a row of their own, so rows always add up."""
    total_minor = min(total_minor, payment.amount_minor)
    known = (
        payment.refunds.filter(status__in=[Refund.Status.SUCCEEDED, Refund.Status.PENDING]).aggregate(
            s=Sum("amount_minor")
        )["s"]
        or 0
    )
    if total_minor > known:
        number = (payment.refunds.aggregate(n=Max("number"))["n"] or 0) + 1
        Refund.objects.create(
            payment=payment,
            number=number,
            amount_minor=total_minor - known,
            reason=gettext_noop("Refunded at the payment provider."),
            reason_params={},  # rendered in the reader's language (Refund.reason_text)
            status=Refund.Status.SUCCEEDED,
            idempotency_key=f"{payment.idempotency_key}-external-{number}",
        )
    _set_refunded(payment, max(payment.refunded_minor, total_minor), source=source)


def _set_refunded(payment: Payment, refunded_minor: int, *, source: str) -> None:
    if refunded_minor <= payment.refunded_minor:
        return
    payment.refunded_minor = refunded_minor
    payment.save(update_fields=["refunded_minor", "updated_at"])
    new = Status.REFUNDED if refunded_minor >= payment.amount_minor else Status.PARTIALLY_REFUNDED
    if new != payment.status and payment.can_move_to(new):
        _move(payment, new, source=source)
    else:
        enqueue_on_commit(NOTIFY_PURPOSE_TASK, payment_id=payment.pk)
