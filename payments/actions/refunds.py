"""Refunds: asked for by finance staff (`payment_refund`) or made automatically for money a
purpose cannot take (`refund_automatically`). A refund is written pending under the payment's
row lock, sent to the provider after commit with a key from our row (`refund_submit`, retried
by the sweep), and its answer recorded once (`refund_record_result`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max, Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from office import audit
from office.actions import notify
from office.exceptions import InvalidTransition
from office.money import check_amount
from office.queue import enqueue_on_commit
from payments import permissions
from payments.actions.common import PaymentError, Status, _log_unavailable, connect_of
from payments.actions.provider_state import _set_refunded
from payments.gateways import gateway_for
from payments.gateways.base import ChargeResult, GatewayUnavailable
from payments.models import Payment, PaymentOperation, Refund

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Named by dotted path: payments.tasks imports the actions (office/queue.py resolves it when sending).
REFUND_SUBMIT_TASK = "payments.tasks.refund_submit_task"


def payment_refund(*, payment_id: int, actor: User, reason: str, amount_minor: int | None = None) -> Refund:
    """Refund a paid payment in full (no amount) or in part, with a reason; audited.
    Refuses people other than the receiving office's finance staff, unpaid payments and
    amounts above what is left (counting refunds still pending at the provider)."""
    reason = (reason or "").strip()
    if not reason:
        raise PaymentError(_("Give a reason for the refund."))
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if not permissions.can_refund_any(actor, payment):
            raise PermissionDenied(_("You cannot refund this payment."))
        if not payment.is_paid:
            raise InvalidTransition(payment, Status.REFUNDED.label)
        if amount_minor is not None:  # what the refund form refuses; a paid amount is within the maximum
            check_amount(amount_minor, payment.currency)
        refund = refund_record(payment=payment, amount_minor=amount_minor, reason=reason, requested_by=actor)
    return refund_submit(refund_id=refund.pk)


def refund_available_minor(payment: Payment) -> int:
    """What is left to refund: paid, less what is refunded or on its way. The provider's total
    (`refunded_minor`, kept from its events) can already include a refund of ours whose answer
    we have not recorded yet, so it is not added to ours (succeeded and pending): the larger
    of the two counts. The provider refuses a refund above what it has left, whatever we ask."""
    ours = (
        payment.refunds.filter(status__in=[Refund.Status.PENDING, Refund.Status.SUCCEEDED]).aggregate(
            s=Sum("amount_minor")
        )["s"]
        or 0
    )
    return payment.amount_minor - max(payment.refunded_minor, ours)


def refund_record(
    *,
    payment: Payment,
    amount_minor: int | None,
    reason: str,
    requested_by: User | None,
    automatic: bool = False,
    reason_params: dict | None = None,
) -> Refund:
    """Write a pending refund of a payment the caller has locked (select_for_update) and checked
    may be refunded; audited. Whole rest when no amount. The provider is called by refund_submit."""
    available = refund_available_minor(payment)
    amount = available if amount_minor is None else amount_minor
    if amount <= 0 or amount > available:
        raise PaymentError(_("You can refund at most %(n)s minor units.") % {"n": max(available, 0)})
    number = (payment.refunds.aggregate(n=Max("number"))["n"] or 0) + 1
    refund = Refund.objects.create(
        payment=payment,
        number=number,
        amount_minor=amount,
        reason=reason,
        reason_params=reason_params,
        requested_by=requested_by,
        idempotency_key=f"{payment.idempotency_key}-refund-{number}",
    )
    data = {"refund": number, "amount_minor": amount, "reason": reason}
    if reason_params is not None:
        data["reason_params"] = reason_params
    if automatic:
        data["automatic"] = True
    audit.record(
        actor=requested_by,
        verb="payments.refund.requested",
        target=payment,
        organization=payment.payee_organization,
        data=data,
    )
    return refund


def refund_automatically(
    *, payment_id: int, reason: str, params: dict | None = None, requested_by: User | None = None
) -> Refund | None:
    """Refund the rest of a paid payment without a finance person asking: money that arrived
    for something that can no longer take it, or a cancellation (`requested_by`: who caused
    it, if anyone). Runs in the caller's transaction (the payment row locked); the provider is
    called after commit, and the reconcile sweep retries a refund left pending. Idempotent:
    nothing is written once the whole payment is refunded or pending. `reason` is a gettext_noop
    message id with `params` (office/texts.py), shown in each reader's language."""
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    if not payment.is_paid or refund_available_minor(payment) <= 0:
        return None
    refund = refund_record(
        payment=payment,
        amount_minor=None,
        reason=reason,
        reason_params=params if params is not None else {},
        requested_by=requested_by,
        automatic=True,
    )
    enqueue_on_commit(REFUND_SUBMIT_TASK, refund_id=refund.pk)
    return refund


def refund_submit(*, refund_id: int) -> Refund:
    """Send a pending refund to the provider (again, with the same key, if an earlier try
    could not reach it) and record the answer. A repeat after a result changes nothing."""
    refund = Refund.objects.select_related("payment").get(pk=refund_id)
    if refund.status != Refund.Status.PENDING:
        return refund
    payment = refund.payment
    try:
        result = gateway_for(payment.provider).refund(
            reference=payment.provider_reference,
            amount_minor=refund.amount_minor,
            idempotency_key=refund.idempotency_key,
            connect=connect_of(payment),
        )
    except GatewayUnavailable as exc:
        with transaction.atomic():
            _log_unavailable(payment, PaymentOperation.Kind.REFUND, str(exc), refund.idempotency_key)
            Refund.objects.filter(pk=refund.pk).update(error=_("Provider unavailable; retrying."))
        refund.refresh_from_db()
        return refund
    return refund_record_result(refund_id=refund_id, result=result)


@transaction.atomic
def _tell_finance_of_failed_refund(payment: Payment, refund: Refund) -> None:
    """A refund the provider refused that no finance person asked for (an automatic one, or a
    client's cancellation) would otherwise go unnoticed: finance staff are told, with a link."""
    if refund.requested_by is not None and permissions.can_refund_any(refund.requested_by, payment):
        return  # they asked, and see the failure where they asked
    for user_id in permissions.refund_staff_ids(payment):
        notify(
            recipient_id=user_id,
            verb="payments.refund_failed",
            title=gettext_noop("A refund of payment %(number)s failed: please refund by hand"),
            url=reverse("payments:payment_detail", kwargs={"pk": payment.pk}),
            params={"number": payment.receipt_number or payment.pk},
        )


@transaction.atomic
def refund_record_result(*, refund_id: int, result: ChargeResult) -> Refund:
    """Record the provider's answer to a pending refund: succeeded (the payment's refunded
    total and status follow) or failed (finance told when nobody of theirs asked). Once."""
    # Lock order everywhere: payment, then its refunds, then the receipt counter.
    payment_id = Refund.objects.values_list("payment_id", flat=True).get(pk=refund_id)
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    refund = Refund.objects.select_for_update().get(pk=refund_id)
    if refund.status != Refund.Status.PENDING:
        return refund
    before = payment.status
    if result.ok:
        refund.status = Refund.Status.SUCCEEDED
        refund.provider_reference = result.reference
        refund.error = ""
        refund.save(update_fields=["status", "provider_reference", "error", "updated_at"])
        succeeded = payment.refunds.filter(status=Refund.Status.SUCCEEDED).aggregate(s=Sum("amount_minor"))["s"]
        _set_refunded(payment, max(payment.refunded_minor, succeeded or 0), source="refund")
    else:
        refund.status = Refund.Status.FAILED
        refund.error = result.error[:300]
        refund.save(update_fields=["status", "error", "updated_at"])
        _tell_finance_of_failed_refund(payment, refund)
    PaymentOperation.objects.create(
        payment=payment,
        kind=PaymentOperation.Kind.REFUND,
        ok=result.ok,
        provider=payment.provider,
        reference=result.reference,
        idempotency_key=refund.idempotency_key,
        amount_minor=refund.amount_minor,
        status_before=before,
        status_after=payment.status,
        detail=result.error[:300],
    )
    audit.record(
        actor=refund.requested_by,
        verb="payments.refund.succeeded" if result.ok else "payments.refund.failed",
        target=payment,
        organization=payment.payee_organization,
        data={"refund": refund.number, "amount_minor": refund.amount_minor, "error": result.error},
    )
    return refund
