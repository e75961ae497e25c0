"""Private helpers the service-order topics share: the order's row lock, its URL, telling
the client or the heads, storing an uploaded file, and the write of an assignment (used by
the head's `order_assign` and by the automatic assignment on payment)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from office import audit
from office.access import unit_head_ids
from office.actions import notify
from office.uploads import save_upload
from services.models import OrderFile, ServiceOrder
from services.uploads import CheckedUpload

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Status = ServiceOrder.Status


def _order_url(order: ServiceOrder) -> str:
    return reverse("services:order_detail", kwargs={"pk": order.pk})


def _lock(order_id: int) -> ServiceOrder:
    # of=self: lock the order row only, not the offering, department and client joined in.
    return (
        ServiceOrder.objects.select_for_update(of=("self",))
        .select_related("offering", "department", "client")
        .get(pk=order_id)
    )


def _notify_client(order: ServiceOrder, verb: str, title: str, params: dict) -> None:
    """`title` is a gettext_noop message id, rendered in the client's language (office.texts)."""
    notify(recipient_id=order.client.user_id, verb=verb, title=title, params=params, url=_order_url(order))


def _notify_heads(order: ServiceOrder, verb: str, title: str, params: dict) -> None:
    for head_id in unit_head_ids(order.department):
        notify(recipient_id=head_id, verb=verb, title=title, params=params, url=_order_url(order))


def _store_file(*, order: ServiceOrder, checked: CheckedUpload, kind: str, actor: User) -> OrderFile:
    item = OrderFile(
        order=order,
        kind=kind,
        extension=checked.extension,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=actor,
    )
    save_upload(item.file, "upload", checked.upload)  # name from `_order_file_path`; a full disk: StorageFull
    item.save()
    return item


def _assign(order: ServiceOrder, assignee: User, *, actor: User | None, automatic: bool) -> None:
    """The write of an assignment; the caller holds the order's lock and checked the rules."""
    previous = order.assignee_id
    order.move_to(Status.ASSIGNED)
    order.assignee = assignee
    order.assigned_at = timezone.now()
    order.save(update_fields=["status", "assignee", "assigned_at", "updated_at"])
    audit.record(
        actor=actor,
        target=order,
        verb="services.order.assigned",
        data={"assignee": assignee.pk, "previous": previous, "automatic": automatic},
    )
    notify(
        recipient_id=assignee.pk,
        verb="services.order.assigned",
        title=gettext_noop("Order %(number)s was assigned to you"),
        url=_order_url(order),
        params={"number": order.number},
    )
