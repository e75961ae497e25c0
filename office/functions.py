"""Department functions (technical services, catalog review, ...) as data.

The leadership office assigns functions to units (`DepartmentFunction`); permissions ask
here instead of comparing a department's code. A function belongs to the unit it is assigned
to, not to the units below it: a new group gets its functions when the leadership assigns them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from office.access import _cached, staff_profile
from office.models import DepartmentFunction, Function, StaffProfile

__all__ = ["Function", "has_function", "member_user_ids", "unit_functions", "units_with"]


def unit_functions(department_id: int | None) -> frozenset[str]:
    if department_id is None:
        return frozenset()
    return frozenset(DepartmentFunction.objects.filter(department_id=department_id).values_list("function", flat=True))


def user_functions(user: Any) -> frozenset[str]:
    """The functions of the user's own unit; read once per request (cached on the user)."""
    profile = staff_profile(user)
    if profile is None or profile.department.closed_at is not None:
        return frozenset()
    return _cached(user, "functions", lambda: unit_functions(profile.department_id))


def has_function(user: Any, function: str, organization_id: int | None = None) -> bool:
    """Whether the user works in a unit that carries `function` (of `organization_id`, if given)."""
    profile = staff_profile(user)
    if profile is None or (organization_id is not None and profile.organization_id != organization_id):
        return False
    return function in user_functions(user)


def units_with(function: str) -> QuerySet[Any]:
    from office.models import Department

    return Department.objects.filter(functions__function=function, closed_at__isnull=True)


def member_user_ids(function: str, **profile_filters: Any) -> QuerySet[Any]:
    """Ids of the active users whose unit carries `function` (filter profiles further by kwargs)."""
    return (
        StaffProfile.objects.filter(
            department__functions__function=function, department__closed_at__isnull=True, user__is_active=True
        )
        .filter(**profile_filters)
        .values_list("user_id", flat=True)
        .distinct()
    )
