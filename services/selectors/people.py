"""The read work of the actions (services.actions): who is told, who may take the work or sign
off a report, who answers consultations, and the buyer an invoice names."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet

from office.access import Role, staff_profile, unit_head_ids
from office.models import ClientAccount, Department, StaffProfile
from services.models import ServiceOrder

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Status = ServiceOrder.Status


def assignable_staff(order: ServiceOrder) -> QuerySet[StaffProfile]:
    """Active staff of the providing department and its groups (heads take work too). An
    offering provided by a group is staffed from the whole department above it."""
    department = order.department
    if department.kind == Department.Kind.GROUP and department.parent_id:
        department = department.parent
    return (
        StaffProfile.objects.filter(Q(department=department) | Q(department__parent=department))
        .filter(user__is_active=True, organization_id=department.organization_id)
        .select_related("user")
        .order_by("display_name")
    )


def least_loaded(order: ServiceOrder) -> User | None:
    """The staff member (not head) with the fewest open assigned orders; ties by user id."""
    candidates = assignable_staff(order).filter(position__role=Role.STAFF).values_list("user_id", flat=True)
    loads = (
        get_user_model()
        .objects.filter(pk__in=list(candidates))
        .annotate(
            load=Count(
                "assigned_service_orders",
                filter=Q(assigned_service_orders__status__in=[Status.ASSIGNED, Status.IN_PROGRESS]),
            )
        )
        .order_by("load", "pk")
    )
    return loads.first()


def reviewers_for(order: ServiceOrder) -> list[User]:
    """Who may sign off the order's formal report: the heads above the providing department
    and the directors of its organization."""
    ids = unit_head_ids(order.department)
    ids += list(
        StaffProfile.objects.filter(
            organization_id=order.department.organization_id, position__role=Role.DIRECTOR
        ).values_list("user_id", flat=True)
    )
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def staff_name(user: User) -> str:
    profile = staff_profile(user)
    return profile.display_name if profile else user.get_username()


def invoice_buyer_of(client: ClientAccount) -> dict[str, str]:
    """The buyer as an invoice names it, from the client's current invoice details."""
    return {
        "title": client.invoice_title or f"{client.display_name} {client.organisation_name}".strip(),
        "tax_id": client.tax_id,
        "address": client.postal_address,
    }


def consultation_department() -> Department:
    """Customer service answers consultations (DESIGN §3); the code is configurable."""
    code = settings.SERVICES_CONSULTATION_DEPARTMENT
    return Department.objects.get(organization__is_home=True, code=code)
