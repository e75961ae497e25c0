"""Service orders up to payment (DESIGN.md §4, `ServiceOrder.TRANSITIONS`):

    requested -> quoted -> accepted -> (paid: order_payment)
        |          |  \\-> declined -> quoted (again)
        +----------+----------+-> cancelled (client or head, before payment)
    paid | assigned (client or head), in_progress (head) -> refunded when cancelled (in full)

A client orders (fixed-price offerings are quoted at the list price at once), staff quote,
the client accepts or declines. Each transition: lock, permission, state, write plus audit,
then notifications after commit.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from office import audit
from office.actions import notify
from office.exceptions import DomainError, InvalidTransition
from office.models import ClientAccount
from office.money import check_amount
from payments.actions import payment_cancel, refund_automatically
from payments.models import Payment
from services import permissions
from services.actions.common import _lock, _notify_client, _notify_heads, _order_url, _store_file
from services.models import Offering, OrderFile, OrderMessage, ServiceOrder
from services.uploads import check_upload

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Status = ServiceOrder.Status


@transaction.atomic
def order_create(
    *,
    actor: User,
    offering_id: int,
    topic: str,
    delivery_channel: str,
    keywords: str = "",
    scope: str = "",
    deadline: date | None = None,
    attachments: list[Any] | None = None,
) -> ServiceOrder:
    """A confirmed client orders an offering. Fixed-price offerings are quoted at once at the
    list price. Attachments are validated before anything is written."""
    offering = _orderable_offering(
        actor=actor, offering_id=offering_id, topic=topic, delivery_channel=delivery_channel, deadline=deadline
    )
    checked = [check_upload(f) for f in attachments or []]
    account = ClientAccount.objects.get(user=actor)
    order = ServiceOrder.objects.create(
        number=f"tmp{uuid.uuid4().hex[:16]}",  # replaced below, once the pk is known
        client=account,
        offering=offering,
        department=offering.department,
        topic=topic.strip(),
        keywords=keywords.strip(),
        scope=scope.strip(),
        deadline=deadline,
        delivery_channel=delivery_channel,
        currency=offering.currency,
    )
    order.number = f"SO{timezone.localdate().year}-{order.pk:06d}"
    fields = ["number"]
    if offering.pricing == Offering.Pricing.FIXED:
        fields += _quote_at_list_price(order, offering, deadline)
    order.save(update_fields=fields)
    for item in checked:
        _store_file(order=order, checked=item, kind=OrderFile.Kind.REQUIREMENT, actor=actor)
    audit.record(
        actor=actor,
        target=order,
        verb="services.order.requested",
        organization=offering.department.organization,
        data={"offering": offering.code, "files": len(checked), "auto_quoted": order.status == Status.QUOTED},
    )
    _notify_heads(
        order,
        "services.order.requested",
        gettext_noop("New service order %(number)s: %(topic)s"),
        {"number": order.number, "topic": order.topic},
    )
    return order


def _orderable_offering(
    *, actor: User, offering_id: int, topic: str, delivery_channel: str, deadline: date | None
) -> Offering:
    """The offering `actor` may order as asked, or the refusal (nothing is written yet)."""
    if not permissions.can_order(actor):
        raise PermissionDenied(_("Confirm your e-mail address before ordering."))
    offering = Offering.objects.active().select_related("department").filter(pk=offering_id).first()
    if offering is None:
        raise DomainError(_("This service is not offered at the moment."))
    if offering.pricing == Offering.Pricing.SUBSCRIPTION:
        raise DomainError(_("Subscribe to this service instead of ordering it."))
    if delivery_channel not in offering.delivery_channels:
        raise DomainError(_("This service is not delivered by the channel you chose."))
    if deadline is not None and deadline < timezone.localdate():
        raise DomainError(_("The deadline cannot be in the past."))
    if not topic.strip():
        raise DomainError(_("Describe the topic."))
    return offering


def _quote_at_list_price(order: ServiceOrder, offering: Offering, deadline: date | None) -> list[str]:
    """Quote a new order of a fixed-price offering; returns the fields to save."""
    order.move_to(Status.QUOTED)
    order.quoted_amount_minor = offering.price_minor
    order.due_date = _due_date(offering, deadline)
    order.quoted_at = timezone.now()
    return ["status", "quoted_amount_minor", "due_date", "quoted_at"]


def _due_date(offering: Offering, deadline: date | None) -> date:
    due = timezone.localdate() + timedelta(days=offering.turnaround_days)
    return min(due, deadline) if deadline and deadline >= timezone.localdate() else due


@transaction.atomic
def order_quote(*, order_id: int, actor: User, amount_minor: int, due_date: date, note: str = "") -> ServiceOrder:
    """Staff of the providing department quote a price and due date; the client is told."""
    order = _lock(order_id)
    if not permissions.can_quote(actor, order):
        if not permissions.works_on(actor, order):
            raise PermissionDenied(_("You cannot quote this order."))
        raise InvalidTransition(order, Status.QUOTED.label)
    check_amount(amount_minor, order.currency)
    if due_date < timezone.localdate():
        raise DomainError(_("The due date cannot be in the past."))
    order.move_to(Status.QUOTED)
    order.quoted_amount_minor = amount_minor
    order.due_date = due_date
    order.quote_note = note.strip()
    order.quoted_by = actor
    order.quoted_at = timezone.now()
    order.save(
        update_fields=[
            "status",
            "quoted_amount_minor",
            "due_date",
            "quote_note",
            "quoted_by",
            "quoted_at",
            "updated_at",
        ]
    )
    audit.record(
        actor=actor,
        target=order,
        verb="services.order.quoted",
        data={"amount_minor": amount_minor, "due": str(due_date)},
    )
    _notify_client(
        order, "services.order.quoted", gettext_noop("Your order %(number)s has a quote"), {"number": order.number}
    )
    return order


@transaction.atomic
def order_accept(*, order_id: int, actor: User) -> ServiceOrder:
    """The client accepts the quote; next it pays."""
    order = _lock(order_id)
    if not permissions.is_order_client(actor, order):
        raise PermissionDenied
    if not permissions.can_respond_to_quote(actor, order):
        raise InvalidTransition(order, Status.ACCEPTED.label)
    order.move_to(Status.ACCEPTED)
    order.accepted_at = timezone.now()
    order.save(update_fields=["status", "accepted_at", "updated_at"])
    audit.record(
        actor=actor, target=order, verb="services.order.accepted", data={"amount_minor": order.quoted_amount_minor}
    )
    return order


@transaction.atomic
def order_decline(*, order_id: int, actor: User, reason: str = "") -> ServiceOrder:
    """The client declines the quote; staff may quote again or the order is cancelled."""
    order = _lock(order_id)
    if not permissions.is_order_client(actor, order):
        raise PermissionDenied
    if not permissions.can_respond_to_quote(actor, order):
        raise InvalidTransition(order, Status.DECLINED.label)
    order.move_to(Status.DECLINED)
    order.save(update_fields=["status", "updated_at"])
    if reason.strip():
        OrderMessage.objects.create(order=order, author=actor, body=reason.strip())
    audit.record(actor=actor, target=order, verb="services.order.declined", data={"reason": reason})
    _notify_heads(
        order, "services.order.declined", gettext_noop("Quote for %(number)s declined"), {"number": order.number}
    )
    return order


# --- cancellation ---------------------------------------------------------------------------------


def order_cancel(*, order_id: int, actor: User, reason: str = "") -> ServiceOrder:
    """Cancel an order before delivery (`permissions.can_cancel`).

    Not paid yet: a payment still open for it is cancelled first, at the provider and holding
    no lock of ours (STYLE §9), so it can never be paid later; a processing one refuses. Paid
    and not delivered: the order is closed as refunded and a full refund of the payment is
    issued automatically through the payments app (`refund_automatically`), in the same transaction;
    the provider is called after commit."""
    with transaction.atomic():
        payment = _cancellable_payment(_lock(order_id), actor)
    if payment is not None and (payment.is_open or payment.status == Payment.Status.FAILED):
        payment_cancel(payment_id=payment.pk, actor=actor, purpose_closed=True)
    with transaction.atomic():
        order = _lock_with_payment(order_id)
        payment = _cancellable_payment(order, actor)  # again: the order or its payment may have moved meanwhile
        reason = reason.strip()
        if order.paid_at is not None:
            _close_refunded(order, actor, reason)
        else:
            _close_cancelled(order, actor, reason, payment)
        if not permissions.is_order_client(actor, order):
            _notify_client(
                order,
                "services.order.cancelled",
                gettext_noop("Order %(number)s was cancelled"),
                {"number": order.number},
            )
    return order


def _cancellable_payment(order: ServiceOrder, actor: User) -> Payment | None:
    """The order's payment if `actor` may cancel the order now; refuses while it is paid or
    being processed (and the order is not paid yet)."""
    if not (permissions.is_order_client(actor, order) or permissions.leads(actor, order)):
        raise PermissionDenied
    if not permissions.can_cancel(actor, order):
        raise InvalidTransition(order, Status.CANCELLED.label)
    payment = Payment.objects.filter(pk=order.payment_id).first() if order.payment_id else None
    if order.paid_at is not None:
        return payment
    if payment is not None and (payment.status == Payment.Status.PROCESSING or payment.is_paid):
        raise DomainError(_("The payment for this order is being processed; it cannot be cancelled now."))
    return payment


def _lock_with_payment(order_id: int) -> ServiceOrder:
    # Lock order as in the payment's handlers: the payment first, then the order.
    payment_id = ServiceOrder.objects.values_list("payment_id", flat=True).get(pk=order_id)
    if payment_id:
        Payment.objects.select_for_update().get(pk=payment_id)
    return _lock(order_id)


def _close_refunded(order: ServiceOrder, actor: User, reason: str) -> None:
    """A paid order is cancelled: closed as refunded, the full refund issued automatically."""
    order.move_to(Status.REFUNDED)
    order.closed_reason = reason
    order.save(update_fields=["status", "closed_reason", "updated_at"])
    refund = refund_automatically(
        payment_id=order.payment_id,
        requested_by=actor,
        reason=gettext_noop("Order %(number)s cancelled before delivery. %(reason)s")
        if reason
        else gettext_noop("Order %(number)s cancelled before delivery."),
        params={"number": order.number, "reason": reason},
    )
    audit.record(
        actor=actor,
        target=order,
        verb="services.order.cancelled",
        data={"reason": reason, "refund": refund.pk if refund else None},
    )
    if order.assignee_id:
        notify(
            recipient_id=order.assignee_id,
            verb="services.order.cancelled",
            title=gettext_noop("Order %(number)s was cancelled"),
            url=_order_url(order),
            params={"number": order.number},
        )


def _close_cancelled(order: ServiceOrder, actor: User, reason: str, payment: Payment | None) -> None:
    """An unpaid order is cancelled; its payment must have been cancelled first."""
    if payment is not None and payment.status != Payment.Status.CANCELLED:
        raise DomainError(_("The payment for this order is being processed; it cannot be cancelled now."))
    order.move_to(Status.CANCELLED)
    order.closed_reason = reason
    order.save(update_fields=["status", "closed_reason", "updated_at"])
    audit.record(actor=actor, target=order, verb="services.order.cancelled", data={"reason": reason})
