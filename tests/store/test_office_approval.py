"""A member office's purchase above its unit head's limit goes through procurement's purchase
request approval: the storefront makes and submits the request, the approver decides in
procurement, the office pays once it is approved, and payment turns the encumbrance into
spending."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from marketing.store import actions
from marketing.store.models import StoreOrder
from office.exceptions import DomainError
from office.models import Budget, Notification
from procurement import actions as procurement_actions
from procurement.models import PurchaseRequest
from tests.store.factories import pay, placed_order

pytestmark = pytest.mark.django_db


def _transmission(demo) -> StoreOrder:
    # 1,200,000 fen is above the East information development unit's limit (800,000).
    return placed_order(demo.staff_east, kind="transmission", seats=1, ip_ranges="198.51.100.0/24")


def test_above_the_limit_a_purchase_request_is_submitted_instead_of_paying(demo):
    order = _transmission(demo)
    assert order.status == StoreOrder.Status.AWAITING_APPROVAL
    pr = PurchaseRequest.objects.get(pk=order.purchase_request_id)
    assert pr.status == PurchaseRequest.Status.SUBMITTED and pr.requester == demo.staff_east
    assert pr.total_minor == order.total_minor == 1_200_000
    assert pr.organization.code == "east"
    # Nobody pays before the approval.
    with pytest.raises(DomainError, match="approved"):
        actions.order_pay(order_id=order.pk, actor=demo.staff_east)
    # The approver (East has no unit head: its director) is asked in procurement's inbox.
    assert Notification.objects.filter(recipient=demo.director_east, verb="procurement.purchase_request.submitted")


def test_approved_request_is_paid_and_the_grant_appears(demo, django_capture_on_commit_callbacks):
    order = _transmission(demo)
    procurement_actions.purchase_request_approve(request_id=order.purchase_request_id, actor=demo.director_east)
    assert actions.orders_sync_approvals() == 1
    order.refresh_from_db()
    assert order.status == StoreOrder.Status.PENDING
    assert Notification.objects.filter(recipient=demo.staff_east, verb="store.order.approved").exists()
    budget = Budget.objects.get(department__organization__code="east", department__code="infodev")
    assert budget.encumbered_minor == 1_200_000
    order = pay(order, demo.staff_east, django_capture_on_commit_callbacks)
    assert order.status == StoreOrder.Status.PAID
    grant = order.grants.get()
    assert grant.kind == "transmission" and grant.holder_organization.code == "east"
    assert grant.ip_ranges == "198.51.100.0/24"
    pr = PurchaseRequest.objects.get(pk=order.purchase_request_id)
    budget.refresh_from_db()
    assert pr.status == PurchaseRequest.Status.ORDERED and pr.encumbered_minor == 0
    assert budget.encumbered_minor == 0 and budget.spent_minor == 1_200_000
    # Every staff member of the office sees the grant; another office does not.
    from marketing.store.selectors import grants_visible_to

    assert grants_visible_to(demo.director_east).filter(pk=grant.pk).exists()
    assert not grants_visible_to(demo.staff_riverside).filter(pk=grant.pk).exists()


def test_the_order_can_be_paid_as_soon_as_the_request_is_approved(demo, django_capture_on_commit_callbacks):
    order = _transmission(demo)
    procurement_actions.purchase_request_approve(request_id=order.purchase_request_id, actor=demo.director_east)
    order = pay(order, demo.staff_east, django_capture_on_commit_callbacks)  # before any sweep ran
    assert order.status == StoreOrder.Status.PAID


def test_a_rejected_request_cancels_the_order(demo):
    order = _transmission(demo)
    procurement_actions.purchase_request_reject(
        request_id=order.purchase_request_id, actor=demo.director_east, comment="Not this year"
    )
    actions.orders_sync_approvals()
    assert actions.orders_sync_approvals() == 0  # idempotent
    order.refresh_from_db()
    assert order.status == StoreOrder.Status.CANCELLED


def test_below_the_limit_the_office_pays_at_once(demo):
    order = placed_order(demo.staff_east, seats=2)  # 600,000 fen
    assert order.status == StoreOrder.Status.PENDING and order.purchase_request_id is None


def test_another_office_cannot_pay_or_see_the_order(demo):
    order = _transmission(demo)
    with pytest.raises(PermissionDenied):
        actions.order_pay(order_id=order.pk, actor=demo.staff_riverside)
