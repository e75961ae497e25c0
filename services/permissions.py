"""Who may do what with information services. Each predicate guards an action, drives a
button, and is tested once. Somebody else's order is a 404 before any of these is asked
(views start from `ServiceOrder.objects.visible_to`)."""

from __future__ import annotations

from typing import Any

from office.access import LEADERSHIP, Role, client_account, is_head_of, is_home_staff, same_office, staff_profile
from payments.permissions import finance_office
from services.models import Offering, ServiceOrder
from services.querysets import staff_order_scope

Status = ServiceOrder.Status


def _is_home_leadership(user: Any) -> bool:
    profile = staff_profile(user)
    return profile is not None and profile.organization.is_home and profile.position.role in LEADERSHIP


def is_order_client(user: Any, order: ServiceOrder) -> bool:
    account = client_account(user)
    return account is not None and order.client_id == account.pk


def works_on(user: Any, order: ServiceOrder) -> bool:
    """Staff of the providing office who may handle the order (see `staff_order_scope`)."""
    scope = staff_order_scope(user)
    if scope is None or not is_home_staff(user):
        return False
    known = getattr(order, "works_on_for", None)  # read with the order (selectors.order_get)
    if known is not None and known[0] == user.pk:
        return bool(known[1])
    return ServiceOrder.objects.filter(scope, pk=order.pk).exists()


def leads(user: Any, order: ServiceOrder) -> bool:
    """The head of the providing department (or of a unit above it), or the home leadership."""
    return _is_home_leadership(user) or is_head_of(user, order.department)


# --- catalog --------------------------------------------------------------------------------


def can_manage_offerings(user: Any) -> bool:
    """Heads and the leadership of the home office keep the catalog (prices are a commitment)."""
    profile = staff_profile(user)
    return profile is not None and profile.organization.is_home and profile.position.role in {Role.HEAD, *LEADERSHIP}


def can_edit_offering(user: Any, offering: Offering) -> bool:
    return _is_home_leadership(user) or (can_manage_offerings(user) and is_head_of(user, offering.department))


# --- orders ---------------------------------------------------------------------------------


def can_order(user: Any) -> bool:
    account = client_account(user)
    return account is not None and account.email_confirmed


def can_quote(user: Any, order: ServiceOrder) -> bool:
    return order.status in (Status.REQUESTED, Status.DECLINED) and works_on(user, order)


def can_respond_to_quote(user: Any, order: ServiceOrder) -> bool:
    return order.status == Status.QUOTED and is_order_client(user, order)


def can_pay(user: Any, order: ServiceOrder) -> bool:
    return order.status == Status.ACCEPTED and is_order_client(user, order)


def can_cancel(user: Any, order: ServiceOrder) -> bool:
    """Before delivery. Before payment, and after payment until the work starts, the client or
    the department's head may cancel; once work is in progress only the head may. A paid
    order is refunded in full automatically when cancelled (`actions.order_cancel`)."""
    if order.status in (*ServiceOrder.OPEN, Status.PAID, Status.ASSIGNED):
        return is_order_client(user, order) or leads(user, order)
    if order.status == Status.IN_PROGRESS:
        return leads(user, order)
    return False


def can_refund(user: Any, order: ServiceOrder) -> bool:
    """Finance staff of the home office, for paid orders not yet delivered."""
    office = finance_office(user)
    return office is not None and office.is_home and order.status in ServiceOrder.ACTIVE and order.paid_at is not None


def can_assign(user: Any, order: ServiceOrder) -> bool:
    return order.status in (Status.PAID, Status.ASSIGNED) and leads(user, order)


def can_start(user: Any, order: ServiceOrder) -> bool:
    return order.status == Status.ASSIGNED and order.assignee_id == user.pk


def can_work(user: Any, order: ServiceOrder) -> bool:
    """Upload deliverables, write the report, deliver: the assignee, or the head standing in."""
    if order.status not in (Status.IN_PROGRESS, Status.DELIVERED):
        return False
    return order.assignee_id == user.pk or (leads(user, order) and works_on(user, order))


def can_confirm(user: Any, order: ServiceOrder) -> bool:
    return order.status == Status.DELIVERED and is_order_client(user, order)


def can_view_invoice(user: Any, order: ServiceOrder) -> bool:
    """A paid order's invoice: its client, and the staff who may see the order (the caller
    starts from `visible_to`, so that is everybody who reaches this question)."""
    return order.paid_at is not None and order.payment_id is not None


def can_post_message(user: Any, order: ServiceOrder) -> bool:
    return is_order_client(user, order) or works_on(user, order)


def can_log_work(user: Any, order: ServiceOrder) -> bool:
    return order.status in (Status.ASSIGNED, Status.IN_PROGRESS, Status.DELIVERED) and works_on(user, order)


def can_attach(user: Any, order: ServiceOrder) -> bool:
    """The client adds material to its requirements until the work starts."""
    return is_order_client(user, order) and order.status in (*ServiceOrder.OPEN, Status.PAID, Status.ASSIGNED)


def can_view_queue(user: Any) -> bool:
    return is_home_staff(user)


# --- subscriptions, consultations, training ------------------------------------------------------


def unit_scope_ids(user: Any) -> set[int] | None:
    """Department ids a home staff member works for: their unit, the unit above, the groups
    below; every department of the office for the leadership. None for everybody else."""
    from office.models import Department

    profile = staff_profile(user)
    if profile is None or not profile.organization.is_home:
        return None
    if profile.position.role in LEADERSHIP:
        return set(Department.objects.filter(organization_id=profile.organization_id).values_list("pk", flat=True))
    unit = profile.department
    ids = {unit.pk, *Department.objects.filter(parent_id=unit.pk).values_list("pk", flat=True)}
    if unit.parent_id:
        ids.add(unit.parent_id)
    return ids


def leads_department(user: Any, department: Any) -> bool:
    return _is_home_leadership(user) or is_head_of(user, department)


def is_subscription_client(user: Any, subscription: Any) -> bool:
    account = client_account(user)
    return account is not None and subscription.client_id == account.pk


def works_on_subscription(user: Any, subscription: Any) -> bool:
    ids = unit_scope_ids(user)
    return ids is not None and subscription.offering.department_id in ids


def is_consultation_client(user: Any, consultation: Any) -> bool:
    account = client_account(user)
    return account is not None and consultation.client_id == account.pk


def answers_consultation(user: Any, consultation: Any) -> bool:
    ids = unit_scope_ids(user)
    return ids is not None and consultation.department_id in ids


def can_register_training(user: Any, session: Any) -> bool:
    return session.is_published and client_account(user) is not None


def runs_training(user: Any, session: Any) -> bool:
    return session.trainer_id == user.pk or leads_department(user, session.department)


def can_manage_training(user: Any) -> bool:
    """Heads and the leadership of the home office run training (the "New session" button)."""
    return can_manage_offerings(user)


def can_edit_training(user: Any, session: Any) -> bool:
    """Edit (or create) `session`: the head of its department or of a unit above it, or the
    home leadership. Any head could once edit any department's session (issue 17 item 4). A
    session without a department yet is a blank form; the action asks again once it has one."""
    if not can_manage_training(user):
        return False
    if session.department_id is None:
        return True
    return same_office(user, session.department.organization_id) and leads_department(user, session.department)


def training_departments(user: Any) -> list[Any]:
    """The departments `user` may put a training session in (see `can_edit_training`)."""
    from office.models import Department

    profile = staff_profile(user)
    if profile is None or not can_manage_training(user):
        return []
    units = Department.objects.filter(organization_id=profile.organization_id).select_related("parent")
    return [unit for unit in units if leads_department(user, unit)]
