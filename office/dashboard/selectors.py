"""Reads for the dashboard: who may see which scope, and the scope's units."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from office.access import Role, is_director, is_head_of, staff_profile, units_below
from office.dashboard.tiles import Period, Scope
from office.models import Department


def office_scope(user: Any, period: Period) -> Scope:
    """The director's whole-office scope; PermissionDenied for anybody else."""
    profile = staff_profile(user)
    if profile is None or not is_director(user):
        raise PermissionDenied
    return Scope(user=user, organization=profile.organization, period=period)


def unit_scope(user: Any, unit_id: int, period: Period) -> Scope:
    """A unit's scope for its office's director or its head (a head of a unit above it too);
    a unit of another office does not exist for the viewer (Department.DoesNotExist)."""
    profile = staff_profile(user)
    if profile is None:
        raise PermissionDenied
    if unit_id == profile.department_id:  # their own unit: read with their profile already
        unit = profile.department
    else:
        unit = Department.objects.get(pk=unit_id, organization_id=profile.organization_id)
    if not (is_director(user) or is_head_of(user, unit)):
        raise PermissionDenied
    unit_ids = tuple(sorted(units_below(user, profile.organization_id, {unit.pk})))
    return Scope(user=user, organization=profile.organization, period=period, unit=unit, unit_ids=unit_ids)


def home_unit_id(user: Any) -> int | None:
    """The unit a head's dashboard opens on: their own."""
    profile = staff_profile(user)
    if profile is None or profile.position.role != Role.HEAD or profile.department_id is None:
        return None
    return profile.department_id


def office_units(scope: Scope) -> QuerySet[Department]:
    """The units the director can open a unit dashboard for (none on a unit's dashboard)."""
    if not scope.whole_office:
        return Department.objects.none()
    return Department.objects.filter(organization_id=scope.organization.pk).order_by("sort_order", "name")
