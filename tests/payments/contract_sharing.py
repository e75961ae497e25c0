"""Payable contract builders for resource sharing: a client's document-delivery request
awaiting payment (`sharing.client_request`; closing it cancels it) and a netted statement east
owes the home office, paid by east's director (`sharing.settlement`; an issued statement has
no closed state)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from tests.payments.contract import Case


def _client_request(demo: Any) -> Case:
    from sharing import actions
    from sharing.models import SharingRequest

    request = actions.client_request_create(
        actor=demo.client_a, copyright_declared=True, title="Contract journal", issn="0022-0418", pages="1-10"
    )
    assert request.status == SharingRequest.Status.AWAITING_PAYMENT
    return Case(
        request.pk,
        lambda: actions.client_request_pay(request_id=request.pk, actor=demo.client_a),
        lambda: actions.request_cancel(request_id=request.pk, actor=demo.client_a),
    )


def _settlement(demo: Any) -> Case:
    from sharing import actions
    from sharing.models import Agency, Settlement

    home, east = Agency.objects.get(agency_id="CN-HOME"), Agency.objects.get(agency_id="CN-EAST")
    first, second = sorted((home, east), key=lambda a: a.pk)
    statement = Settlement.objects.create(
        period_start=datetime.date(2021, 3, 1),
        first=first,
        second=second,
        first_owes_minor=4200 if first == east else 0,
        second_owes_minor=4200 if second == east else 0,
        debtor=east,
        creditor=home,
        amount_minor=4200,
    )
    return Case(
        statement.pk, lambda: actions.settlement_pay(settlement_id=statement.pk, actor=demo.director_east), None
    )


BUILDERS: dict[str, Callable[[Any], Case]] = {
    "sharing.client_request": _client_request,
    "sharing.settlement": _settlement,
}
