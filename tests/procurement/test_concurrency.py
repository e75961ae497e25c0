"""Races on PostgreSQL (RELIABILITY B1, B2): separate connections per thread, a barrier, and
the budget line's check constraint and row locks as the last word."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from office.exceptions import DomainError
from office.models import Budget, BudgetEntry
from procurement import actions
from procurement.models import PurchaseRequest
from tests.procurement.conftest import budget_of, make_request, postgres_only

pytestmark = [pytest.mark.django_db(transaction=True), postgres_only]


def race(callables):
    barrier = threading.Barrier(len(callables))
    results: list = [None] * len(callables)

    def run(i, call):
        try:
            barrier.wait(timeout=10)
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - recorded and asserted on
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(callables)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_concurrent_approvals_never_overspend(demo):
    budget = budget_of(demo.staff_infodev)
    requests = [make_request(demo.staff_infodev, [("BH-1001", 1)]) for _ in range(12)]  # 45 CNY each
    # Leave room for exactly five of the twelve.
    Budget.objects.filter(pk=budget.pk).update(allocated_minor=budget.encumbered_minor + budget.spent_minor + 5 * 4_500)
    head = demo.head_infodev
    results = race([lambda pk=pr.pk: actions.purchase_request_approve(request_id=pk, actor=head) for pr in requests])
    budget.refresh_from_db()
    approved = PurchaseRequest.objects.filter(pk__in=[p.pk for p in requests], status="approved").count()
    assert approved == 5
    assert sum(isinstance(r, DomainError) for r in results) == 7  # a clear refusal, not a crash
    assert budget.available_minor == 0
    assert BudgetEntry.objects.filter(budget=budget, kind="encumber", reference__startswith="PR-").count() >= 5


def test_head_and_director_race_on_one_request(demo):
    pr = make_request(demo.staff_infodev, [("BH-1001", 1)])
    budget = budget_of(demo.staff_infodev)
    before = budget.encumbered_minor
    results = race(
        [
            lambda: actions.purchase_request_approve(request_id=pr.pk, actor=demo.head_infodev),
            lambda: actions.purchase_request_reject(request_id=pr.pk, actor=demo.director, comment="No"),
        ]
    )
    assert sum(isinstance(r, DomainError) for r in results) == 1
    pr.refresh_from_db()
    budget.refresh_from_db()
    if pr.status == "approved":
        assert budget.encumbered_minor == before + 4_500
    else:
        assert pr.status == "rejected" and budget.encumbered_minor == before
