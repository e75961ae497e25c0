"""Disc editions posted to the buyer:

    checkout: an order with a disc line needs a shipping address (`shipping_address_clean`)
    order paid -> one `Shipment` per disc line, to_ship (the selling unit is told)
    to_ship -> shipped (`shipment_ship`: carrier and tracking number; the buyer is told)
            -> delivered (`shipment_deliver`: the buyer or the selling unit, optional)
    to_ship -> cancelled (the order refunded before the disc left: `shipments_cancel`)

Lock order: the order, then its shipment (the refund handler holds the order's lock too).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from marketing.store import permissions
from marketing.store.actions.common import lock_order, notify_buyer
from marketing.store.models import Shipment, StoreOrder, StoreOrderLine
from office import audit
from office.access import unit_head_ids
from office.actions import notify
from office.exceptions import DomainError
from office.validators import clean_phone

if TYPE_CHECKING:
    from django.contrib.auth.models import User

POSTCODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 -]{2,10}$")
TRACKING_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{3,39}$")
SHIPPING_FIELDS = ("ship_name", "ship_phone", "ship_address", "ship_postcode")


def shipping_address_clean(data: dict[str, Any] | None) -> dict[str, str]:
    """The address a disc goes to, trimmed; refuses a missing recipient, a phone number that
    is not one, an address too short to find or too long, and a malformed postcode."""
    data = data or {}
    values = {field: " ".join(str(data.get(field) or "").split()) for field in SHIPPING_FIELDS}
    values["ship_address"] = "\n".join(
        line.strip() for line in str(data.get("ship_address") or "").splitlines() if line.strip()
    )
    if not values["ship_name"] or len(values["ship_name"]) > 100:
        raise DomainError(_("Give the recipient's name for the disc (at most 100 characters)."))
    if not values["ship_phone"]:
        raise DomainError(_("Give a phone number the courier can call (digits, spaces, dashes, a leading +)."))
    try:  # one rule with the forms' (office.validators)
        values["ship_phone"] = clean_phone(values["ship_phone"])
    except ValidationError as exc:
        raise DomainError(exc.messages[0]) from None
    if not 8 <= len(values["ship_address"]) <= 300:
        raise DomainError(_("Give the full shipping address (street, building, city), 8 to 300 characters."))
    if not POSTCODE_RE.match(values["ship_postcode"]):
        raise DomainError(_("Give the postcode (e.g. 510000)."))
    return values


def shipment_open(order: StoreOrder, line: StoreOrderLine) -> Shipment:
    """Part of the paid handler (order locked): a disc line becomes a shipment to post, and the
    people of the selling unit are told."""
    shipment, created = Shipment.objects.get_or_create(
        line=line, defaults={"order": order, "product": line.option.product, "copies": line.quantity}
    )
    if created:
        audit.record(actor=None, target=shipment, verb="store.shipment.opened", data={"order": order.number})
        _tell_sellers(shipment)
    return shipment


def _tell_sellers(shipment: Shipment) -> None:
    from django.urls import reverse

    from office.models import StaffProfile

    unit = shipment.product.department
    staff = StaffProfile.objects.filter(department=unit, user__is_active=True).values_list("user_id", flat=True)
    for user_id in dict.fromkeys([*unit_head_ids(unit), *staff]):
        notify(
            recipient_id=user_id,
            verb="store.shipment.opened",
            title=gettext_noop("A disc of %(product)s is to be posted for order %(number)s"),
            params={"product": shipment.product.name, "number": shipment.order.number},
            url=reverse("store:shipment_list"),
        )


def shipments_cancel(order: StoreOrder) -> None:
    """Part of the refund handler (order locked): discs not yet posted are not posted."""
    for shipment in Shipment.objects.select_for_update().filter(order=order, status=Shipment.Status.TO_SHIP):
        shipment.move_to(Shipment.Status.CANCELLED)
        shipment.save(update_fields=["status", "updated_at"])
        audit.record(actor=None, target=shipment, verb="store.shipment.cancelled", data={"order": order.number})


def _lock(shipment_id: int) -> Shipment:
    row = Shipment.objects.filter(pk=shipment_id).values_list("order_id", flat=True).first()
    if row is None:
        raise DomainError(_("This shipment does not exist."))
    lock_order(row)
    return Shipment.objects.select_for_update().select_related("product", "order").get(pk=shipment_id)


@transaction.atomic
def shipment_ship(*, actor: User, shipment_id: int, carrier: str, tracking_number: str) -> Shipment:
    """Record that the disc left: carrier and tracking number; the buyer is told. Refuses
    anyone but the product's selling unit, a missing carrier, a malformed tracking number and
    a shipment not waiting to be posted (already posted, or cancelled by a refund)."""
    shipment = _lock(shipment_id)
    if not permissions.can_ship(actor, shipment):
        raise PermissionDenied(_("Only the unit that sells this product posts its discs."))
    carrier = " ".join((carrier or "").split())
    tracking_number = (tracking_number or "").strip().upper()
    if not carrier or len(carrier) > 60:
        raise DomainError(_("Name the carrier (at most 60 characters)."))
    if not TRACKING_RE.match(tracking_number):
        raise DomainError(_("Give the tracking number: 4 to 40 letters, digits or dashes."))
    shipment.move_to(Shipment.Status.SHIPPED)
    shipment.carrier, shipment.tracking_number = carrier, tracking_number
    shipment.shipped_at, shipment.shipped_by = timezone.now(), actor
    shipment.save(update_fields=["status", "carrier", "tracking_number", "shipped_at", "shipped_by", "updated_at"])
    audit.record(
        actor=actor,
        target=shipment,
        verb="store.shipment.shipped",
        data={"carrier": carrier, "tracking": tracking_number},
    )
    notify_buyer(
        shipment.order,
        "store.shipment.shipped",
        gettext_noop("The disc of %(product)s (order %(number)s) is on its way: %(carrier)s %(tracking)s"),
        {
            "product": shipment.product.name,
            "number": shipment.order.number,
            "carrier": carrier,
            "tracking": tracking_number,
        },
    )
    return shipment


@transaction.atomic
def shipment_deliver(*, actor: User, shipment_id: int) -> Shipment:
    """Mark a posted disc as received: the buyer (or their office) or the selling unit. Refuses
    others and a disc not posted yet."""
    shipment = _lock(shipment_id)
    order = shipment.order
    is_buyer = permissions.can_view_order(actor, order) and not permissions.is_seller(actor)
    if not (is_buyer or permissions.can_ship(actor, shipment)):
        raise PermissionDenied(_("You cannot confirm this delivery."))
    shipment.move_to(Shipment.Status.DELIVERED)
    shipment.delivered_at = timezone.now()
    shipment.save(update_fields=["status", "delivered_at", "updated_at"])
    audit.record(actor=actor, target=shipment, verb="store.shipment.delivered", data={"by_buyer": is_buyer})
    return shipment
