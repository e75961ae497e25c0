"""The staff directory and departments: the unit tree, staff lists, a department's page."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from office import permissions
from office.models import Budget, Department, Document, Position, StaffProfile
from office.selectors.budgets import current_fiscal_year


def department_tree(*, user: Any) -> list[Department]:
    """The user's office as a tree in one query: each unit gets `tree_children` and `staff_count`."""
    units = list(
        Department.objects.visible_to(user).annotate(staff_count=Count("staff")).order_by("sort_order", "name")
    )
    by_id = {unit.pk: unit for unit in units}
    roots: list[Department] = []
    for unit in units:
        unit.tree_children = []  # type: ignore[attr-defined]
    for unit in units:
        parent = by_id.get(unit.parent_id) if unit.parent_id else None
        if parent is None:
            roots.append(unit)
        else:
            parent.tree_children.append(unit)  # type: ignore[attr-defined]
    return roots


def staff_list(*, user: Any, search: str = "", department: Department | None = None) -> QuerySet[StaffProfile]:
    """The user's office's staff; a department filter includes the groups inside it."""
    qs = (
        StaffProfile.objects.visible_to(user)
        .search(search.strip())
        .select_related("user", "department", "position")
        .order_by("department__sort_order", "position__rank", "display_name")
    )
    if department is not None:
        qs = qs.filter(Q(department=department) | Q(department__parent=department))
    return qs


def staff_detail_queryset(*, user: Any) -> QuerySet[StaffProfile]:
    return StaffProfile.objects.visible_to(user).select_related(
        "user", "organization", "department", "department__parent", "position"
    )


def staff_duty_documents(*, user: Any, profile: StaffProfile) -> list[Document]:
    """Job-duty documents that apply to a staff member's position or department."""
    return list(
        Document.objects.visible_to(user)
        .filter(kind=Document.Kind.JOB_DUTY)
        .filter(Q(position_id=profile.position_id) | Q(department_id=profile.department_id))
    )


def department_detail(*, user: Any, department: Department) -> dict[str, Any]:
    """Everything the department page shows; the budget only when the viewer may see it."""
    members = list(
        StaffProfile.objects.visible_to(user)
        .filter(department=department)
        .select_related("user", "position")
        .order_by("position__rank", "display_name")
    )
    lead_roles = {Position.Role.HEAD, Position.Role.DIRECTOR}
    budget = (
        Budget.objects.visible_to(user)
        .select_related("department")
        .filter(department=department, fiscal_year=current_fiscal_year())
        .first()
    )
    return {
        "heads": [m for m in members if m.position.role in lead_roles],
        "members": members,
        "children": list(
            Department.objects.visible_to(user).filter(parent=department).annotate(staff_count=Count("staff"))
        ),
        "documents": list(Document.objects.visible_to(user).filter(department=department)),
        "budget": budget if budget is not None and permissions.can_view_budget(user, budget) else None,
    }
