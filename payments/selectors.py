"""Read functions: the views' (each starts from `visible_to(user)`) and the system reads the
actions' sweeps need (payments to expire, purposes not yet told)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from payments.models import Payment, PaymentRequest
from payments.permissions import finance_office
from payments.templatetags.payment_text import purpose_row


def payment_list_mine(*, user: Any) -> QuerySet[Payment]:
    return Payment.objects.paid_by(user).select_related("payee_organization").annotate(purpose_row=purpose_row())


def payment_list(
    *, user: Any, status: str = "", provider: str = "", purpose: str = "", q: str = "", flagged: bool = False
) -> QuerySet[Payment]:
    qs = Payment.objects.visible_to(user).select_related("payer_user", "payee_organization", "payer_organization")
    qs = qs.annotate(purpose_row=purpose_row())  # what each is for, in the same query (payment_title)
    if status:
        qs = qs.filter(status=status)
    if provider:
        qs = qs.filter(provider=provider)
    if purpose:
        qs = qs.filter(purpose_type=purpose)
    if flagged:
        qs = qs.exclude(discrepancy="")
    return qs.search(q)


def payment_get(*, user: Any, pk: int) -> Payment:
    """The payment if `user` may see it, else Payment.DoesNotExist (a 404)."""
    return Payment.objects.visible_to(user).select_related("payee_organization", "payer_user").get(pk=pk)


def payment_request_list_open_for(*, user: Any) -> QuerySet[PaymentRequest]:
    return PaymentRequest.objects.filter(payer=user, status=PaymentRequest.Status.OPEN).select_related("organization")


def payment_request_list_for_office(*, user: Any) -> QuerySet[PaymentRequest]:
    office = finance_office(user)
    if office is None:
        return PaymentRequest.objects.none()
    return PaymentRequest.objects.filter(organization=office).select_related("payer", "created_by")


def payment_list_abandoned(*, older_than_seconds: int) -> QuerySet[Payment]:
    """Awaiting payment, no provider intent recorded, created before the cutoff."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    return Payment.objects.filter(status=Payment.Status.CREATED, provider_reference="", created_at__lt=cutoff)


def payment_list_notification_lagging() -> QuerySet[Payment]:
    """Payments whose purpose and payer have not been told their latest state or refund yet."""
    return Payment.objects.filter(
        Q(status__in=[*Payment.PAID, Payment.Status.FAILED, Payment.Status.CANCELLED]) & ~Q(notified_status=F("status"))
        | Q(refunded_minor__gt=F("notified_refunded_minor"))
    ).only("pk")
