"""What an office pays for in procurement, declared once for the payments app's policy
(`payments.payables`): a purchase order (paid to its vendor) and a member's consortium
contract (paid to the provider)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from payments.payables import Money, Payable, register_payable
from procurement import actions
from procurement.consortia import actions as consortia_actions
from procurement.consortia.models import Contract


def register_payables() -> None:
    register_payable(
        Payable(
            purpose=actions.PURCHASE_ORDER_PURPOSE,
            label=_("Purchase order"),
            lock=actions.purchase_order_lock_for_payment,
            expected=lambda order: Money(order.total_minor, order.currency),
            is_paid=lambda order: order.paid_at is not None,
            is_open=lambda order: order.is_payable,
            on_paid=actions.purchase_order_paid,
            on_failed=actions.purchase_order_payment_failed,
            on_refunded=actions.purchase_order_refunded,
            url=lambda payment: reverse("procurement:order_detail", kwargs={"pk": int(payment.purpose_id)}),
        )
    )
    register_payable(
        Payable(
            purpose=consortia_actions.CONSORTIUM_CONTRACT_PURPOSE,
            label=_("Consortium contract"),
            lock=consortia_actions.contract_lock_for_payment,
            expected=lambda contract: Money(contract.price_minor, contract.currency),
            # paid_at without a payment: paid before contracts recorded their payment.
            is_paid=lambda contract: contract.paid_at is not None,
            is_open=lambda contract: contract.status == Contract.Status.SIGNED,
            on_paid=consortia_actions.contract_paid,
            url=lambda payment: reverse("procurement:contract_detail", kwargs={"pk": int(payment.purpose_id)}),
        )
    )
