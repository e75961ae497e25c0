"""Checkout of a service order: the client goes straight from ordering to paying.

    quoted (at the list price, nobody quoted it) -> accepted -> payment started   (one step)
    accepted -> payment started

A fixed-price order is quoted at the list price when it is created (`orders.order_create`);
accepting that "quote" is no decision of the client's, so paying it accepts it on the way
(Shopify's checkout: no quote to accept). A quote that staff made is still accepted or
declined first (`orders.order_accept`). Both steps are the existing actions, in one
transaction: they lock, check and audit as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction

from office.exceptions import InvalidTransition
from payments.models import Payment
from services import permissions
from services.actions.common import _lock
from services.actions.order_payment import order_pay
from services.actions.orders import order_accept
from services.models import Offering, ServiceOrder

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Status = ServiceOrder.Status


@transaction.atomic
def order_checkout(*, order_id: int, actor: User) -> Payment:
    """Start (or resume) paying `order_id`: a list-price quote is accepted first. Returns the
    `Payment` for the checkout page; refuses anything else `order_pay` refuses."""
    order = _lock(order_id)
    if not permissions.is_order_client(actor, order):
        raise PermissionDenied
    list_price = (
        order.status == Status.QUOTED
        and order.quoted_by_id is None
        and order.offering.pricing == Offering.Pricing.FIXED
    )
    if list_price:
        order_accept(order_id=order.pk, actor=actor)
    elif not permissions.can_pay(actor, order):
        raise InvalidTransition(order, Status.PAID.label)
    return order_pay(order_id=order.pk, actor=actor)
