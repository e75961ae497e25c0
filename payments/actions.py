"""Every write of the payments app.

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
"""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from office import audit
from office.exceptions import DomainError, InvalidTransition
from office.models import Organization
from office.queue import enqueue_on_commit
from payments import payables, permissions
from payments.gateways import backend_name, gateway_for
from payments.gateways.base import ChargeResult, Connect, GatewayUnavailable, IntentResult, intent_from_object
from payments.models import (
    Payment,
    PaymentOperation,
    PaymentRequest,
    ReceiptCounter,
    Refund,
    WebhookEvent,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)
Status = Payment.Status

# Provider news about these states is "soft": an older event must not overwrite a newer one.
SOFT_STATES = {Status.CREATED, Status.REQUIRES_ACTION, Status.PROCESSING, Status.FAILED}


class PaymentError(DomainError):
    pass


class ProviderUnavailable(DomainError):
    """The provider could not be reached; nothing was charged twice, try again later."""


# --- creating ------------------------------------------------------------------------------


def payment_create(
    *,
    purpose_type: str,
    purpose_id: str | int,
    amount_minor: int,
    currency: str,
    description: str,
    payer_user: Any = None,
    payer_organization: Organization | None = None,
    payer_name: str = "",
    payee_organization: Organization | None = None,
    payee_name: str = "",
    payee_stripe_account: str | None = None,
    application_fee_minor: int = 0,
    created_by: Any = None,
) -> Payment:
    """The payment for a purpose: the one already open (or paid, or failed and retryable),
    else a new attempt. Two tabs or a double click get the same row: the database allows one
    payment per purpose that is not cancelled. Refuses unknown purposes and bad amounts."""
    if payables.get(purpose_type) is None:
        raise PaymentError(_("Unknown payment purpose %(key)s.") % {"key": purpose_type})
    if not isinstance(amount_minor, int) or amount_minor <= 0:
        raise PaymentError(_("The amount must be a positive whole number of minor units."))
    if not 0 <= application_fee_minor <= amount_minor:
        raise PaymentError(_("The application fee must lie between zero and the amount."))
    currency = (currency or settings.DEFAULT_CURRENCY).upper()
    if payee_organization is None and not payee_name:
        payee_organization = Organization.objects.filter(is_home=True).first()
    if payee_stripe_account is None:
        payee_stripe_account = payee_organization.stripe_account_id if payee_organization else ""
    connect_mode = ""
    if payee_stripe_account:
        connect_mode = settings.PAYMENTS_CONNECT_MODE
    purpose_id = str(purpose_id)
    # An attempt abandoned before any provider intent existed gives way to a fresh one.
    for abandoned_id in (
        _abandoned(abandon_after_seconds())
        .filter(purpose_type=purpose_type, purpose_id=purpose_id)
        .values_list("pk", flat=True)
    ):
        payment_expire(payment_id=abandoned_id)

    for _attempt in range(5):
        try:
            with transaction.atomic():
                existing = (
                    Payment.objects.filter(purpose_type=purpose_type, purpose_id=purpose_id)
                    .exclude(status=Status.CANCELLED)
                    .first()
                )
                if existing is not None:
                    return existing
                last = Payment.objects.filter(purpose_type=purpose_type, purpose_id=purpose_id).aggregate(
                    n=Max("attempt")
                )["n"]
                attempt = (last or 0) + 1
                payment = Payment.objects.create(
                    purpose_type=purpose_type,
                    purpose_id=purpose_id,
                    attempt=attempt,
                    # Unique per purpose and attempt; the random tail keeps keys unique across
                    # databases sharing one Stripe account (keys live 24 h at Stripe).
                    idempotency_key=f"payment-{purpose_type}-{purpose_id}-{attempt}-{secrets.token_hex(4)}",
                    amount_minor=amount_minor,
                    currency=currency,
                    description=description[:300],
                    payer_user=payer_user,
                    payer_organization=payer_organization,
                    payer_name=(payer_name or _display_name(payer_user))[:200],
                    payee_organization=payee_organization,
                    payee_name=(payee_name or (str(payee_organization) if payee_organization else ""))[:200],
                    payee_stripe_account=payee_stripe_account,
                    connect_mode=connect_mode,
                    application_fee_minor=application_fee_minor,
                    provider=backend_name(),
                    created_by=created_by or payer_user,
                )
                audit.record(
                    actor=created_by or payer_user,
                    verb="payments.payment.created",
                    target=payment,
                    organization=payee_organization,
                    data={"amount_minor": amount_minor, "currency": currency, "purpose": purpose_type},
                )
                return payment
        except IntegrityError:
            continue  # a concurrent request created it first: read theirs
    raise PaymentError(_("The payment could not be created; please try again."))


def _display_name(user: Any) -> str:
    if user is None:
        return ""
    from office.access import client_account, staff_profile

    profile = staff_profile(user) or client_account(user)
    if profile is not None:
        return profile.display_name
    return user.get_full_name() or user.get_username()


def connect_of(payment: Payment) -> Connect | None:
    if not payment.payee_stripe_account:
        return None
    return Connect(
        account=payment.payee_stripe_account,
        mode=payment.connect_mode or Payment.ConnectMode.DESTINATION,
        application_fee_minor=payment.application_fee_minor,
    )


def payment_ensure_intent(*, payment_id: int, payment_method: str = "") -> IntentResult | None:
    """Make sure the provider holds an intent for this payment and return it (the Stripe
    page needs its client secret). Safe to repeat: the same key gives the same intent.
    Raises `ProviderUnavailable` when the provider cannot be reached."""
    payment = Payment.objects.get(pk=payment_id)
    if payment.status not in (*Payment.OPEN, Status.FAILED):
        return None
    if not payment.provider_reference and payment_expire(payment_id=payment.pk):
        # Too old to create its intent now (STYLE §9: Stripe keeps idempotency keys 24 h).
        raise PaymentError(_("This payment has expired. Start again from what it pays for."))
    gateway = gateway_for(payment.provider)
    try:
        if payment.provider_reference:
            result = gateway.retrieve(reference=payment.provider_reference, connect=connect_of(payment))
            kind = PaymentOperation.Kind.RETRIEVE
        else:
            result = gateway.create_intent(
                amount_minor=payment.amount_minor,
                currency=payment.currency,
                idempotency_key=payment.idempotency_key,
                metadata={
                    "payment_id": str(payment.pk),
                    "purpose": payment.purpose_type,
                    "purpose_id": payment.purpose_id,
                },
                description=payment.description,
                connect=connect_of(payment),
                payment_method=payment_method,
            )
            kind = PaymentOperation.Kind.CREATE
    except GatewayUnavailable as exc:
        _log_unavailable(payment, PaymentOperation.Kind.CREATE, str(exc))
        raise ProviderUnavailable(_("The payment provider cannot be reached; please try again shortly.")) from exc
    payment_record_intent(payment_id=payment.pk, result=result, kind=kind)
    return result


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
        _move(payment, Status.FAILED, source=kind, failure=result.error)
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


def payment_confirm(*, payment_id: int) -> Payment:
    """Server-side confirmation of an intent that already carries a payment method (saved
    cards; the tests' test cards). Browser payments confirm through Stripe.js instead."""
    payment = Payment.objects.get(pk=payment_id)
    if not payment.provider_reference:
        raise PaymentError(_("This payment has no provider intent yet."))
    try:
        result = gateway_for(payment.provider).confirm(
            reference=payment.provider_reference, connect=connect_of(payment)
        )
    except GatewayUnavailable as exc:
        _log_unavailable(payment, PaymentOperation.Kind.CONFIRM, str(exc))
        raise ProviderUnavailable(_("The payment provider cannot be reached; please try again shortly.")) from exc
    return payment_record_intent(payment_id=payment_id, result=result, kind=PaymentOperation.Kind.CONFIRM)


# --- applying provider state ---------------------------------------------------------------


def _move(payment: Payment, new_status: str, *, source: str, failure: str = "") -> None:
    """Assign a new status (the caller holds the row lock and checked the move)."""
    old = payment.status
    payment.status = new_status
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
    enqueue_on_commit(_notify_task(), payment_id=payment.pk)


def _notify_task() -> Any:
    from payments.tasks import payment_notify_purpose_task

    return payment_notify_purpose_task


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


def _flag(payment: Payment, problem: str, *, source: str) -> None:
    payment.discrepancy = problem[:300]
    payment.save(update_fields=["discrepancy", "updated_at"])
    audit.record(
        actor=None,
        verb="payments.payment.flagged",
        target=payment,
        organization=payment.payee_organization,
        data={"problem": problem, "source": source},
    )
    logger.warning("Payment %s flagged: %s", payment.pk, problem)


def _mismatch(payment: Payment, intent: IntentResult) -> str:
    """Why provider news cannot be about this payment (amount, currency or id differ)."""
    problems = []
    if intent.metadata.get("payment_id") and intent.metadata["payment_id"] != str(payment.pk):
        problems.append(f"metadata payment_id {intent.metadata['payment_id']}")
    if intent.amount_minor and intent.amount_minor != payment.amount_minor:
        problems.append(f"amount {intent.amount_minor} != {payment.amount_minor}")
    if intent.currency and intent.currency != payment.currency:
        problems.append(f"currency {intent.currency} != {payment.currency}")
    return "; ".join(problems)


def _apply_intent(payment: Payment, intent: IntentResult, *, occurred_at: datetime, source: str) -> str:
    """Move the (locked) payment to the provider's state when that is a forward move and
    the news is not older than what we know. Returns a WebhookEvent.Outcome value."""
    outcome = WebhookEvent.Outcome.IGNORED
    new = intent.status
    if new == Status.SUCCEEDED or (new and payment.status != new):
        problem = _mismatch(payment, intent)
        if problem:
            _flag(payment, problem, source=source)
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
    # First leave the "one live payment per purpose" constraint, then become paid.
    payment.save(update_fields=["paid_after_close_at", "updated_at"])
    _move(payment, Status.SUCCEEDED, source=f"{source} (after close)")
    others = list(
        Payment.objects.filter(purpose_type=payment.purpose_type, purpose_id=payment.purpose_id)
        .exclude(pk=payment.pk)
        .exclude(status=Status.CANCELLED)
        .values_list("pk", flat=True)
    )
    if was_expired:
        problem = _(
            "Paid at the provider after this payment had expired; check the other attempts for the "
            "same purpose (%(others)s) and refund one if it was paid twice."
        )
    else:
        problem = _(
            "Paid at the provider after this payment had been cancelled; check the other attempts for "
            "the same purpose (%(others)s) and refund one if it was paid twice."
        )
    problem %= {"others": ", ".join(f"#{pk}" for pk in others) or "—"}
    _flag(payment, problem, source=source)
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
            reason=_("Refunded at the payment provider."),
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
        enqueue_on_commit(_notify_task(), payment_id=payment.pk)


# --- webhooks --------------------------------------------------------------------------------

INTENT_EVENTS = {
    "payment_intent.succeeded": "succeeded",
    "payment_intent.payment_failed": "requires_payment_method",
    "payment_intent.processing": "processing",
    "payment_intent.canceled": "canceled",
    "payment_intent.requires_action": "requires_action",
}


@transaction.atomic
def webhook_event_apply(*, provider: str, event: dict[str, Any]) -> str:
    """Apply one verified event. The event id is stored under a unique constraint in the same
    transaction as its effect, so a duplicate (even a concurrent one) changes nothing.
    Returns the outcome, or "duplicate"."""
    event_id = str(event.get("id", ""))[:100]
    event_type = str(event.get("type", ""))[:100]
    obj = (event.get("data") or {}).get("object") or {}
    try:
        occurred_at = datetime.fromtimestamp(int(event.get("created") or 0), tz=UTC)
    except (TypeError, ValueError, OverflowError):
        occurred_at = timezone.now().replace(microsecond=0)
    try:
        with transaction.atomic():
            record = WebhookEvent.objects.create(
                provider=provider,
                event_id=event_id,
                type=event_type,
                event_created=occurred_at,
                outcome=WebhookEvent.Outcome.UNHANDLED,
            )
    except IntegrityError:
        return "duplicate"

    payment = None
    outcome = WebhookEvent.Outcome.UNHANDLED
    detail = ""
    if event_type in INTENT_EVENTS or event_type == "charge.refunded":
        is_charge = event_type == "charge.refunded"
        reference = str(obj.get("payment_intent") or "") if is_charge else str(obj.get("id") or "")
        record.object_reference = reference[:100]
        payment = _payment_for_event(provider, reference, obj)
        if payment is None:
            outcome = WebhookEvent.Outcome.UNKNOWN
        elif is_charge:
            outcome = _apply_charge_refunded(payment, obj, occurred_at)
        else:
            if not obj.get("status"):
                obj = {**obj, "status": INTENT_EVENTS[event_type]}
            intent = intent_from_object(obj)
            outcome = _apply_intent(payment, intent, occurred_at=occurred_at, source=f"webhook {event_type}")
        if payment is not None:
            detail = payment.discrepancy if outcome == WebhookEvent.Outcome.FLAGGED else ""
            PaymentOperation.objects.create(
                payment=payment,
                kind=PaymentOperation.Kind.WEBHOOK,
                ok=outcome != WebhookEvent.Outcome.FLAGGED,
                provider=provider,
                reference=event_id,
                status_after=payment.status,
                detail=f"{event_type}: {outcome}"[:300],
            )
    record.payment = payment
    record.outcome = outcome
    record.detail = detail[:300]
    record.save(update_fields=["payment", "outcome", "detail", "object_reference"])
    return outcome


def _payment_for_event(provider: str, reference: str, obj: dict[str, Any]) -> Payment | None:
    if not reference:
        return None
    payment = Payment.objects.select_for_update().filter(provider=provider, provider_reference=reference).first()
    if payment is not None:
        return payment
    # The intent was created but our record of it was lost (a crash between the provider's
    # answer and our commit): the metadata we sent names the payment.
    payment_id = str((obj.get("metadata") or {}).get("payment_id", ""))
    if obj.get("object") == "payment_intent" and payment_id.isdigit():
        payment = (
            Payment.objects.select_for_update()
            .filter(pk=int(payment_id), provider=provider, provider_reference="")
            .first()
        )
        if payment is not None:
            payment.provider_reference = reference
            payment.save(update_fields=["provider_reference", "updated_at"])
    return payment


def _apply_charge_refunded(payment: Payment, charge: dict[str, Any], occurred_at: datetime) -> str:
    """charge.refunded carries the charge with its cumulative `amount_refunded`. A refund
    implies the charge had succeeded, so a payment whose success event is still on its way
    is first marked paid (when the amounts agree)."""
    try:
        total = int(charge.get("amount_refunded") or 0)
        charge_amount = int(charge.get("amount") or 0)
    except (TypeError, ValueError):
        return WebhookEvent.Outcome.IGNORED
    currency = str(charge.get("currency") or "").upper()
    if charge_amount != payment.amount_minor or (currency and currency != payment.currency):
        _flag(payment, f"refunded charge {charge_amount} {currency} does not match", source="webhook charge.refunded")
        return WebhookEvent.Outcome.FLAGGED
    if not payment.is_paid:
        if payment.can_move_to(Status.SUCCEEDED):
            _move(payment, Status.SUCCEEDED, source="webhook charge.refunded")
        elif payment.status == Status.CANCELLED:  # a charge we had given up on: money came
            _record_paid_after_close(payment, source="webhook charge.refunded")
        else:
            return WebhookEvent.Outcome.IGNORED
    if total <= payment.refunded_minor:
        return WebhookEvent.Outcome.IGNORED
    _apply_refunded_total(payment, total, source="webhook charge.refunded")
    return WebhookEvent.Outcome.APPLIED


# --- reconciliation ------------------------------------------------------------------------


def payment_sync(*, payment_id: int) -> Payment:
    """Ask the provider for the payment's current state and apply it (reconciliation).
    Raises `ProviderUnavailable` if the provider cannot be reached."""
    payment = Payment.objects.get(pk=payment_id)
    if not payment.provider_reference:
        return payment
    try:
        result = gateway_for(payment.provider).retrieve(
            reference=payment.provider_reference, connect=connect_of(payment)
        )
    except GatewayUnavailable as exc:
        _log_unavailable(payment, PaymentOperation.Kind.RETRIEVE, str(exc))
        raise ProviderUnavailable(_("The payment provider cannot be reached; please try again shortly.")) from exc
    return payment_record_intent(payment_id=payment_id, result=result, kind=PaymentOperation.Kind.RETRIEVE)


def payment_reconcile(*, older_than_seconds: int | None = None) -> dict[str, int]:
    """The periodic sweep: expire payments whose provider intent was never created, sync
    payments pending longer than the threshold (their webhook may never have come), retry
    refunds stuck at the provider, and catch up purpose notifications that a broker outage
    lost. Idempotent; returns counts."""
    if older_than_seconds is None:
        older_than_seconds = settings.PAYMENTS_RECONCILE_AFTER_SECONDS
    counts = {"synced": 0, "unavailable": 0, "refunds_retried": 0, "notified": 0, "expired": 0}
    for payment_id in _abandoned(abandon_after_seconds()).values_list("pk", flat=True)[:500]:
        if payment_expire(payment_id=payment_id):
            counts["expired"] += 1
    stale = Payment.objects.pending_longer_than(older_than_seconds).exclude(provider_reference="")
    for payment_id in stale.values_list("pk", flat=True)[:500]:
        try:
            payment_sync(payment_id=payment_id)
            counts["synced"] += 1
        except ProviderUnavailable:
            counts["unavailable"] += 1
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    pending_refunds = Refund.objects.filter(status=Refund.Status.PENDING, updated_at__lt=cutoff)
    for refund_id in pending_refunds.values_list("pk", flat=True)[:500]:
        refund_submit(refund_id=refund_id)
        counts["refunds_retried"] += 1
    for payment in _notification_lagging()[:500]:
        payment_notify_purpose(payment_id=payment.pk)
        counts["notified"] += 1
    return counts


def _notification_lagging() -> Any:
    from django.db.models import F, Q

    return Payment.objects.filter(
        Q(status__in=[*Payment.PAID, Status.FAILED, Status.CANCELLED]) & ~Q(notified_status=F("status"))
        | Q(refunded_minor__gt=F("notified_refunded_minor"))
    ).only("pk")


# --- expiry of payments never started at the provider ---------------------------------------


def abandon_after_seconds() -> int:
    """settings.PAYMENTS_ABANDON_AFTER_SECONDS stays well inside the 24 hours for which Stripe
    remembers an idempotency key, so an intent is never created under a key the provider has
    forgotten (which could leave two intents for one payment)."""
    return settings.PAYMENTS_ABANDON_AFTER_SECONDS


def _abandoned(older_than_seconds: int) -> Any:
    """Awaiting payment, no provider intent recorded, created before the cutoff."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    return Payment.objects.filter(status=Status.CREATED, provider_reference="", created_at__lt=cutoff)


@transaction.atomic
def payment_expire(*, payment_id: int, older_than_seconds: int | None = None) -> bool:
    """Close a payment whose provider intent was never created (the checkout page was never
    opened, or the provider call failed) once it is older than the threshold, so that its
    purpose can be paid with a fresh attempt. Returns whether it expired it.

    A system action run by the reconciliation sweep (no user, so no permission to check).
    Idempotent: under the row lock it re-checks the state, and a payment that has moved on
    meanwhile (an intent recorded, a webhook applied, a cancel) is left alone. Should the
    provider still report money for it later, `_record_paid_after_close` records it."""
    if older_than_seconds is None:
        older_than_seconds = abandon_after_seconds()
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    if payment.status != Status.CREATED or payment.provider_reference or payment.created_at >= cutoff:
        return False
    payment.expired_at = timezone.now()
    payment.save(update_fields=["expired_at", "updated_at"])
    _move(payment, Status.CANCELLED, source="expired")  # audits and tells the purpose
    PaymentOperation.objects.create(
        payment=payment,
        kind=PaymentOperation.Kind.CANCEL,
        provider=payment.provider,
        status_before=Status.CREATED,
        status_after=payment.status,
        detail=f"expired: no provider intent after {older_than_seconds} s",
    )
    audit.record(
        actor=None,
        verb="payments.payment.expired",
        target=payment,
        organization=payment.payee_organization,
        data={"after_seconds": older_than_seconds, "attempt": payment.attempt},
    )
    return True


# --- purpose handlers ------------------------------------------------------------------------


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
            _flag(payment, _("The payment's purpose no longer exists; refund it by hand."), source="purpose")
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
    what = {"what": payable.label, "target": target}
    if payable.is_paid(target):
        reason = _("%(what)s %(target)s was paid already: this payment is refunded automatically.") % what
        _refund_unwanted(target, payment, Outcome.DUPLICATE, "payments.payable.paid_twice", reason)
        return
    expected = payable.expected(target)
    if (payment.amount_minor, payment.currency) != (expected.amount_minor, expected.currency):
        _refuse_mismatch(target, payment, expected)
        return
    if not payable.is_open(target):
        reason = _("%(what)s %(target)s could no longer be paid: this payment is refunded automatically.") % what
        _refund_unwanted(target, payment, Outcome.CLOSED, "payments.payable.paid_when_closed", reason)
        return
    payable.on_paid(target, payment)
    _set_outcome(payment, Outcome.APPLIED)


def _set_outcome(payment: Payment, outcome: str) -> None:
    payment.purpose_outcome = outcome
    payment.save(update_fields=["purpose_outcome", "updated_at"])


def _refund_unwanted(target: Any, payment: Payment, outcome: str, verb: str, reason: str) -> None:
    """Money the target cannot take goes back in full: after commit, idempotent, swept."""
    _set_outcome(payment, outcome)
    refund = refund_automatically(payment_id=payment.pk, reason=reason)
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
    from office.actions import notify
    from office.money import format_money

    _set_outcome(payment, Payment.PurposeOutcome.MISMATCH)
    paid = format_money(payment.amount_minor, payment.currency)
    owed = format_money(expected.amount_minor, expected.currency)
    _flag(payment, _("Paid %(paid)s where %(owed)s was due; not booked.") % {"paid": paid, "owed": owed},
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
            title=_("Payment %(number)s does not match what it pays for: please check it")
            % {"number": payment.receipt_number or payment.pk},
            url=reverse("payments:payment_detail", kwargs={"pk": payment.pk}),
        )


def _notify_payer(payment: Payment, *, told_status: str, told_refunded_minor: int) -> None:
    """In-app notification (and its e-mail copy, sent after commit by office.notify) to the
    paying user when the payment succeeded, failed or was refunded since last told.
    Cancellations are not announced: the payer or staff chose them, or the sweep expired a
    payment nobody had started."""
    from office.actions import notify
    from office.money import format_money

    if payment.payer_user_id is None:
        return
    url = reverse("payments:payment_detail", args=[payment.pk])
    amount = format_money(payment.amount_minor, payment.currency)
    what = {"amount": amount, "description": payment.description, "payee": payment.payee_name}
    if payment.is_paid and told_status not in Payment.PAID:
        notify(
            recipient_id=payment.payer_user_id,
            verb="payments.payment.succeeded",
            title=_("Payment received: %(amount)s for %(description)s") % what,
            body=_("Thank you: %(payee)s received your payment of %(amount)s. Receipt %(receipt)s is ready.")
            % {**what, "receipt": payment.receipt_number},
            url=url,
        )
    if payment.status == Status.FAILED and told_status != Status.FAILED:
        notify(
            recipient_id=payment.payer_user_id,
            verb="payments.payment.failed",
            title=_("Payment failed: %(amount)s for %(description)s") % what,
            body=_("%(reason)s Nothing was charged; you can try again from the payment page.")
            % {"reason": payment.failure_message or _("The payment provider declined the payment.")},
            url=url,
        )
    if payment.refunded_minor > told_refunded_minor:
        refunded = format_money(payment.refunded_minor - told_refunded_minor, payment.currency)
        notify(
            recipient_id=payment.payer_user_id,
            verb="payments.payment.refunded",
            title=_("Refund of %(refunded)s for %(description)s") % {**what, "refunded": refunded},
            body=_("%(payee)s refunded %(refunded)s of your payment of %(amount)s (%(total)s refunded in all).")
            % {**what, "refunded": refunded, "total": format_money(payment.refunded_minor, payment.currency)},
            url=url,
        )


# --- cancelling ------------------------------------------------------------------------------


def payment_cancel(*, payment_id: int, actor: User, purpose_closed: bool = False) -> Payment:
    """Cancel a payment nobody has paid yet: at the provider first, so its intent can never be
    paid later, then here. Refuses paid or processing payments and people who may not.

    `purpose_closed`: the business app closes what the payment was for (a head cancels an
    order) and has checked that `actor` may; the payer's own right to cancel is then not
    asked for, and the audit names the actor, not the payer."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if purpose_closed:
            if payment.status not in (Status.CREATED, Status.REQUIRES_ACTION, Status.FAILED):
                raise InvalidTransition(payment, Status.CANCELLED.label)
        elif not permissions.can_cancel(actor, payment):
            if not permissions.can_view_payment(actor, payment):
                raise PermissionDenied
            raise InvalidTransition(payment, Status.CANCELLED.label)
        if not payment.provider_reference:
            _move(payment, Status.CANCELLED, source="cancel")
            audit.record(
                actor=actor,
                verb="payments.payment.cancel_requested",
                target=payment,
                organization=payment.payee_organization,
                data={"purpose_closed": purpose_closed},
            )
            return payment
    key = f"{payment.idempotency_key}-cancel"
    try:
        result = gateway_for(payment.provider).cancel(
            reference=payment.provider_reference, idempotency_key=key, connect=connect_of(payment)
        )
    except GatewayUnavailable as exc:
        _log_unavailable(payment, PaymentOperation.Kind.CANCEL, str(exc), key)
        raise ProviderUnavailable(_("The payment provider cannot be reached; please try again shortly.")) from exc
    payment = payment_record_intent(
        payment_id=payment_id, result=result, kind=PaymentOperation.Kind.CANCEL, idempotency_key=key
    )
    with transaction.atomic():
        audit.record(
            actor=actor,
            verb="payments.payment.cancel_requested",
            target=payment,
            organization=payment.payee_organization,
            data={"ok": result.ok, "error": result.error, "purpose_closed": purpose_closed},
        )
    if not result.ok:
        raise PaymentError(result.error or _("The provider refused to cancel this payment."))
    return payment


# --- refunds ---------------------------------------------------------------------------------


def payment_refund(*, payment_id: int, actor: Any, reason: str, amount_minor: int | None = None) -> Refund:
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
    *, payment: Payment, amount_minor: int | None, reason: str, requested_by: Any, automatic: bool = False
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
        requested_by=requested_by,
        idempotency_key=f"{payment.idempotency_key}-refund-{number}",
    )
    data = {"refund": number, "amount_minor": amount, "reason": reason}
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


def refund_automatically(*, payment_id: int, reason: str, requested_by: Any = None) -> Refund | None:
    """Refund the rest of a paid payment without a finance person asking: money that arrived
    for something that can no longer take it, or a cancellation (`requested_by`: who caused
    it, if anyone). Runs in the caller's transaction (the payment row locked); the provider is
    called after commit, and the reconcile sweep retries a refund left pending. Idempotent:
    nothing is written once the whole payment is refunded or pending."""
    from payments.tasks import refund_submit_task

    payment = Payment.objects.select_for_update().get(pk=payment_id)
    if not payment.is_paid or refund_available_minor(payment) <= 0:
        return None
    refund = refund_record(payment=payment, amount_minor=None, reason=reason, requested_by=requested_by, automatic=True)
    enqueue_on_commit(refund_submit_task, refund_id=refund.pk)
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
    from office.actions import notify

    for user_id in permissions.refund_staff_ids(payment):
        notify(
            recipient_id=user_id,
            verb="payments.refund_failed",
            title=_("A refund of payment %(number)s failed: please refund by hand")
            % {"number": payment.receipt_number or payment.pk},
            url=reverse("payments:payment_detail", kwargs={"pk": payment.pk}),
        )


@transaction.atomic
def refund_record_result(*, refund_id: int, result: ChargeResult) -> Refund:
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


# --- the built-in purpose: payment requests ------------------------------------------------

PAYMENT_REQUEST_PURPOSE = "payments.request"


@transaction.atomic
def payment_request_create(
    *, actor: Any, payer: Any, amount_minor: int, description: str, currency: str = ""
) -> PaymentRequest:
    """Finance staff ask someone to pay their office an amount. Audited."""
    from office.access import office_of

    if not permissions.can_create_payment_request(actor):
        raise PermissionDenied
    if amount_minor <= 0:
        raise PaymentError(_("The amount must be positive."))
    request = PaymentRequest.objects.create(
        organization=office_of(actor),
        payer=payer,
        description=description,
        amount_minor=amount_minor,
        currency=(currency or settings.DEFAULT_CURRENCY).upper(),
        created_by=actor,
    )
    audit.record(
        actor=actor,
        verb="payments.payment_request.created",
        target=request,
        data={"amount_minor": amount_minor, "payer": payer.get_username()},
    )
    return request


def payment_request_pay(*, request_id: int, actor: Any) -> Payment:
    """The payer starts (or resumes) paying a request; returns its payment."""
    request = PaymentRequest.objects.select_related("organization").get(pk=request_id)
    if not permissions.can_pay_request(actor, request):
        raise PermissionDenied
    return payment_create(
        purpose_type=PAYMENT_REQUEST_PURPOSE,
        purpose_id=request.pk,
        amount_minor=request.amount_minor,
        currency=request.currency,
        description=request.description,
        payer_user=actor,
        payee_organization=request.organization,
    )


@transaction.atomic
def payment_request_cancel(*, request_id: int, actor: Any) -> PaymentRequest:
    request = PaymentRequest.objects.select_for_update().get(pk=request_id)
    if not permissions.can_cancel_request(actor, request):
        raise PermissionDenied
    if Payment.objects.filter(
        purpose_type=PAYMENT_REQUEST_PURPOSE, purpose_id=str(request.pk), status__in=[*Payment.PAID, *Payment.OPEN]
    ).exists():
        raise PaymentError(_("This request is being paid or has been paid; refund the payment instead."))
    request.status = PaymentRequest.Status.CANCELLED
    request.save(update_fields=["status", "updated_at"])
    audit.record(actor=actor, verb="payments.payment_request.cancelled", target=request)
    return request


def _request_paid(request: PaymentRequest, payment: Payment) -> None:
    request.status = PaymentRequest.Status.PAID
    request.paid_at = payment.succeeded_at or timezone.now()
    request.save(update_fields=["status", "paid_at", "updated_at"])
    audit.record(actor=None, verb="payments.payment_request.paid", target=request, data={"payment": payment.pk})


def _request_refunded(request: PaymentRequest, payment: Payment) -> None:
    if payment.status == Status.REFUNDED:
        audit.record(actor=None, verb="payments.payment_request.refunded", target=request, data={"payment": payment.pk})


def register_builtin_payables() -> None:
    from django.utils.translation import gettext_lazy

    payables.register_payable(
        payables.Payable(
            purpose=PAYMENT_REQUEST_PURPOSE,
            label=gettext_lazy("Payment request"),
            lock=lambda pk: PaymentRequest.objects.select_for_update().filter(pk=pk).first(),
            expected=lambda request: payables.Money(request.amount_minor, request.currency),
            is_paid=lambda request: request.status == PaymentRequest.Status.PAID,
            is_open=lambda request: request.status == PaymentRequest.Status.OPEN,
            on_paid=_request_paid,
            on_refunded=_request_refunded,
            url=lambda payment: reverse("payments:payment_list_mine"),
        )
    )
