"""Helpers the purchasing actions share: locking a request, the order timeline, links and
notifications, and the quantity rule. Nothing here is called from outside `procurement.actions`
except `check_quantity`."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from office.actions import notify
from office.exceptions import DomainError
from procurement.models import MAX_QUANTITY, PurchaseOrder, PurchaseRequest, TrackingEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import User

RS = PurchaseRequest.Status
OS = PurchaseOrder.Status


def check_quantity(quantity: Any) -> int:
    try:
        value = int(quantity)
    except (TypeError, ValueError):
        raise DomainError(_("Enter the quantity as a whole number.")) from None
    if not 1 <= value <= MAX_QUANTITY:
        raise DomainError(_("The quantity must lie between 1 and %(max)s.") % {"max": MAX_QUANTITY})
    return value


def request_url(pr: PurchaseRequest) -> str:
    return reverse("procurement:request_detail", kwargs={"pk": pr.pk})


def order_url(order: PurchaseOrder) -> str:
    return reverse("procurement:order_detail", kwargs={"pk": order.pk})


def lock_request(request_id: int) -> PurchaseRequest:
    return PurchaseRequest.objects.select_for_update().select_related("department", "budget").get(pk=request_id)


def recompute_total(pr: PurchaseRequest) -> None:
    pr.total_minor = pr.lines.aggregate(s=Sum("line_total_minor"))["s"] or 0
    pr.save(update_fields=["total_minor", "updated_at"])


def notify_many(user_ids: set[int], *, verb: str, title: str, params: dict, url: str, body: str = "") -> None:
    """`title`/`body` are gettext_noop message ids rendered in each reader's language."""
    for user_id in sorted(user_ids):
        notify(recipient_id=user_id, verb=verb, title=title, body=body, params=params, url=url)


def order_event(
    order: PurchaseOrder,
    *,
    key: str,
    source: str,
    status: str = "",
    message: str = "",
    actor: User | None = None,
    occurred_at: datetime.datetime | None = None,
) -> TrackingEvent | None:
    """Add a timeline line once; a repeated key is ignored (returns None)."""
    if TrackingEvent.objects.filter(order=order, key=key).exists():
        return None
    return TrackingEvent.objects.create(
        order=order,
        key=key,
        source=source,
        status=status,
        message=message[:500],
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        occurred_at=occurred_at or timezone.now(),
    )
