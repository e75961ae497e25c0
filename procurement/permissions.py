"""Who may do what in purchasing. Each predicate guards an action, drives a button, and is
tested once. Object visibility (another office's request is a 404) is `visible_to(user)`;
these predicates answer "may this person use this function on this object" (else 403)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from office.access import LEADERSHIP, Role, is_director, is_head_of, staff_profile, user_roles
from procurement.models import Deputy, Licence, PurchaseOrder, PurchaseRequest, Vendor

FINANCE_ROLES = frozenset({Role.DIRECTOR, Role.BUSINESS_ASSISTANT})


def _same_office(user: Any, organization_id: int | None) -> bool:
    profile = staff_profile(user)
    return profile is not None and profile.organization_id == organization_id


def is_leadership_of(user: Any, organization_id: int) -> bool:
    profile = staff_profile(user)
    return profile is not None and profile.organization_id == organization_id and profile.position.role in LEADERSHIP


def is_buyer(user: Any) -> bool:
    """Every staff member of an office may browse catalogs and request purchases."""
    return staff_profile(user) is not None


def can_manage_vendors(user: Any, organization_id: int | None = None) -> bool:
    """Leadership and department heads keep the vendor list and catalogs."""
    profile = staff_profile(user)
    if profile is None or profile.position.role not in LEADERSHIP | {Role.HEAD}:
        return False
    return organization_id is None or profile.organization_id == organization_id


def can_edit_vendor(user: Any, vendor: Vendor) -> bool:
    return can_manage_vendors(user, vendor.organization_id)


def can_edit_request(user: Any, pr: PurchaseRequest) -> bool:
    return pr.requester_id == user.pk and pr.status in (PurchaseRequest.Status.DRAFT, PurchaseRequest.Status.RETURNED)


def can_submit(user: Any, pr: PurchaseRequest) -> bool:
    return can_edit_request(user, pr)


def is_deputy_for(user: Any, department: Any) -> bool:
    """An active deputy of the department's head, or of the head of a unit above it."""
    today = timezone.localdate()
    units, unit = [], department
    while unit is not None and len(units) < 10:
        units.append(unit.pk)
        unit = unit.parent
    return Deputy.objects.filter(
        deputy_id=user.pk, department_id__in=units, starts_on__lte=today, ends_on__gte=today
    ).exists()


def can_decide_as_head(user: Any, pr: PurchaseRequest) -> bool:
    """The head of the request's unit, their deputy while they are away, or the director.
    Nobody decides on their own request."""
    if pr.requester_id == user.pk or not _same_office(user, pr.organization_id):
        return False
    return is_head_of(user, pr.department) or is_deputy_for(user, pr.department) or is_director(user)


def can_decide_as_director(user: Any, pr: PurchaseRequest) -> bool:
    return pr.requester_id != user.pk and _same_office(user, pr.organization_id) and is_director(user)


def can_decide_at_all(user: Any, pr: PurchaseRequest) -> bool:
    return can_decide_as_head(user, pr) or can_decide_as_director(user, pr)


def can_approve(user: Any, pr: PurchaseRequest) -> bool:
    """Whether `user` decides the request's current stage (also reject and return)."""
    if pr.status == PurchaseRequest.Status.SUBMITTED:
        return can_decide_as_head(user, pr)
    if pr.status == PurchaseRequest.Status.HEAD_APPROVED:
        return can_decide_as_director(user, pr)
    return False


def can_cancel_request(user: Any, pr: PurchaseRequest) -> bool:
    if not pr.can_move_to(PurchaseRequest.Status.CANCELLED):
        return False
    return pr.requester_id == user.pk or is_leadership_of(user, pr.organization_id)


def can_place_orders(user: Any, pr: PurchaseRequest) -> bool:
    if pr.status != PurchaseRequest.Status.APPROVED:
        return False
    return pr.requester_id == user.pk or is_leadership_of(user, pr.organization_id)


def is_finance_of(user: Any, organization_id: int) -> bool:
    """The director and the business assistant look after an office's money (DESIGN §2)."""
    return bool(user_roles(user) & FINANCE_ROLES) and _same_office(user, organization_id)


def can_pay_order(user: Any, order: PurchaseOrder) -> bool:
    return order.is_payable and is_finance_of(user, order.organization_id)


def can_cancel_order(user: Any, order: PurchaseOrder) -> bool:
    return order.is_payable and (is_leadership_of(user, order.organization_id) or order.request.requester_id == user.pk)


def can_track_order(user: Any, order: PurchaseOrder) -> bool:
    """Staff who can see an open order may record news about it (a phone call, an e-mail)."""
    return order.is_open and _same_office(user, order.organization_id)


def can_receive(user: Any, order: PurchaseOrder) -> bool:
    return order.status in (
        PurchaseOrder.Status.PAID,
        PurchaseOrder.Status.SHIPPED,
        PurchaseOrder.Status.PARTIALLY_RECEIVED,
        PurchaseOrder.Status.RECEIVED,
    ) and _same_office(user, order.organization_id)


def can_enter_invoice(user: Any, order: PurchaseOrder) -> bool:
    return order.status == PurchaseOrder.Status.RECEIVED and is_leadership_of(user, order.organization_id)


def can_close_order(user: Any, order: PurchaseOrder) -> bool:
    return order.status == PurchaseOrder.Status.INVOICED and is_leadership_of(user, order.organization_id)


def can_manage_licences(user: Any, organization_id: int | None = None) -> bool:
    return can_manage_vendors(user, organization_id)


def can_edit_licence(user: Any, licence: Licence) -> bool:
    """Usage rights are corrected by those who manage licences; a renewed one is history."""
    return licence.status != Licence.Status.RENEWED and can_manage_licences(user, licence.organization_id)


def can_renew_licence(user: Any, licence: Licence) -> bool:
    return licence.status != Licence.Status.RENEWED and can_manage_licences(user, licence.organization_id)


def can_view_reports(user: Any) -> bool:
    profile = staff_profile(user)
    return profile is not None and profile.position.role in LEADERSHIP | {Role.HEAD}


def can_manage_deputies(user: Any) -> bool:
    profile = staff_profile(user)
    return profile is not None and profile.position.role == Role.HEAD


def can_set_approval_limits(user: Any) -> bool:
    """Only the director sets how much each department head may approve alone (DESIGN §4);
    the limits are those of the director's own office."""
    return is_director(user)
