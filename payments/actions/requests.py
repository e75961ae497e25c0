"""The built-in purpose, payment requests: finance staff ask someone to pay their office an
amount (open -> paid | cancelled); the payer pays it through `payment_create` like any purpose."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from office import audit
from office.access import office_of
from office.money import check_amount
from payments import payables, permissions
from payments.actions.common import PaymentError, Status
from payments.actions.create import payment_create
from payments.models import Payment, PaymentRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import User

PAYMENT_REQUEST_PURPOSE = "payments.request"


@transaction.atomic
def payment_request_create(
    *, actor: User, payer: User, amount_minor: int, description: str, currency: str = ""
) -> PaymentRequest:
    """Finance staff ask someone to pay their office an amount. Audited. Refuses (403) a payer
    outside `permissions.billable_payers`: another office's staff or clients."""
    if not permissions.can_create_payment_request(actor) or not permissions.can_bill(actor, payer):
        raise PermissionDenied
    currency = (currency or settings.DEFAULT_CURRENCY).upper()
    check_amount(amount_minor, currency)
    request = PaymentRequest.objects.create(
        organization=office_of(actor),
        payer=payer,
        description=description,
        amount_minor=amount_minor,
        currency=currency,
        created_by=actor,
    )
    audit.record(
        actor=actor,
        verb="payments.payment_request.created",
        target=request,
        data={"amount_minor": amount_minor, "payer": payer.get_username()},
    )
    return request


def payment_request_pay(*, request_id: int, actor: User) -> Payment:
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
def payment_request_cancel(*, request_id: int, actor: User) -> PaymentRequest:
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
