"""PostgreSQL drops a request's connection in the middle of a transition (RELIABILITY.md F5,
issue 17): `pg_terminate_backend` of the very connection the request is writing on, from a
second connection, between two writes of the transition. What must hold:

- a clear error: the request answers the 500 page ("Something went wrong on our side ... try
  again in a moment", translated), or for a provider's webhook a 500 that makes it deliver
  again; a task raises and is run again by its sweep;
- nothing half-written: the transition's rows are all there or none are (the first write,
  already sent, is rolled back with the connection);
- the next request works: Django drops the dead connection and opens a new one.

The transitions: a service order quote (the order row, then its audit event and the client's
notification), a purchase order's payment arriving by webhook (the event id, then the
payment), and that payment applied to the order (budget spending, then the request's
encumbrance and the order). `test_database_drop_gunicorn.py` does the quote under gunicorn.
These tests use the test client in one thread, so the killed connection is the test's own:
they are transactional, and each query after the kill opens a new one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import psycopg2
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from office.models import AuditEvent, BudgetEntry, Notification
from payments import actions as payment_actions
from payments.gateways.simulated import SimulatedGateway, sign
from payments.models import Payment, WebhookEvent
from procurement import actions as procurement_actions
from procurement.models import PurchaseOrder, TrackingEvent
from services.models import ServiceOrder
from tests.procurement.conftest import budget_of, make_request
from tests.services.factories import order_in

pytestmark = pytest.mark.django_db(transaction=True)

SERVER_ERROR = "Something went wrong on our side"  # templates/500.html


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("pg_terminate_backend needs PostgreSQL (run with DATABASE_URL)")


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def terminate(pid: int) -> None:
    """From a second connection: end `pid`'s session and wait until it is gone (PostgreSQL 14+)."""
    params = connection.settings_dict
    killer = psycopg2.connect(
        dbname=params["NAME"],
        user=params["USER"],
        password=params["PASSWORD"] or None,
        host=params["HOST"] or "127.0.0.1",
        port=params["PORT"] or 5432,
    )
    try:
        killer.autocommit = True
        with killer.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
            assert cursor.fetchone()[0] is True, f"backend {pid} did not end"
    finally:
        killer.close()


class Drop:
    """Wraps one step of a transition: the first call runs it, then kills the connection it
    wrote on, so that the transition's next write finds it gone."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, target: Any, name: str, *, before: bool = False) -> None:
        self.original: Callable[..., Any] = getattr(target, name)
        self.killed: list[int] = []
        self.before = before
        monkeypatch.setattr(target, name, self)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.killed:
            return self.original(*args, **kwargs)
        pid = backend_pid()
        if self.before:
            self.killed.append(pid)
            terminate(pid)
            return self.original(*args, **kwargs)
        result = self.original(*args, **kwargs)
        self.killed.append(pid)
        terminate(pid)
        return result


def _client(user: Any) -> Client:
    client = Client(raise_request_exception=False)  # as a server answers: the 500 page
    client.force_login(user)
    return client


def _assert_gone(pid: int) -> None:
    assert backend_pid() != pid  # a new connection, opened by the next query
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
        assert cursor.fetchone()[0] == 0


# --- a service order quote, in a request --------------------------------------------------------


def test_quote_with_its_connection_dropped_answers_500_writes_nothing_and_the_next_request_works(
    demo: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from office import audit

    order = order_in(demo, "requested")
    head = _client(demo.head_infodev)
    url = reverse("services:order_quote", args=[order.pk])
    form = {"amount": "880.00", "due_date": (timezone.localdate() + timedelta(days=10)).isoformat(), "note": "Quote"}
    # The order row is saved, then the connection dies: the audit event is the next write.
    drop = Drop(monkeypatch, audit, "record", before=True)

    response = head.post(url, form)

    assert drop.killed, "the hook never ran"
    assert response.status_code == 500
    assert SERVER_ERROR in response.content.decode()
    _assert_gone(drop.killed[0])
    order.refresh_from_db()
    assert order.status == ServiceOrder.Status.REQUESTED
    assert order.quoted_amount_minor in (None, 0) and order.quoted_at is None and order.quoted_by is None
    assert not AuditEvent.objects.filter(verb="services.order.quoted", target_id=str(order.pk)).exists()
    assert not Notification.objects.filter(recipient=demo.client_a, verb="services.order.quoted").exists()

    # The next request on the same client works, and so does the quote when tried again.
    assert head.get(reverse("services:order_detail", args=[order.pk])).status_code == 200
    assert head.post(url, form).status_code == 302
    order.refresh_from_db()
    assert (order.status, order.quoted_amount_minor) == (ServiceOrder.Status.QUOTED, 88_000)
    assert AuditEvent.objects.filter(verb="services.order.quoted", target_id=str(order.pk)).count() == 1
    assert Notification.objects.filter(recipient=demo.client_a, verb="services.order.quoted").count() == 1


def test_the_500_page_is_translated() -> None:
    from django.template import loader
    from django.utils import translation

    with translation.override("zh-hans"):
        page = loader.get_template("500.html").render({})
    assert "我们这边出了问题" in page and SERVER_ERROR not in page


# --- a purchase order's payment -----------------------------------------------------------------


@pytest.fixture
def placed_order(demo: Any) -> PurchaseOrder:
    pr = make_request(demo.staff_infodev, [("BH-1001", 2)])  # 9,000
    procurement_actions.purchase_request_approve(request_id=pr.pk, actor=demo.head_infodev)
    (order,) = procurement_actions.purchase_request_place_orders(request_id=pr.pk, actor=demo.staff_infodev)
    return order


@pytest.fixture
def provider_events(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The simulated provider's events, kept instead of delivered: the test delivers them."""
    from payments.gateways import simulated

    payloads: list[str] = []
    monkeypatch.setattr(simulated, "enqueue_on_commit", lambda _task, *, payload: payloads.append(payload))
    yield payloads


def _card_paid(order: PurchaseOrder, payer: Any) -> Payment:
    payment = procurement_actions.purchase_order_pay(order_id=order.pk, actor=payer)
    payment_actions.payment_ensure_intent(payment_id=payment.pk)
    payment.refresh_from_db()
    SimulatedGateway().pay(reference=payment.provider_reference, card_number="4242424242424242")
    return payment


def _money(order: PurchaseOrder) -> tuple[Any, ...]:
    """Everything the payment's application writes, read fresh."""
    order.refresh_from_db()
    budget = budget_of(order.request.requester)
    return (
        order.status,
        order.spent_minor,
        order.encumbered_minor,
        order.paid_at,
        order.request.encumbered_minor,
        budget.encumbered_minor,
        budget.spent_minor,
        BudgetEntry.objects.filter(reference=order.number).count(),
        TrackingEvent.objects.filter(order=order, status=PurchaseOrder.Status.PAID).count(),
        AuditEvent.objects.filter(verb="procurement.purchase_order.paid", target_id=str(order.pk)).count(),
    )


def test_payment_webhook_with_its_connection_dropped_is_refused_whole_and_applied_on_redelivery(
    demo: Any, placed_order: PurchaseOrder, provider_events: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from payments.actions import webhooks as webhook_actions

    payment = _card_paid(placed_order, demo.director)
    (payload,) = [p for p in provider_events if json.loads(p)["type"] == "payment_intent.succeeded"]
    event_id = json.loads(payload)["id"]
    before = _money(placed_order)
    provider = Client(raise_request_exception=False)

    def deliver() -> Any:
        return provider.post(
            reverse("payments:simulated_webhook"),
            payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=sign(payload.encode(), settings.SIMULATED_WEBHOOK_SECRET),
        )

    # The event id is stored, then the connection dies before the payment is changed.
    drop = Drop(monkeypatch, webhook_actions, "_apply_intent", before=True)
    response = deliver()

    assert drop.killed and response.status_code == 500  # the provider will deliver it again
    _assert_gone(drop.killed[0])
    assert not WebhookEvent.objects.filter(event_id=event_id).exists()  # else the retry is a "duplicate"
    payment.refresh_from_db()
    assert payment.status != Payment.Status.SUCCEEDED and payment.succeeded_at is None
    assert _money(placed_order) == before

    # The provider's retry: applied once, and the order paid (its task runs inline here).
    response = deliver()
    assert (response.status_code, response.content) == (200, b"applied")
    assert deliver().content == b"duplicate"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    after = _money(placed_order)
    assert after[0] == PurchaseOrder.Status.PAID and after[1] == 9_000 and after[7:] == (1, 1, 1)


def test_payment_applied_to_the_order_with_its_connection_dropped_is_all_or_nothing(
    demo: Any, placed_order: PurchaseOrder, provider_events: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker's side: `payment_notify_purpose_task` applies the payment to the order in one
    transaction; the connection dies after the budget line is charged, before the request and
    the order are. The task fails; the reconcile sweep tells the purpose again."""
    from payments.actions import common
    from payments.tasks import payment_notify_purpose_task
    from procurement.actions import order_payment

    told: list[int] = []
    enqueue_on_commit = common.enqueue_on_commit
    monkeypatch.setattr(common, "enqueue_on_commit", lambda _task, *, payment_id: told.append(payment_id))
    payment = _card_paid(placed_order, demo.director)
    payment_actions.payment_sync(payment_id=payment.pk)  # the payment page's poll: succeeded
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED and told == [payment.pk]
    before = _money(placed_order)

    drop = Drop(monkeypatch, order_payment, "budget_spend")
    with pytest.raises(Exception) as failure:
        payment_notify_purpose_task(payment_id=payment.pk)  # as the worker runs it

    assert drop.killed
    assert "terminat" in str(failure.value) or "closed" in str(failure.value), repr(failure.value)
    _assert_gone(drop.killed[0])
    assert _money(placed_order) == before  # budget, request, order, tracking, audit: none of it
    payment.refresh_from_db()
    assert payment.notified_status != Payment.Status.SUCCEEDED and payment.purpose_outcome == ""

    # The reconcile sweep (beat, every 5 minutes) finds the payment's purpose untold.
    monkeypatch.setattr(common, "enqueue_on_commit", enqueue_on_commit)
    payment_actions.payment_reconcile(older_than_seconds=0)
    after = _money(placed_order)
    assert after[0] == PurchaseOrder.Status.PAID and after[1] == 9_000 and after[7:] == (1, 1, 1)
    payment.refresh_from_db()
    assert payment.notified_status == Payment.Status.SUCCEEDED
    assert payment.purpose_outcome == Payment.PurposeOutcome.APPLIED
