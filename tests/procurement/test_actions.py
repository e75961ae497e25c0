"""Each transition of purchase requests and orders: allowed, wrong state, wrong user, and the
budget line's three figures after every step."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from office.exceptions import DomainError, InsufficientBudget, InvalidTransition
from office.models import AuditEvent, Budget, Notification
from procurement import actions, selectors
from procurement.models import CartLine, PurchaseOrder, PurchaseRequest, TrackingEvent
from tests.factories import retell_purpose
from tests.procurement.conftest import budget_of, item, make_request

pytestmark = pytest.mark.django_db
RS = PurchaseRequest.Status


def figures(budget: Budget) -> tuple[int, int, int]:
    budget.refresh_from_db()
    return budget.encumbered_minor, budget.spent_minor, budget.available_minor


def test_cart_to_request_snapshots_prices_and_empties_the_cart(demo):
    pr = make_request(demo.staff_infodev, [("BH-1001", 2), ("DS-1001", 1)], submit=False)
    assert pr.status == RS.DRAFT
    assert pr.total_minor == 2 * 4_500 + 4_200
    assert not CartLine.objects.filter(user=demo.staff_infodev).exists()
    bh = item("BH-1001")
    bh.price_minor = 99_999
    bh.save()
    pr.refresh_from_db()
    assert pr.total_minor == 13_200  # the snapshot does not follow the catalog


@pytest.mark.parametrize("quantity", [0, -3, 10_001, "lots", 10**12])
def test_cart_refuses_absurd_quantities(demo, quantity):
    with pytest.raises(DomainError):
        actions.cart_add(actor=demo.staff_infodev, item_id=item("BH-1001").pk, quantity=quantity)
    assert not CartLine.objects.filter(user=demo.staff_infodev).exists()


def test_other_office_cannot_put_our_items_in_its_cart(demo):
    with pytest.raises(DomainError):
        actions.cart_add(actor=demo.staff_east, item_id=item("BH-1001").pk)


def test_submit_notifies_the_head_and_twice_is_refused(demo):
    pr = make_request(demo.staff_infodev, [("BH-1001", 1)])
    assert pr.status == RS.SUBMITTED
    assert Notification.objects.filter(
        recipient=demo.head_infodev, verb="procurement.purchase_request.submitted"
    ).exists()
    with pytest.raises(InvalidTransition):
        actions.purchase_request_submit(request_id=pr.pk, actor=demo.staff_infodev)


def test_an_inactive_head_is_not_asked_to_approve(demo):
    pr = make_request(demo.staff_infodev, [("BH-1001", 1)], submit=False)
    assert demo.head_infodev.pk in selectors.purchase_request_head_approver_ids(pr)
    demo.head_infodev.is_active = False
    demo.head_infodev.save(update_fields=["is_active"])
    assert demo.head_infodev.pk not in selectors.purchase_request_head_approver_ids(pr)


def test_only_requester_submits(demo):
    pr = make_request(demo.staff_infodev, [("BH-1001", 1)], submit=False)
    with pytest.raises(PermissionDenied):
        actions.purchase_request_submit(request_id=pr.pk, actor=demo.head_infodev)


def test_head_approves_within_limit_and_encumbers(demo, django_capture_on_commit_callbacks):
    budget = budget_of(demo.staff_infodev)
    before = figures(budget)
    pr = make_request(demo.staff_infodev, [("BH-1001", 2)])
    actions.purchase_request_approve(request_id=pr.pk, actor=demo.head_infodev)
    pr.refresh_from_db()
    assert pr.status == RS.APPROVED and pr.encumbered_minor == 9_000
    assert figures(budget) == (before[0] + 9_000, before[1], before[2] - 9_000)
    assert AuditEvent.objects.filter(verb="procurement.purchase_request.approved", target_id=str(pr.pk)).count() == 1
    with pytest.raises(DomainError):  # double approval: a clear error, nothing moves
        actions.purchase_request_approve(request_id=pr.pk, actor=demo.head_infodev)
    assert figures(budget) == (before[0] + 9_000, before[1], before[2] - 9_000)


def test_above_limit_needs_the_director_too(demo):
    budget = budget_of(demo.staff_infodev)
    before = figures(budget)
    pr = make_request(demo.staff_infodev, [("DS-3001", 1)])  # 12,000 CNY > infodev limit 8,000
    actions.purchase_request_approve(request_id=pr.pk, actor=demo.head_infodev)
    pr.refresh_from_db()
    assert pr.status == RS.HEAD_APPROVED
    assert figures(budget)[0] == before[0] + 1_200_000  # the first approval encumbers
    with pytest.raises(DomainError):
        actions.purchase_request_approve(request_id=pr.pk, actor=demo.head_infodev)
    assert Notification.objects.filter(
        recipient=demo.director, verb="procurement.purchase_request.head_approved"
    ).exists()
    actions.purchase_request_approve(request_id=pr.pk, actor=demo.director)
    pr.refresh_from_db()
    assert pr.status == RS.APPROVED and pr.approved_by == demo.director
    assert figures(budget)[0] == before[0] + 1_200_000  # not twice


def test_director_rejecting_above_limit_releases(demo):
    budget = budget_of(demo.staff_infodev)
    before = figures(budget)
    pr = make_request(demo.staff_infodev, [("DS-3001", 1)])
    actions.purchase_request_approve(request_id=pr.pk, actor=demo.head_infodev)
    with pytest.raises(DomainError):
        actions.purchase_request_reject(request_id=pr.pk, actor=demo.director, comment="")
    actions.purchase_request_reject(request_id=pr.pk, actor=demo.director, comment="Too expensive")
    pr.refresh_from_db()
    assert pr.status == RS.REJECTED and pr.encumbered_minor == 0
    assert figures(budget) == before


def test_return_for_changes_then_resubmit(demo):
    pr = make_request(demo.staff_infodev, [("BH-1001", 5)])
    actions.purchase_request_return(request_id=pr.pk, actor=demo.head_infodev, comment="Three are enough")
    pr.refresh_from_db()
    assert pr.status == RS.RETURNED
    line = pr.lines.get()
    actions.purchase_request_line_update(request_id=pr.pk, line_id=line.pk, actor=demo.staff_infodev, quantity=3)
    actions.purchase_request_submit(request_id=pr.pk, actor=demo.staff_infodev)
    pr.refresh_from_db()
    assert pr.status == RS.SUBMITTED and pr.total_minor == 13_500


def test_nobody_approves_their_own_request_and_other_heads_cannot(demo):
    pr = make_request(demo.head_infodev, [("BH-1001", 1)])
    with pytest.raises(PermissionDenied):
        actions.purchase_request_approve(request_id=pr.pk, actor=demo.head_infodev)
    pr2 = make_request(demo.staff_infodev, [("BH-1001", 1)])
    for outsider in (demo.head_custsvc, demo.staff_custsvc, demo.staff_east, demo.director_east):
        with pytest.raises(PermissionDenied):
            actions.purchase_request_approve(request_id=pr2.pk, actor=outsider)


def test_deputy_approves_while_head_is_away(demo):
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    pr = make_request(demo.staff_infodev, [("BH-1001", 1)])
    with pytest.raises(PermissionDenied):
        actions.purchase_request_approve(request_id=pr.pk, actor=demo.staff_nav)
    actions.deputy_appoint(
        actor=demo.head_infodev,
        deputy_id=demo.staff_nav.pk,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=7),
    )
    actions.purchase_request_approve(request_id=pr.pk, actor=demo.staff_nav)
    pr.refresh_from_db()
    assert pr.status == RS.APPROVED


def test_approval_refused_when_budget_too_small_changes_nothing(demo):
    budget = budget_of(demo.staff_infodev)
    pr = make_request(demo.staff_infodev, [("BH-1001", 1)])
    Budget.objects.filter(pk=budget.pk).update(allocated_minor=budget.encumbered_minor + budget.spent_minor + 100)
    before = figures(budget)
    with pytest.raises(InsufficientBudget):
        actions.purchase_request_approve(request_id=pr.pk, actor=demo.head_infodev)
    pr.refresh_from_db()
    assert pr.status == RS.SUBMITTED and pr.encumbered_minor == 0
    assert figures(budget) == before


def test_cancel_approved_request_releases(demo):
    budget = budget_of(demo.staff_infodev)
    before = figures(budget)
    pr = make_request(demo.staff_infodev, [("BH-1001", 1)])
    actions.purchase_request_approve(request_id=pr.pk, actor=demo.head_infodev)
    with pytest.raises(PermissionDenied):
        actions.purchase_request_cancel(request_id=pr.pk, actor=demo.staff_custsvc)
    actions.purchase_request_cancel(request_id=pr.pk, actor=demo.staff_infodev)
    assert figures(budget) == before
    with pytest.raises(InvalidTransition):
        actions.purchase_request_cancel(request_id=pr.pk, actor=demo.staff_infodev)


def test_place_orders_splits_per_vendor_with_numbers(demo, django_capture_on_commit_callbacks):
    pr = make_request(demo.staff_infodev, [("BH-1001", 2), ("DS-1001", 3), ("BH-1002", 1)])
    with pytest.raises(InvalidTransition):
        actions.purchase_request_place_orders(request_id=pr.pk, actor=demo.staff_infodev)
    actions.purchase_request_approve(request_id=pr.pk, actor=demo.head_infodev)
    with django_capture_on_commit_callbacks(execute=True):
        orders = actions.purchase_request_place_orders(request_id=pr.pk, actor=demo.staff_infodev)
    assert len(orders) == 2
    assert {o.vendor.code for o in orders} == {"bookhub", "sim-api"}
    assert sum(o.encumbered_minor for o in orders) == pr.total_minor
    assert all(o.number.startswith("PO-") for o in orders) and len({o.number for o in orders}) == 2
    pr.refresh_from_db()
    assert pr.status == RS.ORDERED
    for order in orders:
        order.refresh_from_db()
        assert order.sent_at is not None  # manual vendor: e-mailed PDF; simulated: its API
    from django.core import mail

    assert any(m.attachments and m.attachments[0][0].endswith(".pdf") for m in mail.outbox)
    with pytest.raises(InvalidTransition):
        actions.purchase_request_place_orders(request_id=pr.pk, actor=demo.staff_infodev)


def approved_orders(demo, lines):
    pr = make_request(demo.staff_infodev, lines)
    actions.purchase_request_approve(request_id=pr.pk, actor=demo.head_infodev)
    return pr, actions.purchase_request_place_orders(request_id=pr.pk, actor=demo.staff_infodev)


def pay(order, payer):
    """Pay through the payments app as the simulated provider would: succeeded, then notify."""
    from payments import actions as pay_actions
    from payments.models import Payment

    payment = actions.purchase_order_pay(order_id=order.pk, actor=payer)
    Payment.objects.filter(pk=payment.pk).update(status=Payment.Status.SUCCEEDED)
    pay_actions.payment_notify_purpose(payment_id=payment.pk)
    return payment


def test_payment_turns_encumbrance_into_spending_once(demo):
    budget = budget_of(demo.staff_infodev)
    before = figures(budget)
    pr, (order,) = approved_orders(demo, [("BH-1001", 2)])
    with pytest.raises(PermissionDenied):
        actions.purchase_order_pay(order_id=order.pk, actor=demo.staff_infodev)
    payment = pay(order, demo.director)
    order.refresh_from_db()
    assert order.status == PurchaseOrder.Status.PAID and order.spent_minor == 9_000 and order.encumbered_minor == 0
    assert figures(budget) == (before[0], before[1] + 9_000, before[2] - 9_000)
    retell_purpose(payment)  # redelivered: nothing more
    assert figures(budget) == (before[0], before[1] + 9_000, before[2] - 9_000)
    with pytest.raises(InvalidTransition):
        actions.purchase_order_pay(order_id=order.pk, actor=demo.director)


def test_cancel_unpaid_order_releases_its_share(demo):
    budget = budget_of(demo.staff_infodev)
    before = figures(budget)
    pr, orders = approved_orders(demo, [("BH-1001", 1), ("DS-1001", 1)])
    order = next(o for o in orders if o.vendor.code == "bookhub")
    with pytest.raises(DomainError):
        actions.purchase_order_cancel(order_id=order.pk, actor=demo.staff_infodev, reason="")
    actions.purchase_order_cancel(order_id=order.pk, actor=demo.staff_infodev, reason="Found it cheaper")
    assert figures(budget)[0] == before[0] + 4_200
    pr.refresh_from_db()
    assert pr.encumbered_minor == 4_200


def test_tracking_receive_invoice_close(demo):
    import datetime

    pr, (order,) = approved_orders(demo, [("BH-1001", 3)])
    with pytest.raises(DomainError):  # deliver before payment
        actions.purchase_order_receive(
            order_id=order.pk, actor=demo.staff_infodev, quantities={order.lines.get().pk: 1}
        )
    pay(order, demo.director)
    event = actions.tracking_event_record(order_id=order.pk, key="vendor-1", source="webhook", status="shipped")
    assert event is not None
    assert actions.tracking_event_record(order_id=order.pk, key="vendor-1", source="poll", status="shipped") is None
    assert TrackingEvent.objects.filter(order=order, key="vendor-1").count() == 1
    order.refresh_from_db()
    assert order.status == PurchaseOrder.Status.SHIPPED
    actions.tracking_event_record(order_id=order.pk, key="vendor-0", source="poll", status="confirmed")
    order.refresh_from_db()
    assert order.status == PurchaseOrder.Status.SHIPPED  # never backwards
    line = order.lines.get()
    with pytest.raises(DomainError):
        actions.purchase_order_receive(order_id=order.pk, actor=demo.staff_infodev, quantities={line.pk: 4})
    actions.purchase_order_receive(order_id=order.pk, actor=demo.staff_infodev, quantities={line.pk: 2})
    order.refresh_from_db()
    assert order.status == PurchaseOrder.Status.PARTIALLY_RECEIVED
    actions.purchase_order_receive(order_id=order.pk, actor=demo.staff_infodev, quantities={line.pk: 1})
    order.refresh_from_db()
    assert order.status == PurchaseOrder.Status.RECEIVED
    with pytest.raises(PermissionDenied):
        actions.invoice_enter(
            order_id=order.pk, actor=demo.staff_infodev, number="X", issued_on=datetime.date.today(), amount_minor=1
        )
    actions.invoice_enter(
        order_id=order.pk, actor=demo.director, number="INV-9", issued_on=datetime.date.today(), amount_minor=13_600
    )
    from procurement.selectors import three_way_match

    order.refresh_from_db()
    match = three_way_match(order)
    assert (match.ordered_minor, match.received_minor, match.invoice_difference) == (13_500, 13_500, 100)
    actions.purchase_order_close(order_id=order.pk, actor=demo.director)
    order.refresh_from_db()
    assert order.status == PurchaseOrder.Status.CLOSED


def test_usage_right_received_becomes_licence_and_sweep_reminds_and_expires(demo):
    import datetime

    from procurement.models import Licence

    pr = make_request(demo.staff_infodev, [("DS-3001", 1)])
    actions.purchase_request_approve(request_id=pr.pk, actor=demo.head_infodev)
    actions.purchase_request_approve(request_id=pr.pk, actor=demo.director)
    (order,) = actions.purchase_request_place_orders(request_id=pr.pk, actor=demo.staff_infodev)
    pay(order, demo.director)
    actions.purchase_order_receive(order_id=order.pk, actor=demo.staff_infodev, quantities={order.lines.get().pk: 1})
    licence = Licence.objects.get(order=order)
    assert licence.status == Licence.Status.ACTIVE and licence.days_left > 300
    today = datetime.date.today()
    Licence.objects.filter(pk=licence.pk).update(ends_on=today + datetime.timedelta(days=10))
    counts = actions.licences_sweep()
    assert counts["reminded"] >= 1
    assert actions.licences_sweep()["reminded"] == 0  # once
    Licence.objects.filter(pk=licence.pk).update(
        starts_on=today - datetime.timedelta(days=30), ends_on=today - datetime.timedelta(days=1)
    )
    actions.licences_sweep()
    licence.refresh_from_db()
    assert licence.status == Licence.Status.EXPIRED


def test_late_order_flagged_once(demo):
    import datetime

    pr, (order,) = approved_orders(demo, [("BH-1001", 1)])
    PurchaseOrder.objects.filter(pk=order.pk).update(promised_on=datetime.date.today() - datetime.timedelta(days=2))
    assert actions.purchase_order_flag_late(order_id=order.pk) is True
    assert actions.purchase_order_flag_late(order_id=order.pk) is False
    assert (
        Notification.objects.filter(recipient=demo.staff_infodev, verb="procurement.purchase_order.late").count() == 1
    )
