"""Races on PostgreSQL: a double-clicked checkout (the same form token twice at once) makes one
order and one payment; two tabs checking out one cart with different tokens make one order."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from marketing.store import actions
from marketing.store.models import LicenceOption, Price, Product, StoreOrder
from payments.models import Payment
from tests.factories import client_user, department, home_office
from tests.payments.conftest import postgres_only

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]


def run_together(n: int, func: Callable[[int], Any]) -> list[Any]:
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
def buyer_and_option(db: Any) -> tuple[Any, LicenceOption]:
    home_office()
    product = Product.objects.create(slug="db", name="Database", department=department("infodev"), published=True)
    option = LicenceOption.objects.create(product=product, kind="online", name="12 months", term_months=12)
    Price.objects.create(option=option, buyer_type="individual", unit_minor=10_000)
    buyer = client_user()
    actions.cart_add(actor=buyer, option_id=option.pk, quantity=2)
    return buyer, option


def _checkout_and_pay(buyer: Any, token: str) -> tuple[int, int]:
    order = actions.checkout(actor=buyer, token=token)
    return order.pk, actions.order_pay(order_id=order.pk, actor=buyer).pk


def test_double_clicked_checkout_makes_one_order_and_one_payment(buyer_and_option):
    buyer, _option = buyer_and_option
    results = run_together(6, lambda i: _checkout_and_pay(buyer, "one-form"))
    assert all(isinstance(r, tuple) for r in results), results
    assert len({order for order, _payment in results}) == 1
    assert len({payment for _order, payment in results}) == 1
    assert StoreOrder.objects.count() == 1 and Payment.objects.count() == 1
    assert StoreOrder.objects.get().total_minor == 20_000


def test_two_tabs_checking_out_one_cart_make_one_order(buyer_and_option):
    buyer, _option = buyer_and_option
    results = run_together(2, lambda i: actions.checkout(actor=buyer, token=f"tab-{i}").pk)
    orders = [r for r in results if isinstance(r, int)]
    assert len(orders) == 1, results  # the other tab finds the cart empty (refused, nothing written)
    assert StoreOrder.objects.count() == 1
