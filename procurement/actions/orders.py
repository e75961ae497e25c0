"""Purchase orders: placing an approved request splits it into one numbered order per vendor,
each carrying its share of the encumbrance; each order is sent to its vendor once (after
commit, retried by the tracking sweep); an unpaid order may be cancelled, which releases its
encumbrance. Paying is in `order_payment`, vendor news in `tracking`, delivery in `receiving`.

    placed -> confirmed -> paid -> ...      placed | confirmed -> cancelled

Lock order: purchase request, then purchase order, then budget line.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from office import audit
from office.actions import budget_release
from office.exceptions import DomainError, InvalidTransition
from office.queue import enqueue_on_commit
from payments.models import Payment
from procurement import permissions
from procurement.actions.common import OS, RS, lock_request, order_event
from procurement.actions.order_payment import PURCHASE_ORDER_PURPOSE
from procurement.integrations import VendorApiError, adapter_for
from procurement.models import (
    OrderCounter,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseRequest,
    PurchaseRequestLine,
    TrackingEvent,
)
from procurement.pdf import purchase_order_pdf

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)


def _next_order_number(year: int) -> str:
    counter, _created = OrderCounter.objects.get_or_create(year=year)
    counter = OrderCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"PO-{year}-{counter.last:04d}"


@transaction.atomic
def purchase_request_place_orders(*, request_id: int, actor: User) -> list[PurchaseOrder]:
    """Split an approved request into one numbered order per vendor, each carrying its share of
    the encumbrance; the request becomes ordered. Sending goes out after commit."""
    pr = lock_request(request_id)
    if pr.requester_id != actor.pk and not permissions.is_leadership_of(actor, pr.organization_id):
        raise PermissionDenied(_("You cannot place orders for this request."))
    pr.move_to(RS.ORDERED)  # only an approved request may be ordered
    by_vendor: dict[int, list[PurchaseRequestLine]] = defaultdict(list)
    for line in pr.lines.select_related("vendor", "item").order_by("vendor_id", "pk"):
        by_vendor[line.vendor_id].append(line)
    today = timezone.localdate()
    orders = []
    for lines in by_vendor.values():
        vendor = lines[0].vendor
        total = sum(line.line_total_minor for line in lines)
        order = PurchaseOrder.objects.create(
            organization_id=pr.organization_id,
            request=pr,
            vendor=vendor,
            number=_next_order_number(today.year),
            total_minor=total,
            currency=pr.currency,
            encumbered_minor=total,
            promised_on=today + datetime.timedelta(days=vendor.lead_time_days),
        )
        PurchaseOrderLine.objects.bulk_create(
            PurchaseOrderLine(
                order=order,
                request_line=line,
                description=line.description,
                sku=line.item.sku,
                quantity=line.quantity,
                unit_price_minor=line.unit_price_minor,
            )
            for line in lines
        )
        order_event(
            order,
            key="placed",
            source=TrackingEvent.Source.SYSTEM,
            status=OS.PLACED,
            message=_("Order placed"),
            actor=actor,
        )
        audit.record(actor=actor, target=order, verb="procurement.purchase_order.placed", data={"total_minor": total})
        orders.append(order)
    if sum(o.total_minor for o in orders) != pr.encumbered_minor:
        raise DomainError(_("The orders do not add up to the approved amount."))  # never half-written
    pr.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor, target=pr, verb="procurement.purchase_request.ordered", data={"orders": [o.number for o in orders]}
    )
    for order in orders:
        enqueue_on_commit("procurement.tasks.purchase_order_send_task", order_id=order.pk)
    return orders


def purchase_order_send(*, order_id: int) -> bool:
    """Send the order to its vendor once: the PDF by e-mail for a manual vendor, the vendor's
    API otherwise. No lock is held while the vendor answers; a failure is recorded and the
    tracking sweep tries again. Returns whether it was sent now."""
    order = PurchaseOrder.objects.select_related("vendor", "request").get(pk=order_id)
    if order.sent_at or order.status == OS.CANCELLED:
        return False  # sent by an earlier attempt
    reference = ""
    try:
        if order.vendor.is_api:
            reference = adapter_for(order.vendor).place_order(order)
        else:
            if not order.vendor.email:
                raise VendorApiError(_("The vendor has no order e-mail address."))
            message = EmailMessage(
                subject=_("Purchase order %(number)s") % {"number": order.number},
                body=_("Please find our purchase order %(number)s attached.") % {"number": order.number},
                to=[order.vendor.email],
            )
            message.attach(f"{order.number}.pdf", purchase_order_pdf(order), "application/pdf")
            message.send()
    except VendorApiError as exc:
        PurchaseOrder.objects.filter(pk=order.pk).update(send_error=str(exc)[:300])
        logger.warning("Order %s could not be sent: %s", order.number, exc)
        return False
    with transaction.atomic():
        order = PurchaseOrder.objects.select_for_update().get(pk=order_id)
        if order.sent_at:
            return False
        order.sent_at = timezone.now()
        order.vendor_reference = reference
        order.send_error = ""
        order.save(update_fields=["sent_at", "vendor_reference", "send_error", "updated_at"])
        order_event(order, key="sent", source=TrackingEvent.Source.SYSTEM, message=_("Order sent to the vendor"))
        audit.record(actor=None, target=order, verb="procurement.purchase_order.sent", data={"reference": reference})
    return True


@transaction.atomic
def purchase_order_cancel(*, order_id: int, actor: User, reason: str) -> PurchaseOrder:
    """Cancel an unpaid order (nothing is being paid for it); releases its encumbrance."""
    first = PurchaseOrder.objects.get(pk=order_id)
    pr = PurchaseRequest.objects.select_for_update().get(pk=first.request_id)
    order = PurchaseOrder.objects.select_for_update().select_related("request").get(pk=order_id)
    if not permissions.can_cancel_order(actor, order):
        if not permissions.is_leadership_of(actor, order.organization_id) and order.request.requester_id != actor.pk:
            raise PermissionDenied(_("You cannot cancel this order."))
        raise InvalidTransition(order, OS.CANCELLED.label)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give a reason for the cancellation."))
    if (
        Payment.objects.filter(purpose_type=PURCHASE_ORDER_PURPOSE, purpose_id=str(order.pk))
        .exclude(status__in=[Payment.Status.CANCELLED, Payment.Status.FAILED])
        .exists()
    ):
        raise DomainError(_("This order is being paid; cancel the payment first."))
    if order.encumbered_minor:
        budget_release(budget_id=pr.budget_id, amount_minor=order.encumbered_minor, actor=actor, reference=order.number)
        pr.encumbered_minor -= order.encumbered_minor
        pr.save(update_fields=["encumbered_minor", "updated_at"])
        order.encumbered_minor = 0
    order.move_to(OS.CANCELLED)
    order.save(update_fields=["status", "encumbered_minor", "updated_at"])
    order_event(
        order, key="cancelled", source=TrackingEvent.Source.MANUAL, status=OS.CANCELLED, message=reason, actor=actor
    )
    audit.record(actor=actor, target=order, verb="procurement.purchase_order.cancelled", data={"reason": reason})
    return order
