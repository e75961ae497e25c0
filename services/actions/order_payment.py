"""Paying for a service order, and refunds (`services.payables` declares the payable):

    accepted -> paid (the payment's success handler) -> assigned ...
    paid | assigned | in_progress -> refunded (finance; when the payment is refunded in full)

The amount paid is the quoted amount from our row; the payments app checks it again when the
payment succeeds and applies each result once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from office import audit
from office.exceptions import DomainError, InvalidTransition
from payments.actions import payment_create, payment_refund
from payments.models import Payment
from services import permissions
from services.actions.common import _assign, _lock, _notify_client, _notify_heads
from services.models import ServiceOrder
from services.selectors import invoice_buyer_of, least_loaded

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Status = ServiceOrder.Status
ORDER_PURPOSE = "services.order"


@transaction.atomic
def order_pay(*, order_id: int, actor: User) -> Payment:
    """Start (or resume) paying an accepted order; returns the `Payment` for the checkout.
    The amount is the quoted amount in our database; a second call returns the same payment."""
    order = _lock(order_id)
    if not permissions.is_order_client(actor, order):
        raise PermissionDenied
    if not permissions.can_pay(actor, order):
        raise InvalidTransition(order, Status.PAID.label)
    payment = payment_create(
        purpose_type=ORDER_PURPOSE,
        purpose_id=order.pk,
        amount_minor=order.quoted_amount_minor,
        currency=order.currency,
        description=_("Service order %(number)s: %(name)s") % {"number": order.number, "name": order.offering.name},
        payer_user=actor,
        payee_organization=order.department.organization,
    )
    if payment.amount_minor != order.quoted_amount_minor:  # an old attempt for another amount
        raise DomainError(_("An earlier payment for this order is still open; cancel it first."))
    if order.payment_id != payment.pk:
        order.payment = payment
        order.save(update_fields=["payment", "updated_at"])
    return payment


def order_paid(order: ServiceOrder, payment: Payment) -> None:
    """On-paid handler of the "services.order" payable (`services.payables`): the payments
    app has checked that the order was accepted and not paid, and the amount is the quote's."""
    order.move_to(Status.PAID)
    order.paid_at = payment.succeeded_at or timezone.now()
    order.payment_id = payment.pk
    order.invoice_buyer = invoice_buyer_of(order.client)
    order.save(update_fields=["status", "paid_at", "payment", "invoice_buyer", "updated_at"])
    audit.record(actor=None, target=order, verb="services.order.paid", data={"payment": payment.pk})
    # Optional: skip the head's step and give the work to the least-loaded staff member at once.
    if settings.SERVICES_AUTO_ASSIGN_ON_PAYMENT:
        assignee = least_loaded(order)
        if assignee is not None:
            _assign(order, assignee, actor=None, automatic=True)
            return
    _notify_heads(
        order,
        "services.order.paid",
        gettext_noop("Order %(number)s is paid and waits for assignment"),
        {"number": order.number},
    )


def order_refunded(order: ServiceOrder, payment: Payment) -> None:
    """Refund handler: a fully refunded payment closes an undelivered order. Idempotent."""
    if payment.status != Payment.Status.REFUNDED or not order.can_move_to(Status.REFUNDED):
        return
    order.move_to(Status.REFUNDED)
    order.save(update_fields=["status", "updated_at"])
    audit.record(actor=None, target=order, verb="services.order.refunded", data={"payment": payment.pk})
    _notify_client(
        order, "services.order.refunded", gettext_noop("Order %(number)s was refunded"), {"number": order.number}
    )


def order_refund(*, order_id: int, actor: User, reason: str) -> ServiceOrder:
    """Finance staff refund a paid, undelivered order in full. The order moves to refunded
    when the payment is refunded (handler above); the provider is called holding no lock."""
    if not reason.strip():
        raise DomainError(_("Give a reason for the refund."))
    with transaction.atomic():
        order = _lock(order_id)
        if not permissions.can_refund(actor, order):
            if order.status not in ServiceOrder.ACTIVE:
                raise InvalidTransition(order, Status.REFUNDED.label)
            raise PermissionDenied(_("You cannot refund this order."))
        order.closed_reason = reason.strip()
        order.save(update_fields=["closed_reason", "updated_at"])
        audit.record(actor=actor, target=order, verb="services.order.refund_requested", data={"reason": reason})
    payment_refund(payment_id=order.payment_id, actor=actor, reason=reason)
    order.refresh_from_db()
    return order
