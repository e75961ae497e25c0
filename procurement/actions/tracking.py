"""Tracking purchase orders: vendor news (a webhook, a poll of the vendor's API, a note typed
by staff) lands once on the order's timeline and moves the order forward, never backwards
(placed -> confirmed -> shipped); the beat sweep sends what was never sent, polls open API
orders and flags late ones once."""

from __future__ import annotations

import datetime
import logging
import uuid
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from office import audit
from office.actions import notify
from office.exceptions import DomainError
from procurement import permissions
from procurement.actions.common import OS, order_event, order_url
from procurement.actions.orders import purchase_order_send
from procurement.integrations import VENDOR_STATUSES, VendorApiError, VendorEvent, adapter_for
from procurement.models import PurchaseOrder, TrackingEvent, Vendor

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)

# Vendor news that moves an order forward; everything else only lands on the timeline.
VENDOR_STATUS_MOVES = {"accepted": OS.CONFIRMED, "confirmed": OS.CONFIRMED, "shipped": OS.SHIPPED}


@transaction.atomic
def tracking_event_record(
    *,
    order_id: int,
    key: str,
    source: str,
    status: str,
    message: str = "",
    occurred_at: datetime.datetime | None = None,
    actor: User | None = None,
) -> TrackingEvent | None:
    """Put a piece of vendor news on the order's timeline once (a repeated key is a no-op),
    move the order forward when the news says so (never backwards), tell the requester."""
    order = PurchaseOrder.objects.select_for_update().select_related("request").get(pk=order_id)
    event = order_event(
        order, key=key[:120], source=source, status=status, message=message, actor=actor, occurred_at=occurred_at
    )
    if event is None:
        return None
    target = VENDOR_STATUS_MOVES.get(status)
    moved = False
    if target and order.can_move_to(target) and PurchaseOrder.RANK[target] > PurchaseOrder.RANK[order.status]:
        order.move_to(target)
        order.save(update_fields=["status", "updated_at"])
        moved = True
    audit.record(
        actor=actor,
        target=order,
        verb="procurement.purchase_order.tracked",
        data={"status": status, "source": source, "moved": moved},
    )
    notify(
        recipient_id=order.request.requester_id,
        verb="procurement.purchase_order.tracked",
        title=gettext_noop("Order %(number)s: %(news)s"),
        url=order_url(order),
        send_email=moved,
        params={"number": order.number, "news": message or status},
    )
    return event


def tracking_manual_update(*, order_id: int, actor: User, status: str, message: str) -> TrackingEvent | None:
    """Staff of the office record news heard another way (a phone call, an e-mail) on an open
    order, as `tracking_event_record` does for a vendor's. Refuses unknown statuses."""
    order = PurchaseOrder.objects.get(pk=order_id)
    if not permissions.can_track_order(actor, order):
        raise PermissionDenied(_("You cannot record news for this order."))
    if status not in VENDOR_STATUSES:
        raise DomainError(_("Choose a known status."))
    return tracking_event_record(
        order_id=order_id,
        key=f"manual-{uuid.uuid4().hex}",
        source=TrackingEvent.Source.MANUAL,
        status=status,
        message=(message or "").strip(),
        actor=actor,
    )


def apply_vendor_events(order: PurchaseOrder, events: list[VendorEvent], *, source: str) -> int:
    """Record each of a vendor's events once (keyed by the vendor's event id); returns how many were new."""
    added = 0
    for event in events:
        if tracking_event_record(
            order_id=order.pk,
            key=f"vendor-{event.id}",
            source=source,
            status=event.status,
            message=event.message,
            occurred_at=event.occurred_at,
        ):
            added += 1
    return added


def purchase_order_poll(*, order_id: int) -> int:
    """Ask an API vendor about one order (no lock while waiting); returns events added."""
    order = PurchaseOrder.objects.select_related("vendor").get(pk=order_id)
    if not order.vendor.is_api or not order.sent_at or not order.is_open:
        return 0
    try:
        events = adapter_for(order.vendor).order_events(order.vendor_reference, order)
    except VendorApiError as exc:
        logger.warning("Polling order %s failed: %s", order.number, exc)
        return 0
    PurchaseOrder.objects.filter(pk=order.pk).update(last_polled_at=timezone.now())
    return apply_vendor_events(order, events, source=TrackingEvent.Source.POLL)


def orders_tracking_sweep() -> dict[str, int]:
    """The beat job: send what was never sent (broker down, vendor down), poll every open API
    order, flag late orders once. Each step is idempotent, so a late or doubled run is harmless."""
    counts = {"sent": 0, "events": 0, "late": 0}
    for order_id in PurchaseOrder.objects.open().filter(sent_at__isnull=True).values_list("pk", flat=True):
        counts["sent"] += purchase_order_send(order_id=order_id)
    api = [Vendor.Integration.API, Vendor.Integration.SIMULATED]
    for order_id in (
        PurchaseOrder.objects.open()
        .filter(vendor__integration__in=api, sent_at__isnull=False)
        .values_list("pk", flat=True)
    ):
        counts["events"] += purchase_order_poll(order_id=order_id)
    today = timezone.localdate()
    for order_id in (
        PurchaseOrder.objects.open()
        .filter(promised_on__lt=today, late_flagged_at__isnull=True)
        .values_list("pk", flat=True)
    ):
        counts["late"] += purchase_order_flag_late(order_id=order_id)
    return counts


@transaction.atomic
def purchase_order_flag_late(*, order_id: int) -> bool:
    """Mark an open order past its promised date as late, once, and tell the requester."""
    order = PurchaseOrder.objects.select_for_update().select_related("request").get(pk=order_id)
    if order.late_flagged_at or not order.is_late:
        return False
    order.late_flagged_at = timezone.now()
    order.save(update_fields=["late_flagged_at", "updated_at"])
    order_event(
        order,
        key="late",
        source=TrackingEvent.Source.SYSTEM,
        status="delayed",
        message=_("Late: the vendor promised delivery by %(date)s") % {"date": order.promised_on},
    )
    audit.record(actor=None, target=order, verb="procurement.purchase_order.flagged_late")
    notify(
        recipient_id=order.request.requester_id,
        verb="procurement.purchase_order.late",
        title=gettext_noop("Order %(number)s is late"),
        url=order_url(order),
        params={"number": order.number},
    )
    return True
