"""What buyers pay for in the storefront, declared once for the payments app's policy."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from marketing.store import actions
from marketing.store.models import StoreOrder
from payments.payables import Money, Payable, register_payable


def _order(pk: str) -> StoreOrder | None:
    return StoreOrder.objects.select_for_update().filter(pk=pk).first()


def register_payables() -> None:
    register_payable(
        Payable(
            purpose=actions.ORDER_PURPOSE,
            label=_("Store order"),
            lock=_order,
            expected=lambda order: Money(order.total_minor, order.currency),
            is_paid=lambda order: order.paid_at is not None,
            is_open=lambda order: order.status == StoreOrder.Status.PENDING,
            on_paid=actions.order_paid,
            on_refunded=actions.order_refunded,
            url=lambda payment: reverse("store:order_detail", kwargs={"pk": int(payment.purpose_id)}),
        )
    )
