"""What is paid in resource sharing, declared once for the payments app's policy
(`payments.payables`): a client's document-delivery fee, and a netted monthly statement."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from payments.payables import Money, Payable, register_payable
from sharing import actions
from sharing.actions.client import lock_for_payment
from sharing.actions.settlement import lock_settlement
from sharing.models import Settlement, SharingRequest


def register_payables() -> None:
    register_payable(
        Payable(
            purpose=actions.CLIENT_PURPOSE,
            label=_("Document delivery"),
            lock=lock_for_payment,
            expected=lambda request: Money(request.client_fee_minor or 0, request.currency),
            is_paid=lambda request: request.client_paid_at is not None,
            is_open=lambda request: request.status == SharingRequest.Status.AWAITING_PAYMENT,
            on_paid=actions.client_request_paid,
            url=lambda payment: reverse("sharing:request_detail", kwargs={"pk": int(payment.purpose_id)}),
        )
    )
    register_payable(
        Payable(
            purpose=actions.SETTLEMENT_PURPOSE,
            label=_("Resource-sharing statement"),
            lock=lock_settlement,
            expected=lambda statement: Money(statement.amount_minor, statement.currency),
            is_paid=lambda statement: statement.status == Settlement.Status.PAID,
            is_open=lambda statement: statement.is_payable,
            on_paid=actions.settlement_paid,
            url=lambda payment: reverse("sharing:settlement_detail", kwargs={"pk": int(payment.purpose_id)}),
        )
    )
