"""Fixtures for purchasing: the demo network (tests/conftest.py) plus helpers that build
requests through the real actions."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from office.models import Budget
from procurement import actions
from procurement.models import PurchaseRequest, Vendor, VendorItem

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrency needs PostgreSQL (CI runs it there)"
)


def budget_of(user: Any) -> Budget:
    return Budget.objects.get(department=user.staff_profile.department, fiscal_year=timezone.localdate().year)


def item(sku: str) -> VendorItem:
    return VendorItem.objects.get(sku=sku, vendor__organization__is_home=True)


def make_request(user: Any, lines: list[tuple[str, int]], *, submit: bool = True) -> PurchaseRequest:
    for sku, quantity in lines:
        actions.cart_add(actor=user, item_id=item(sku).pk, quantity=quantity)
    pr = actions.purchase_request_create_from_cart(actor=user, budget_id=budget_of(user).pk, justification="Needed")
    if submit:
        actions.purchase_request_submit(request_id=pr.pk, actor=user)
    pr.refresh_from_db()
    return pr


@pytest.fixture
def sim_vendor(demo: Any) -> Vendor:
    return Vendor.objects.get(code="sim-api", organization__is_home=True)
