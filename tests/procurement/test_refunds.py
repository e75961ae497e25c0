"""A purchase order's payment refunded: the money goes back to the budget line once, through the
real payments path (simulated provider, `payment_refund`, the purpose's refund handler)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from office.models import AuditEvent, Budget, BudgetEntry, Notification
from payments import actions as pay_actions
from payments.gateways.simulated import SimulatedGateway
from payments.models import Payment
from procurement import actions
from procurement.models import PurchaseOrder, PurchaseRequest, TrackingEvent
from tests.procurement.conftest import budget_of, make_request, postgres_only
from tests.procurement.test_concurrency import race

OS = PurchaseOrder.Status


def figures(budget: Budget) -> tuple[int, int, int, int]:
    budget.refresh_from_db()
    return budget.allocated_minor, budget.encumbered_minor, budget.spent_minor, budget.available_minor


def placed_orders(demo: Any, lines: list[tuple[str, int]]) -> tuple[PurchaseRequest, list[PurchaseOrder]]:
    pr = make_request(demo.staff_infodev, lines)
    actions.purchase_request_approve(request_id=pr.pk, actor=demo.head_infodev)
    return pr, actions.purchase_request_place_orders(request_id=pr.pk, actor=demo.staff_infodev)


def pay_online(order: PurchaseOrder, payer: Any, capture: Any) -> Payment:
    payment = actions.purchase_order_pay(order_id=order.pk, actor=payer)
    pay_actions.payment_ensure_intent(payment_id=payment.pk)
    payment.refresh_from_db()
    with capture(execute=True):
        SimulatedGateway().pay(reference=payment.provider_reference, card_number="4242424242424242")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    return payment


def refund(payment: Payment, actor: Any, capture: Any, amount: int | None = None) -> Payment:
    with capture(execute=True):
        pay_actions.payment_refund(payment_id=payment.pk, actor=actor, reason="Vendor refund", amount_minor=amount)
    payment.refresh_from_db()
    return payment


@pytest.mark.django_db
def test_full_refund_of_an_undelivered_order_cancels_it_and_gives_the_money_back(
    demo, django_capture_on_commit_callbacks
):
    budget = budget_of(demo.staff_infodev)
    start = figures(budget)
    pr, orders = placed_orders(demo, [("BH-1001", 2), ("DS-1001", 1)])  # 9,000 + 4,200
    order = next(o for o in orders if o.vendor.code == "bookhub")
    other = next(o for o in orders if o.vendor.code == "sim-api")
    payment = pay_online(order, demo.director, django_capture_on_commit_callbacks)
    order.refresh_from_db()
    assert order.payment_id == payment.pk and order.status == OS.PAID
    assert figures(budget) == (start[0], start[1] + 4_200, start[2] + 9_000, start[3] - 13_200)

    payment = refund(payment, demo.director, django_capture_on_commit_callbacks)
    assert payment.status == Payment.Status.REFUNDED
    order.refresh_from_db()
    assert (order.status, order.spent_minor, order.refunded_minor) == (OS.CANCELLED, 0, 9_000)
    assert order.encumbered_minor == 0
    # Spending back to where it was; the encumbrance is not restored (only the other order's share).
    assert figures(budget) == (start[0], start[1] + 4_200, start[2], start[3] - 4_200)
    pr.refresh_from_db()
    assert pr.encumbered_minor == 4_200
    other.refresh_from_db()
    assert other.status == OS.PLACED and other.encumbered_minor == 4_200
    entry = BudgetEntry.objects.filter(budget=budget, reference=order.number).first()
    assert entry.kind == BudgetEntry.Kind.SPEND and entry.amount_minor == -9_000
    assert AuditEvent.objects.filter(verb="procurement.purchase_order.refunded", target_id=str(order.pk)).count() == 1
    assert TrackingEvent.objects.filter(order=order, key=f"payment-{payment.pk}-refund-9000", status=OS.CANCELLED)
    assert Notification.objects.filter(recipient=demo.staff_infodev, verb="procurement.purchase_order.refunded")

    # The news again, as if its "told" marker had been lost: nothing moves.
    Payment.objects.filter(pk=payment.pk).update(notified_refunded_minor=0)
    with django_capture_on_commit_callbacks(execute=True):
        pay_actions.payment_notify_purpose(payment_id=payment.pk)
    assert figures(budget) == (start[0], start[1] + 4_200, start[2], start[3] - 4_200)
    assert BudgetEntry.objects.filter(budget=budget, reference=order.number, kind="spend").count() == 2
    assert AuditEvent.objects.filter(verb="procurement.purchase_order.refunded", target_id=str(order.pk)).count() == 1


@pytest.mark.django_db
def test_partial_refunds_after_partial_receipt_lower_spending_by_the_difference_only(
    demo, django_capture_on_commit_callbacks
):
    budget = budget_of(demo.staff_infodev)
    start = figures(budget)
    _pr, (order,) = placed_orders(demo, [("BH-1001", 4)])  # 18,000
    payment = pay_online(order, demo.director, django_capture_on_commit_callbacks)
    line = order.lines.get()
    actions.purchase_order_receive(order_id=order.pk, actor=demo.staff_infodev, quantities={line.pk: 3})
    assert figures(budget)[2] == start[2] + 18_000

    refund(payment, demo.director, django_capture_on_commit_callbacks, amount=4_500)  # one copy not delivered
    order.refresh_from_db()
    assert (order.status, order.spent_minor, order.refunded_minor) == (OS.PARTIALLY_RECEIVED, 13_500, 4_500)
    assert figures(budget) == (start[0], start[1], start[2] + 13_500, start[3] - 13_500)

    # A second refund: the handler sees the cumulative 6,000 and moves only the new 1,500.
    payment = refund(payment, demo.director, django_capture_on_commit_callbacks, amount=1_500)
    assert payment.refunded_minor == 6_000 and payment.status == Payment.Status.PARTIALLY_REFUNDED
    order.refresh_from_db()
    assert (order.status, order.spent_minor, order.refunded_minor) == (OS.PARTIALLY_RECEIVED, 12_000, 6_000)
    assert figures(budget) == (start[0], start[1], start[2] + 12_000, start[3] - 12_000)
    Payment.objects.filter(pk=payment.pk).update(notified_refunded_minor=0)
    pay_actions.payment_notify_purpose(payment_id=payment.pk)
    assert figures(budget) == (start[0], start[1], start[2] + 12_000, start[3] - 12_000)

    # Receiving goes on; the rest of the money is refunded once everything came in: the order
    # was delivered, so it stays received (only its cost changes).
    actions.purchase_order_receive(order_id=order.pk, actor=demo.staff_infodev, quantities={line.pk: 1})
    refund(payment, demo.director, django_capture_on_commit_callbacks)
    order.refresh_from_db()
    assert (order.status, order.spent_minor, order.refunded_minor) == (OS.RECEIVED, 0, 18_000)
    assert figures(budget) == start


@pytest.mark.django_db
def test_refund_of_a_payment_that_never_counted_leaves_the_budget_alone(demo, django_capture_on_commit_callbacks):
    budget = budget_of(demo.staff_infodev)
    _pr, (order,) = placed_orders(demo, [("BH-1001", 1)])
    paid = pay_online(order, demo.director, django_capture_on_commit_callbacks)
    after_payment = figures(budget)
    # A second payment of the same order recorded after its attempt was closed, later refunded.
    stray = Payment.objects.create(
        purpose_type=actions.PURCHASE_ORDER_PURPOSE,
        purpose_id=str(order.pk),
        attempt=paid.attempt + 1,
        idempotency_key=f"stray-{order.pk}",
        amount_minor=4_500,
        currency="CNY",
        description="Paid twice",
        payee_name="BookHub Trading Co.",
        status=Payment.Status.REFUNDED,
        refunded_minor=4_500,
        paid_after_close_at=timezone.now(),
    )
    pay_actions.payment_notify_purpose(payment_id=stray.pk)
    pay_actions.payment_notify_purpose(payment_id=stray.pk)
    order.refresh_from_db()
    assert (order.status, order.spent_minor, order.refunded_minor) == (OS.PAID, 4_500, 0)
    assert figures(budget) == after_payment
    # The purpose hears only of refunds of the payment that paid it.
    assert not TrackingEvent.objects.filter(order=order, key=f"payment-{stray.pk}-refund-4500").exists()


@pytest.mark.django_db
def test_refund_through_the_payment_page_shows_on_the_order(demo, django_capture_on_commit_callbacks):
    budget = budget_of(demo.staff_infodev)
    start = figures(budget)
    _pr, (order,) = placed_orders(demo, [("BH-1001", 1)])
    payment = pay_online(order, demo.director, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        response = demo.client("director").post(
            f"/payments/{payment.pk}/refund/", {"reason": "Out of print", "amount": "45.00"}
        )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OS.CANCELLED and order.refunded_minor == 4_500
    assert figures(budget) == start
    page = demo.client("staff_infodev").get(f"/procurement/orders/{order.pk}/").content.decode()
    assert "Refunded in full" in page


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_refund_events_move_the_money_once(demo, django_capture_on_commit_callbacks):
    budget = budget_of(demo.staff_infodev)
    start = figures(budget)
    _pr, (order,) = placed_orders(demo, [("BH-1001", 2)])
    payment = pay_online(order, demo.director, django_capture_on_commit_callbacks)
    # The provider says it refunded everything; four deliveries of the news at once.
    Payment.objects.filter(pk=payment.pk).update(refunded_minor=9_000, status=Payment.Status.REFUNDED)
    results = race([lambda: pay_actions.payment_notify_purpose(payment_id=payment.pk) for _ in range(4)])
    assert not [r for r in results if isinstance(r, Exception)], results
    order.refresh_from_db()
    assert (order.status, order.spent_minor, order.refunded_minor) == (OS.CANCELLED, 0, 9_000)
    assert figures(budget) == start
    assert BudgetEntry.objects.filter(budget=budget, reference=order.number, amount_minor=-9_000).count() == 1
