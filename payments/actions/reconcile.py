"""Reconciliation and expiry: the periodic sweep (`payment_reconcile`) syncs payments whose
webhook may never have come, retries refunds left pending, catches up purpose notifications
a broker outage lost, and expires payments never started at the provider (`payment_expire`)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from office import audit
from payments import selectors
from payments.actions.common import ProviderUnavailable, Status, _move, _unavailable, connect_of
from payments.actions.provider_state import payment_record_intent
from payments.actions.purpose import payment_notify_purpose
from payments.actions.refunds import refund_submit
from payments.gateways import gateway_for
from payments.gateways.base import GatewayUnavailable
from payments.models import Payment, PaymentOperation, Refund


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
        raise _unavailable(payment, PaymentOperation.Kind.RETRIEVE, exc) from exc
    return payment_record_intent(payment_id=payment_id, result=result, kind=PaymentOperation.Kind.RETRIEVE)


def payment_reconcile(*, older_than_seconds: int | None = None) -> dict[str, int]:
    """The periodic sweep: expire payments whose provider intent was never created, sync
    payments pending longer than the threshold (their webhook may never have come), retry
    refunds stuck at the provider, and catch up purpose notifications that a broker outage
    lost. Idempotent; returns counts."""
    if older_than_seconds is None:
        older_than_seconds = settings.PAYMENTS_RECONCILE_AFTER_SECONDS
    counts = {"synced": 0, "unavailable": 0, "refunds_retried": 0, "notified": 0, "expired": 0}
    abandoned = selectors.payment_list_abandoned(older_than_seconds=abandon_after_seconds())
    for payment_id in abandoned.values_list("pk", flat=True)[:500]:
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
    for payment in selectors.payment_list_notification_lagging()[:500]:
        payment_notify_purpose(payment_id=payment.pk)
        counts["notified"] += 1
    return counts


def abandon_after_seconds() -> int:
    """settings.PAYMENTS_ABANDON_AFTER_SECONDS stays well inside the 24 hours for which Stripe
    remembers an idempotency key, so an intent is never created under a key the provider has
    forgotten (which could leave two intents for one payment)."""
    return settings.PAYMENTS_ABANDON_AFTER_SECONDS


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
