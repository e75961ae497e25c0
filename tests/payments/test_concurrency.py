"""Races on PostgreSQL: double clicks, two tabs, duplicate webhooks delivered at once,
receipt numbers and refunds under contention. Each thread has its own connection.

SQLite serialises writers and would hide these races, so the tests skip only there; CI runs
everything on PostgreSQL (DATABASE_URL)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from office.access import sync_role_groups
from payments import actions, webhooks
from payments.gateways.simulated import SimulatedGateway, sign
from payments.models import Payment, Refund, SimulatedIntent, WebhookEvent
from tests.factories import (
    ClientAccountFactory,
    DepartmentFactory,
    OrganizationFactory,
    PositionFactory,
    StaffProfileFactory,
)
from tests.payments.conftest import intent_object, make_event, new_payment, postgres_only

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]


def run_together(n: int, func: Callable[[int], Any]) -> list[Any]:
    """Run func(i) in n threads released at the same instant; return results or exceptions."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def worker(i: int) -> None:
        try:
            barrier.wait()
            results[i] = func(i)
        except Exception as exc:  # noqa: BLE001 (reported to the test)
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.fixture
def people(db: Any) -> dict[str, Any]:
    home = OrganizationFactory(code="home", is_home=True)
    User = get_user_model()
    payer = User.objects.create_user("payer", password="a-Good-password-42")
    ClientAccountFactory(user=payer)  # the home office bills remote clients and its own staff only
    director = StaffProfileFactory(
        department=DepartmentFactory(organization=home), position=PositionFactory(role="director", code="director")
    ).user
    sync_role_groups(director)
    return {"home": home, "payer": payer, "director": director}


def _paid_payment(payer: Any, amount: int = 10_000) -> Payment:
    payment = new_payment(payer, amount=amount)
    actions.payment_ensure_intent(payment_id=payment.pk)
    payment.refresh_from_db()
    SimulatedGateway().pay(reference=payment.provider_reference, card_number="4242424242424242")
    return actions.payment_sync(payment_id=payment.pk)


def test_ten_concurrent_creates_give_one_payment(people, test_purpose):
    results = run_together(10, lambda i: new_payment(people["payer"], purpose_id="order-race").pk)
    assert all(isinstance(r, int) for r in results), results
    assert len(set(results)) == 1
    assert Payment.objects.filter(purpose_id="order-race").count() == 1


def test_two_tabs_opening_checkout_create_one_intent_with_one_key(people, test_purpose, monkeypatch):
    payment = new_payment(people["payer"])
    keys: list[str] = []
    original = SimulatedGateway.create_intent

    def counting(self, **kwargs):
        keys.append(kwargs["idempotency_key"])
        return original(self, **kwargs)

    monkeypatch.setattr(SimulatedGateway, "create_intent", counting)
    results = run_together(8, lambda i: actions.payment_ensure_intent(payment_id=payment.pk).reference)
    assert all(isinstance(r, str) for r in results), results
    assert len(set(results)) == 1  # every tab got the same intent
    assert set(keys) == {payment.idempotency_key}
    assert SimulatedIntent.objects.count() == 1
    payment.refresh_from_db()
    assert payment.provider_reference == results[0]


def test_double_click_on_pay_over_http_gives_one_payment(people):
    request = actions.payment_request_create(
        actor=people["director"], payer=people["payer"], amount_minor=5_000, description="Fee"
    )

    def click(i: int) -> int:
        client = Client()
        client.force_login(people["payer"])
        return client.post(f"/payments/requests/{request.pk}/pay/").status_code

    assert run_together(6, click) == [302] * 6
    assert Payment.objects.filter(purpose_id=str(request.pk)).count() == 1


def test_same_event_delivered_concurrently_is_applied_once(people, test_purpose, settings):
    payment = new_payment(people["payer"])
    actions.payment_ensure_intent(payment_id=payment.pk)
    payment.refresh_from_db()
    body = json.dumps(make_event("payment_intent.succeeded", intent_object(payment, "succeeded"))).encode()

    def deliver(i: int) -> tuple[int, str]:
        return webhooks.receive(
            provider="simulated", payload=body, signature_header=sign(body, settings.SIMULATED_WEBHOOK_SECRET)
        )

    results = run_together(8, deliver)
    assert all(status == 200 for status, _outcome in results), results
    assert sorted(outcome for _status, outcome in results).count("applied") == 1
    assert WebhookEvent.objects.count() == 1
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED and payment.receipt_number


def test_receipt_numbers_have_no_gaps_or_duplicates_under_concurrency(people, test_purpose, settings):
    payments = [new_payment(people["payer"]) for _ in range(10)]
    for p in payments:
        actions.payment_ensure_intent(payment_id=p.pk)
        p.refresh_from_db()

    def succeed(i: int) -> str:
        body = json.dumps(make_event("payment_intent.succeeded", intent_object(payments[i], "succeeded"))).encode()
        return webhooks.receive(
            provider="simulated", payload=body, signature_header=sign(body, settings.SIMULATED_WEBHOOK_SECRET)
        )[1]

    assert run_together(10, succeed) == ["applied"] * 10
    numbers = sorted(int(n.split("-")[1]) for n in Payment.objects.values_list("receipt_number", flat=True))
    assert numbers == list(range(1, 11))


def test_concurrent_refunds_never_exceed_the_amount(people, test_purpose):
    payment = _paid_payment(people["payer"], amount=10_000)

    def refund(i: int) -> Any:
        return actions.payment_refund(
            payment_id=payment.pk, actor=people["director"], reason=f"r{i}", amount_minor=3_000
        ).status

    results = run_together(6, refund)
    assert results.count(Refund.Status.SUCCEEDED) == 3
    payment.refresh_from_db()
    assert payment.refunded_minor == 9_000
    assert SimulatedIntent.objects.get().amount_refunded_minor == 9_000
