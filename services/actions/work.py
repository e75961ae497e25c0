"""Work on a paid service order:

    paid -> assigned (the head, or automatically on payment) -> in_progress (the assignee)

Reassigning before work starts is allowed (assigned -> assigned). While the order is open,
client and staff exchange messages, staff keep an internal work log with the time spent,
the client adds requirement attachments and staff upload deliverables.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from office import audit
from office.access import unit_head_ids
from office.actions import notify
from office.exceptions import DomainError, InvalidTransition
from services import permissions
from services.actions.common import _assign, _lock, _notify_client, _order_url, _store_file
from services.models import OrderFile, OrderMessage, ServiceOrder
from services.selectors import assignable_staff, least_loaded
from services.uploads import check_upload

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Status = ServiceOrder.Status


@transaction.atomic
def order_assign(*, order_id: int, actor: User, assignee_id: int | None = None) -> ServiceOrder:
    """The head assigns a paid order to a member of the providing department, or, without an
    assignee, to the least-loaded one. Reassigning before work starts is allowed."""
    order = _lock(order_id)
    if not permissions.leads(actor, order) or not permissions.works_on(actor, order):
        raise PermissionDenied(_("Only the department head assigns orders."))
    if not permissions.can_assign(actor, order):
        raise InvalidTransition(order, Status.ASSIGNED.label)
    if assignee_id is None:
        assignee = least_loaded(order)
        if assignee is None:
            raise DomainError(_("Nobody in the department can take this order."))
    else:
        profile = assignable_staff(order).filter(user_id=assignee_id).first()
        if profile is None:
            raise DomainError(_("Choose a member of the providing department."))
        assignee = profile.user
    _assign(order, assignee, actor=actor, automatic=assignee_id is None)
    return order


@transaction.atomic
def order_start(*, order_id: int, actor: User) -> ServiceOrder:
    """The assignee starts the work; the client is told."""
    order = _lock(order_id)
    if order.assignee_id != actor.pk:
        raise PermissionDenied(_("Only the assigned staff member starts the work."))
    if not permissions.can_start(actor, order):
        raise InvalidTransition(order, Status.IN_PROGRESS.label)
    order.move_to(Status.IN_PROGRESS)
    order.started_at = timezone.now()
    order.save(update_fields=["status", "started_at", "updated_at"])
    audit.record(actor=actor, target=order, verb="services.order.started")
    _notify_client(
        order, "services.order.started", gettext_noop("Work on %(number)s has started"), {"number": order.number}
    )
    return order


@transaction.atomic
def order_message_post(
    *, order_id: int, actor: User, body: str, internal: bool = False, minutes_spent: int = 0
) -> OrderMessage:
    """A message between client and staff, or (staff only) a work-log entry with time spent."""
    order = _lock(order_id)
    body = (body or "").strip()
    if not body:
        raise DomainError(_("Write a message."))
    if internal or minutes_spent:
        if not permissions.can_log_work(actor, order):
            raise PermissionDenied(_("Only staff working on the order keep its work log."))
        internal = True
    elif not permissions.can_post_message(actor, order):
        raise PermissionDenied
    if minutes_spent < 0 or minutes_spent > 24 * 60:
        raise DomainError(_("Enter the minutes spent (0 to 1440)."))
    message = OrderMessage.objects.create(
        order=order, author=actor, body=body, internal=internal, minutes_spent=minutes_spent
    )
    audit.record(
        actor=actor,
        target=order,
        verb="services.order.work_logged" if internal else "services.order.message_posted",
        data={"message": message.pk, "minutes": minutes_spent},
    )
    if internal:
        return message
    if permissions.is_order_client(actor, order):
        recipients = [order.assignee_id] if order.assignee_id else unit_head_ids(order.department)
    else:
        recipients = [order.client.user_id]
    for user_id in recipients:
        notify(
            recipient_id=user_id,
            verb="services.order.message_posted",
            title=gettext_noop("New message on order %(number)s"),
            url=_order_url(order),
            params={"number": order.number},
        )
    return message


@transaction.atomic
def order_file_add(*, order_id: int, actor: User, upload: Any, kind: str) -> OrderFile:
    """The client adds a requirement attachment, or staff working on it upload a deliverable.
    Refuses files of the wrong type or size and names with paths (message for the user)."""
    order = _lock(order_id)
    if kind == OrderFile.Kind.REQUIREMENT:
        if not permissions.is_order_client(actor, order):
            raise PermissionDenied
        if not permissions.can_attach(actor, order):
            raise DomainError(_("Attachments can no longer be added to this order."))
    elif kind == OrderFile.Kind.DELIVERABLE:
        if not permissions.works_on(actor, order):
            raise PermissionDenied
        if not permissions.can_work(actor, order):
            raise DomainError(_("Deliverables are uploaded while the order is in progress."))
    else:
        raise DomainError(_("Unknown kind of file."))
    checked = check_upload(upload)
    item = _store_file(order=order, checked=checked, kind=kind, actor=actor)
    audit.record(
        actor=actor,
        target=order,
        verb="services.order.file_added",
        data={"file": item.pk, "kind": kind, "name": item.original_name, "size": item.size},
    )
    return item
