"""Payable contract builder for the storefront (`store.order`): client_a's pending order for
two seats of online access; closing it cancels it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.payments.contract import Case


def _store_order(demo: Any) -> Case:
    from marketing.store import actions
    from marketing.store.models import StoreOrder
    from tests.store.factories import placed_order

    order = placed_order(demo.client_a)
    return Case(
        order.pk,
        lambda: actions.order_pay(order_id=order.pk, actor=demo.client_a),
        lambda: StoreOrder.objects.filter(pk=order.pk).update(status=StoreOrder.Status.CANCELLED),
    )


BUILDERS: dict[str, Callable[[Any], Case]] = {"store.order": _store_order}
