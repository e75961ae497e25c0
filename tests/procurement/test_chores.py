"""The purchasing chore beat runs (issue 19 item 4): cart lines untouched for 90 days are
removed; idempotent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from procurement import actions
from procurement.models import CartLine, VendorItem
from procurement.tasks import cart_lines_remove_stale_task

pytestmark = pytest.mark.django_db


def test_cart_lines_untouched_for_ninety_days_are_removed(demo):
    CartLine.objects.all().delete()
    items = list(VendorItem.objects.order_by("pk")[:3])
    now = timezone.now()
    ages = {"forgotten": 91, "touched lately": 89, "fresh": 0}
    lines = {}
    for (name, days), item in zip(ages.items(), items, strict=True):
        line = CartLine.objects.create(user=demo.staff_infodev, item=item, quantity=2)
        CartLine.objects.filter(pk=line.pk).update(
            created_at=now - timedelta(days=200), updated_at=now - timedelta(days=days)
        )
        lines[name] = line
    assert cart_lines_remove_stale_task.delay().get() == 1
    assert set(CartLine.objects.values_list("pk", flat=True)) == {lines["touched lately"].pk, lines["fresh"].pk}
    assert actions.cart_lines_remove_stale() == 0
