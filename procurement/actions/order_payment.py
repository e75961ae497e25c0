"""Paying purchase orders online, and the handlers of the "procurement.purchase_order" payable
(`procurement.payables`): payment turns the order's encumbrance into spending; a refund gives
the money back to the budget line and, in full and before anything arrived, cancels the order.

    placed | confirmed -> paid        paid | shipped -> cancelled (full refund, nothing received)

Lock order: purchase request, then purchase order, then budget line (the payments app calls
the handlers under `purchase_order_lock_for_payment`'s locks).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from office import audit
from office.actions import budget_spend, budget_unspend, notify
from office.exceptions import InvalidTransition
from office.money import format_money
from office.texts import money
from payments.actions import payment_create
from procurement import permissions
from procurement.actions.common import OS, order_event, order_url
from procurement.models import PurchaseOrder, PurchaseRequest, TrackingEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from payments.models import Payment

PURCHASE_ORDER_PURPOSE = "procurement.purchase_order"


def purchase_order_pay(*, order_id: int, actor: User) -> Payment:
    """Finance staff start (or resume) paying an order online; returns the payment, whose
    amount comes from the order. Its success handler turns the encumbrance into spending."""
    order = PurchaseOrder.objects.select_related("vendor", "organization").get(pk=order_id)
    if not permissions.is_finance_of(actor, order.organization_id):
        raise PermissionDenied(_("Only the director or the business assistant pays orders."))
    if not order.is_payable:
        raise InvalidTransition(order, OS.PAID.label)
    return payment_create(
        purpose_type=PURCHASE_ORDER_PURPOSE,
        purpose_id=order.pk,
        amount_minor=order.total_minor,
        currency=order.currency,
        description=_("Purchase order %(number)s – %(vendor)s") % {"number": order.number, "vendor": order.vendor},
        payer_user=actor,
        payer_organization=order.organization,
        payee_name=order.vendor.payee,
        payee_stripe_account="",
    )


def purchase_order_lock_for_payment(pk: str) -> PurchaseOrder | None:
    """The order and its request, locked in this module's order (request, then order)."""
    request_id = PurchaseOrder.objects.filter(pk=pk).values_list("request_id", flat=True).first()
    if request_id is None:
        return None
    PurchaseRequest.objects.select_for_update().get(pk=request_id)
    return PurchaseOrder.objects.select_for_update(of=("self",)).select_related("request").get(pk=pk)


def purchase_order_paid(order: PurchaseOrder, payment: Payment) -> None:
    """On-paid handler of the "procurement.purchase_order" payable (`procurement.payables`):
    the order is paid and its encumbrance becomes spending. The payments app has checked that
    the order is payable, not paid, and that the amount is the order's total."""
    pr = order.request
    budget_spend(
        budget_id=pr.budget_id,
        amount_minor=payment.amount_minor,
        encumbered_minor=order.encumbered_minor,
        actor=None,
        reference=order.number,
    )
    pr.encumbered_minor -= order.encumbered_minor
    pr.save(update_fields=["encumbered_minor", "updated_at"])
    order.spent_minor = payment.amount_minor
    order.encumbered_minor = 0
    order.move_to(OS.PAID)  # the payments app checked that it is payable
    order.paid_at = payment.succeeded_at or timezone.now()
    order.payment = payment
    order.save(update_fields=["spent_minor", "encumbered_minor", "status", "paid_at", "payment", "updated_at"])
    order_event(
        order,
        key=f"payment-{payment.pk}-paid",
        source=TrackingEvent.Source.SYSTEM,
        status=OS.PAID,
        message=_("Paid online (payment #%(pk)s)") % {"pk": payment.pk},
    )
    audit.record(actor=None, target=order, verb="procurement.purchase_order.paid", data={"payment": payment.pk})
    notify(
        recipient_id=pr.requester_id,
        verb="procurement.purchase_order.paid",
        title=gettext_noop("Order %(number)s has been paid"),
        url=order_url(order),
        send_email=False,
        params={"number": order.number},
    )


def purchase_order_payment_failed(order: PurchaseOrder, payment: Payment) -> None:
    order_event(
        order,
        key=f"payment-{payment.pk}-{payment.status}",
        source=TrackingEvent.Source.SYSTEM,
        message=_("Payment #%(pk)s %(status)s") % {"pk": payment.pk, "status": payment.get_status_display()},
    )


def purchase_order_refunded(order: PurchaseOrder, payment: Payment) -> None:
    """Payment purpose handler: money the vendor refunded goes back to the budget line.

    `payment.refunded_minor` is the cumulative refund; the order keeps how much of it has
    already reached the budget (`order.refunded_minor`), so only the difference moves and a
    repeated or out-of-date refund event changes nothing. Everything happens in one
    transaction under the lock order of this module (payment, request, order, budget line).

    The choice, by the order's state:

    * The refund always reduces spending and releases the money to *available*; the
      encumbrance is never restored. Payment turned the encumbrance into spending, and the
      payments app keeps one live payment per order, so a refunded order cannot be paid a
      second time: money put back into the encumbrance would stay reserved for a payment that
      can never happen.
    * A full refund of an order of which nothing has been received (paid or shipped) means
      the purchase is off: the order becomes cancelled (the vendor gave all the money back).
    * A partial refund, or a refund after goods were received (returns, a price difference
      found on the invoice), leaves the order's state alone: it was delivered (or is still
      being delivered) at a lower price.
    * A payment that never counted for the order (a second payment of an order already paid,
      or money that arrived after the order was cancelled) was never spent from the budget:
      the payments app refunds it automatically and never tells this handler of it.
    """
    amount = min(payment.refunded_minor - order.refunded_minor, order.spent_minor)
    if amount <= 0:
        return  # told already: a repeated event
    _refund_to_budget(order, payment, amount)
    cancelled = _refund_cancels(order, payment)
    if cancelled:
        order.move_to(OS.CANCELLED)
    order.save(update_fields=["spent_minor", "refunded_minor", "status", "updated_at"])
    _refund_record(order, payment, amount, cancelled=cancelled)


def _refund_to_budget(order: PurchaseOrder, payment: Payment, amount: int) -> None:
    """Give `amount` back to the budget line as available money; the order spent that much less."""
    budget_unspend(
        budget_id=order.request.budget_id,
        amount_minor=amount,
        actor=None,
        reference=order.number,
        note=_("Refund of payment #%(pk)s") % {"pk": payment.pk},
    )
    order.spent_minor -= amount
    order.refunded_minor += amount


def _refund_cancels(order: PurchaseOrder, payment: Payment) -> bool:
    """A full refund of a paid or shipped order of which nothing was received calls it off."""
    fully = payment.refunded_minor >= payment.amount_minor
    nothing_received = not order.lines.filter(received_quantity__gt=0).exists() and not order.receipts.exists()
    return fully and nothing_received and order.status in (OS.PAID, OS.SHIPPED)


def _refund_record(order: PurchaseOrder, payment: Payment, amount: int, *, cancelled: bool) -> None:
    """The refund on the order's timeline and in the audit log; the requester is told."""
    refunded = format_money(payment.refunded_minor, payment.currency)
    order_event(
        order,
        key=f"payment-{payment.pk}-refund-{payment.refunded_minor}",
        source=TrackingEvent.Source.SYSTEM,
        status=OS.CANCELLED if cancelled else "",
        message=(
            _("Refunded in full (%(amount)s); the order is cancelled") % {"amount": refunded}
            if cancelled
            else _("Refund of %(amount)s returned to the budget (%(total)s refunded in all)")
            % {"amount": format_money(amount, payment.currency), "total": refunded}
        ),
    )
    audit.record(
        actor=None,
        target=order,
        verb="procurement.purchase_order.refunded",
        data={"payment": payment.pk, "amount_minor": amount, "cancelled": cancelled},
    )
    notify(
        recipient_id=order.request.requester_id,
        verb="procurement.purchase_order.refunded",
        title=gettext_noop("Order %(number)s: %(amount)s refunded"),
        url=order_url(order),
        send_email=False,
        params={"number": order.number, "amount": money(payment.refunded_minor, payment.currency)},
    )
