"""Receiving, invoicing and closing paid purchase orders:

    paid | shipped -> partially_received -> received -> invoiced -> closed

Goods are taken in (or returned) line by line; usage rights received become licences. The
vendor's invoice is entered once everything arrived (the three-way match shows differences);
leadership closes the invoiced order.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from office import audit
from office.dates import add_months
from office.exceptions import DomainError, InvalidTransition
from office.money import check_amount
from procurement import permissions
from procurement.actions.common import OS, order_event
from procurement.models import (
    MAX_PRICE_MINOR,
    Invoice,
    Licence,
    PurchaseOrder,
    PurchaseOrderLine,
    Receipt,
    ReceiptLine,
    TrackingEvent,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@transaction.atomic
def purchase_order_receive(*, order_id: int, actor: User, quantities: dict[int, int], note: str = "") -> Receipt:
    """Record a delivery: positive quantities are taken in, negative ones returned to the
    vendor. Refuses more than was ordered, more returns than were received, an empty receipt
    and orders not yet paid. Usage rights received become licences."""
    order = PurchaseOrder.objects.select_for_update().select_related("vendor").get(pk=order_id)
    if not permissions.can_receive(actor, order):
        if not permissions._same_office(actor, order.organization_id):
            raise PermissionDenied
        raise DomainError(_("Goods can be received only once the order has been paid."))
    lines = {line.pk: line for line in order.lines.select_for_update().select_related("request_line__item")}
    changes = _receipt_changes(lines, quantities)
    receipt = Receipt.objects.create(order=order, received_by=actor, note=(note or "").strip()[:300])
    today = timezone.localdate()
    for line_id, quantity in changes.items():
        _receive_line(order, receipt, lines[line_id], quantity, today)
    new_status = _mark_received(order, lines.values())
    order.save(update_fields=["status", "received_at", "updated_at"])
    order_event(
        order,
        key=f"receipt-{receipt.pk}",
        source=TrackingEvent.Source.MANUAL,
        status=new_status,
        message=_("Received: %(summary)s")
        % {"summary": ", ".join(f"{lines[i].description} {q:+d}" for i, q in changes.items())},
        actor=actor,
    )
    audit.record(
        actor=actor,
        target=order,
        verb="procurement.purchase_order.received",
        data={"receipt": receipt.pk, "lines": {str(k): v for k, v in changes.items()}},
    )
    return receipt


def _receipt_changes(lines: dict[int, PurchaseOrderLine], quantities: dict[int, Any]) -> dict[int, int]:
    """{order line: quantity taken in (+) or returned (-)}, checked against what is outstanding
    and what was received; zeros dropped. DomainError when nothing is left."""
    changes = {}
    for line_id, raw in quantities.items():
        line = lines.get(int(line_id))
        if line is None:
            raise DomainError(_("A line is not part of this order."))
        try:
            quantity = int(raw)
        except (TypeError, ValueError):
            raise DomainError(_("Enter whole numbers.")) from None
        if quantity == 0:
            continue
        if quantity > line.outstanding:
            raise DomainError(
                _("“%(line)s”: only %(n)s are still outstanding.") % {"line": line.description, "n": line.outstanding}
            )
        if -quantity > line.received_quantity:
            raise DomainError(_("“%(line)s”: you cannot return more than was received.") % {"line": line.description})
        changes[line.pk] = quantity
    if not changes:
        raise DomainError(_("Enter at least one quantity received or returned."))
    return changes


def _receive_line(
    order: PurchaseOrder, receipt: Receipt, line: PurchaseOrderLine, quantity: int, today: datetime.date
) -> None:
    """One receipt line; the first delivery of a usage right starts its licence."""
    ReceiptLine.objects.create(receipt=receipt, order_line=line, quantity=quantity)
    line.received_quantity += quantity
    line.save(update_fields=["received_quantity"])
    item = line.request_line.item
    if quantity > 0 and item.format == item.Format.USAGE_RIGHT and not Licence.objects.filter(order_line=line).exists():
        Licence.objects.create(
            organization_id=order.organization_id,
            vendor=order.vendor,
            order=order,
            order_line=line,
            title=line.description,
            starts_on=today,
            ends_on=add_months(today, item.term_months or 12) - datetime.timedelta(days=1),
            concurrent_users=max(1, line.quantity),
        )


def _mark_received(order: PurchaseOrder, lines: Iterable[PurchaseOrderLine]) -> str:
    """Move the order to received (every line complete) or partially received; returns that status."""
    complete = all(line.received_quantity == line.quantity for line in lines)
    new_status = OS.RECEIVED if complete else OS.PARTIALLY_RECEIVED
    if new_status != order.status:
        order.move_to(new_status)
    if complete and not order.received_at:
        order.received_at = timezone.now()
    return new_status


@transaction.atomic
def invoice_enter(
    *, order_id: int, actor: User, number: str, issued_on: datetime.date, amount_minor: int, note: str = ""
) -> Invoice:
    """Enter the vendor's invoice for a fully received order; differences from the order and
    the receipt stay visible on the three-way match. The order becomes invoiced."""
    order = PurchaseOrder.objects.select_for_update().get(pk=order_id)
    if not permissions.is_leadership_of(actor, order.organization_id):
        raise PermissionDenied(_("Only the leadership office enters invoices."))
    if not permissions.can_enter_invoice(actor, order):
        raise InvalidTransition(order, OS.INVOICED.label)
    number = (number or "").strip()
    if not number:
        raise DomainError(_("Enter the invoice number."))
    check_amount(amount_minor, order.currency, allow_zero=True, limit_minor=MAX_PRICE_MINOR)
    try:
        with transaction.atomic():
            invoice = Invoice.objects.create(
                order=order,
                number=number,
                issued_on=issued_on,
                amount_minor=amount_minor,
                currency=order.currency,
                entered_by=actor,
                note=(note or "").strip()[:300],
            )
    except IntegrityError:
        raise DomainError(_("This order already has an invoice.")) from None
    order.move_to(OS.INVOICED)
    order.save(update_fields=["status", "updated_at"])
    order_event(
        order,
        key="invoiced",
        source=TrackingEvent.Source.MANUAL,
        status=OS.INVOICED,
        message=_("Invoice %(number)s entered") % {"number": number},
        actor=actor,
    )
    audit.record(
        actor=actor,
        target=order,
        verb="procurement.purchase_order.invoiced",
        data={"invoice": number, "amount_minor": amount_minor},
    )
    return invoice


@transaction.atomic
def purchase_order_close(*, order_id: int, actor: User) -> PurchaseOrder:
    """Leadership closes an invoiced order: nothing more happens to it."""
    order = PurchaseOrder.objects.select_for_update().get(pk=order_id)
    if not permissions.is_leadership_of(actor, order.organization_id):
        raise PermissionDenied(_("Only the leadership office closes orders."))
    order.move_to(OS.CLOSED)
    order.closed_at = timezone.now()
    order.save(update_fields=["status", "closed_at", "updated_at"])
    order_event(
        order,
        key="closed",
        source=TrackingEvent.Source.MANUAL,
        status=OS.CLOSED,
        message=_("Order closed"),
        actor=actor,
    )
    audit.record(actor=actor, target=order, verb="procurement.purchase_order.closed")
    return order
