"""What member offices pay for in cataloging, declared once for the payments app's policy
(`payments.payables`): a monthly statement's debit, paid to the catalog operator."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cataloging import actions
from cataloging.models import Statement
from payments.payables import Money, Payable, register_payable


def register_payables() -> None:
    register_payable(
        Payable(
            purpose=actions.STATEMENT_PURPOSE,
            label=_("Cataloging statement"),
            lock=lambda pk: Statement.objects.select_for_update().filter(pk=pk).first(),
            expected=lambda statement: Money(statement.net_minor, statement.currency),
            is_paid=lambda statement: statement.status == Statement.Status.PAID,
            is_open=lambda statement: statement.status == Statement.Status.ISSUED and statement.net_minor > 0,
            on_paid=actions.statement_paid,
            url=lambda payment: reverse("cataloging:statement_detail", kwargs={"pk": int(payment.purpose_id)}),
        )
    )
