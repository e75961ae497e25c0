"""Clean-up of purchasing that beat runs (issue 19 item 4); the schedule is declared in
procurement/apps.py, the thin task is in procurement/tasks.py.

    cart_lines_remove_stale   daily: cart lines nobody has touched for CART_LINE_KEEP

Idempotent: a second run finds nothing that old.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from procurement.models import CartLine

# A cart is a list for the next request, not storage: a quarter untouched means it was
# forgotten (its owner left, or bought elsewhere). The schedule page (procurement/apps.py)
# names this period.
CART_LINE_KEEP = timedelta(days=90)


def cart_lines_remove_stale(*, now: datetime | None = None) -> int:
    """Delete every cart line not added to or changed for CART_LINE_KEEP; returns how many."""
    cutoff = (now or timezone.now()) - CART_LINE_KEEP
    deleted, _by_model = CartLine.objects.filter(updated_at__lt=cutoff).delete()
    return deleted
