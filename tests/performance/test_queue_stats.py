"""Issue 18 item 3: the service queue's statistics come from SQL aggregates; they equal the
per-order arithmetic they replaced (turnaround in days and mean rating per service)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services import selectors
from services.models import ServiceOrder
from tests.services.factories import order_in

pytestmark = pytest.mark.django_db


def _by_hand(user) -> dict[str, tuple[int, float, float | None]]:
    rows: dict[str, tuple[list[float], list[int]]] = {}
    for order in selectors.order_list(user=user).filter(delivered_at__isnull=False):
        days, ratings = rows.setdefault(order.offering.name, ([], []))
        days.append((order.delivered_at - order.created_at).total_seconds() / 86400)
        if order.rating:
            ratings.append(order.rating)
    return {
        name: (len(days), round(sum(days) / len(days), 1), round(sum(r) / len(r), 2) if r else None)
        for name, (days, r) in rows.items()
    }


def test_queue_statistics_match_the_orders(demo):
    rated = [order_in(demo, "completed"), order_in(demo, "completed", code="data-collection")]
    order_in(demo, "delivered")
    # Spread the turnarounds so the averages are not all the same number of days.
    for n, order in enumerate(rated, start=1):
        ServiceOrder.objects.filter(pk=order.pk).update(created_at=order.delivered_at - timedelta(days=3 * n, hours=5))
    ServiceOrder.objects.filter(pk=rated[1].pk).update(rating=2)

    chart = selectors.queue_for(user=demo.head_infodev)["chart"]
    got = {
        label: (count, days, rating)
        for label, count, days, rating in zip(
            chart["labels"], chart["counts"], chart["turnaround"], chart["rating"], strict=True
        )
    }
    assert got == _by_hand(demo.head_infodev)
    assert sum(chart["counts"]) >= 3 and chart["labels"] == sorted(chart["labels"])
