"""Telling a payment's purpose, and its payer, what happened: the payable policy.

`payment_notify_purpose` runs after commit (a task, or the sweep's catch-up) and applies the
one policy of `payments.payables` to every purpose: a success is applied once; a second
success, or one after the target closed, is refunded automatically (`_refund_unwanted`); a
success for another amount or currency is refused, flagged and finance staff told
(`_refuse_mismatch`); failures and refunds are passed on. The "told" marker commits with
the handlers' writes under the row lock, so nobody is told twice."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_noop

from office import audit
from office.actions import notify
from office.texts import money, tr
from payments import payables, permissions
from payments.actions.common import Status, _flag
from payments.actions.refunds import refund_automatically
from payments.models import Payment

logger = logging.getLogger(__name__)


@transaction.atomic
def payment_notify_purpose(*, payment_id: int) -> Payment:
    """Tell the purpose, and the payer, what happened since they were last told. Runs after
    the change has committed; the purpose's handlers (through the one policy of
    `payments.payables`), the payer's notifications and the "told" marker commit together
    under the row lock, so a duplicate webhook, a redelivered task or the sweep's catch-up
    never tells anyone twice."""
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    payable = payables.get(payment.purpose_type)
    told = payment.notified_status
    if payable is None:
        logger.warning("Payment %s: no payable registered for %s", payment.pk, payment.purpose_type)
    else:
        _tell_payable(payable, payment, told_status=told)
    _notify_payer(payment, told_status=told, told_refunded_minor=payment.notified_refunded_minor)
    if told != payment.status or payment.notified_refunded_minor != payment.refunded_minor:
        payment.notified_status = payment.status
        payment.notified_refunded_minor = payment.refunded_minor
        payment.save(update_fields=["notified_status", "notified_refunded_minor"])
    return payment


def _tell_payable(payable: payables.Payable, payment: Payment, *, told_status: str) -> None:
    """The payable policy (module docstring of `payments.payables`), for one locked payment."""
    paid_news = payment.is_paid and told_status not in Payment.PAID
    failed_news = payment.status in (Status.FAILED, Status.CANCELLED) and told_status != payment.status
    refund_news = payment.refunded_minor > payment.notified_refunded_minor
    if not (paid_news or failed_news or refund_news):
        return
    target = _lock_target(payable, payment)
    if target is None:
        if paid_news:
            _set_outcome(payment, Payment.PurposeOutcome.UNKNOWN)
            _flag(payment, gettext_noop("The payment's purpose no longer exists; refund it by hand."), source="purpose")
        return
    if paid_news:
        _apply_success(payable, target, payment)
    if failed_news and payable.on_failed is not None:
        payable.on_failed(target, payment)
    if refund_news and payable.on_refunded is not None and payment.purpose_outcome == Payment.PurposeOutcome.APPLIED:
        payable.on_refunded(target, payment)


def _lock_target(payable: payables.Payable, payment: Payment) -> Any:
    try:
        target = payable.lock(payment.purpose_id)
    except (ObjectDoesNotExist, ValueError):
        target = None
    if target is None:
        logger.error("Payment %s names unknown %s %s", payment.pk, payment.purpose_type, payment.purpose_id)
    return target


def _apply_success(payable: payables.Payable, target: Any, payment: Payment) -> None:
    """Success, told for the first time: paid twice, wrong amount, too late, or applied."""
    Outcome = Payment.PurposeOutcome
    if payment.purpose_outcome:
        return  # decided when it was first told (a redelivery after a crash cannot get here, but)
    with translation.override("en"):  # the label's message id, rendered for each reader
        what = {"what": tr(str(payable.label)), "target": str(target)}
    if payable.is_paid(target):
        reason = gettext_noop("%(what)s %(target)s was paid already: this payment is refunded automatically.")
        _refund_unwanted(target, payment, Outcome.DUPLICATE, "payments.payable.paid_twice", reason, what)
        return
    expected = payable.expected(target)
    if (payment.amount_minor, payment.currency) != (expected.amount_minor, expected.currency):
        _refuse_mismatch(target, payment, expected)
        return
    if not payable.is_open(target):
        reason = gettext_noop("%(what)s %(target)s could no longer be paid: this payment is refunded automatically.")
        _refund_unwanted(target, payment, Outcome.CLOSED, "payments.payable.paid_when_closed", reason, what)
        return
    payable.on_paid(target, payment)
    _set_outcome(payment, Outcome.APPLIED)


def _set_outcome(payment: Payment, outcome: str) -> None:
    payment.purpose_outcome = outcome
    payment.save(update_fields=["purpose_outcome", "updated_at"])


def _refund_unwanted(target: Any, payment: Payment, outcome: str, verb: str, reason: str, params: dict) -> None:
    """Money the target cannot take goes back in full: after commit, idempotent, swept."""
    _set_outcome(payment, outcome)
    refund = refund_automatically(payment_id=payment.pk, reason=reason, params=params)
    logger.warning("Payment %s refunded automatically (%s) for %s %s", payment.pk, outcome, payment.purpose_type,
                   payment.purpose_id)  # fmt: skip
    audit.record(
        actor=None,
        verb=verb,
        target=target,
        data={
            "purpose": payment.purpose_type,
            "payment": payment.pk,
            "refund": refund.number if refund else None,
            "amount_minor": refund.amount_minor if refund else 0,
        },
    )


def _refuse_mismatch(target: Any, payment: Payment, expected: payables.Money) -> None:
    """A success for another amount or currency than the target's is never booked: the
    payment is flagged and the receiving office's finance staff decide (refund, or ask)."""
    _set_outcome(payment, Payment.PurposeOutcome.MISMATCH)
    paid = money(payment.amount_minor, payment.currency)
    owed = money(expected.amount_minor, expected.currency)
    _flag(payment, gettext_noop("Paid %(paid)s where %(owed)s was due; not booked."), {"paid": paid, "owed": owed},
          source="purpose")  # fmt: skip
    audit.record(
        actor=None,
        verb="payments.payable.payment_mismatched",
        target=target,
        data={
            "purpose": payment.purpose_type,
            "payment": payment.pk,
            "amount_minor": payment.amount_minor,
            "currency": payment.currency,
            "expected_minor": expected.amount_minor,
            "expected_currency": expected.currency,
        },
    )
    for user_id in permissions.refund_staff_ids(payment):
        notify(
            recipient_id=user_id,
            verb="payments.payable.payment_mismatched",
            title=gettext_noop("Payment %(number)s does not match what it pays for: please check it"),
            url=reverse("payments:payment_detail", kwargs={"pk": payment.pk}),
            params={"number": payment.receipt_number or payment.pk},
        )


def _notify_payer(payment: Payment, *, told_status: str, told_refunded_minor: int) -> None:
    """In-app notification (and its e-mail copy, sent after commit by office.notify) to the
    paying user when the payment succeeded, failed or was refunded since last told.
    Cancellations are not announced: the payer or staff chose them, or the sweep expired a
    payment nobody had started."""
    if payment.payer_user_id is None:
        return
    url = reverse("payments:payment_detail", args=[payment.pk])
    amount = money(payment.amount_minor, payment.currency)
    what = {"amount": amount, "description": payment.description, "payee": payment.payee_name}
    if payment.is_paid and told_status not in Payment.PAID:
        unneeded = payment.purpose_outcome in (Payment.PurposeOutcome.DUPLICATE, Payment.PurposeOutcome.CLOSED)
        body = (
            gettext_noop(
                "%(payee)s received your payment of %(amount)s, but it was no longer needed: it is refunded in full."
            )
            if unneeded
            else gettext_noop("Thank you: %(payee)s received your payment of %(amount)s. Receipt %(receipt)s is ready.")
        )
        notify(
            recipient_id=payment.payer_user_id,
            verb="payments.payment.succeeded",
            title=gettext_noop("Payment received: %(amount)s for %(description)s"),
            body=body,
            url=url,
            params={**what, "receipt": payment.receipt_number},
        )
    if payment.status == Status.FAILED and told_status != Status.FAILED:
        notify(
            recipient_id=payment.payer_user_id,
            verb="payments.payment.failed",
            title=gettext_noop("Payment failed: %(amount)s for %(description)s"),
            body=gettext_noop("%(reason)s Nothing was charged; you can try again from the payment page."),
            url=url,
            params={
                **what,
                "reason": payment.failure_message or tr(gettext_noop("The payment provider declined the payment.")),
            },
        )
    if payment.refunded_minor > told_refunded_minor:
        refunded = money(payment.refunded_minor - told_refunded_minor, payment.currency)
        notify(
            recipient_id=payment.payer_user_id,
            verb="payments.payment.refunded",
            title=gettext_noop("Refund of %(refunded)s for %(description)s"),
            body=gettext_noop(
                "%(payee)s refunded %(refunded)s of your payment of %(amount)s (%(total)s refunded in all)."
            ),
            url=url,
            params={**what, "refunded": refunded, "total": money(payment.refunded_minor, payment.currency)},
        )
