"""Storefront test helpers: an order of a demo buyer in a given state, paid through the
simulated provider for real."""

from __future__ import annotations

import secrets
from typing import Any

from marketing.store import actions
from marketing.store.models import LicenceOption, StoreOrder


def option(product: str = "pearl-river-materials-db", kind: str = "online") -> LicenceOption:
    return LicenceOption.objects.get(product__slug=product, kind=kind)


ADDRESS = {
    "ship_name": "Fang Wei 方伟",
    "ship_phone": "+86 20 8888 1001",
    "ship_address": "Room 501, 100 Xianlie Road\nYuexiu District, Guangzhou",
    "ship_postcode": "510070",
}


def placed_order(user: Any, *, product: str = "pearl-river-materials-db", kind: str = "online", seats: int = 2,
                 ip_ranges: str = "") -> StoreOrder:  # fmt: skip
    """Checked out; a disc order with ADDRESS."""
    actions.cart_add(actor=user, option_id=option(product, kind).pk, quantity=seats, ip_ranges=ip_ranges)
    return actions.checkout(actor=user, token=secrets.token_hex(8), shipping=ADDRESS if kind == "disc" else None)


def pay(order: StoreOrder, user: Any, capture: Any = None) -> StoreOrder:
    """Pay on the simulated provider; everything after commit runs."""
    from payments import actions as payment_actions
    from payments.gateways.simulated import SimulatedGateway

    def run() -> None:
        payment = actions.order_pay(order_id=order.pk, actor=user)
        payment_actions.payment_ensure_intent(payment_id=payment.pk)
        payment.refresh_from_db()
        SimulatedGateway().pay(reference=payment.provider_reference, card_number="4242424242424242")
        payment_actions.payment_sync(payment_id=payment.pk)

    if capture is None:  # no commit in a test: tell the purpose here (idempotent), as the demo does
        run()
        payment_actions.payment_notify_purpose(payment_id=order_payment_id(order))
    else:
        with capture(execute=True):
            run()
    order.refresh_from_db()
    return order


def order_payment_id(order: StoreOrder) -> int:
    from payments.models import Payment

    return Payment.objects.filter(purpose_type="store.order", purpose_id=str(order.pk)).latest("pk").pk


def paid_order(user: Any, capture: Any = None, **kw: Any) -> StoreOrder:
    return pay(placed_order(user, **kw), user, capture)
