"""Org structure writes for the leadership office (issue 16): departments and groups
(create, rename, move, close), the functions they carry, positions and their job duties.

Only the director and the administrative assistant of the unit's own office change the org
structure (`permissions.can_manage_org`). Every write locks its row, checks, writes and
audits (codes and parameters, never sentences).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from office import audit, permissions
from office.access import staff_profile
from office.exceptions import DomainError
from office.models import Department, DepartmentFunction, Function, Organization, Position

RENAMABLE = ("name", "name_zh", "description", "description_zh", "email", "phone")


def _check(actor: Any, organization_id: int) -> Organization:
    profile = staff_profile(actor)
    if profile is None or not permissions.can_manage_org(actor) or profile.organization_id != organization_id:
        raise PermissionDenied(_("Only the leadership office changes the org structure."))
    return profile.organization


def _lock(department_id: int) -> Department:
    department = Department.objects.select_for_update().filter(pk=department_id).first()
    if department is None:
        raise DomainError(_("This unit does not exist."))
    return department


def _open_parent(organization: Organization, parent_id: int | None) -> Department | None:
    if parent_id is None:
        return None
    parent = Department.objects.filter(pk=parent_id, organization=organization).first()
    if parent is None or parent.closed_at is not None:
        raise DomainError(_("Choose an open unit of your office as the parent."))
    return parent


@transaction.atomic
def department_create(
    *, actor: Any, code: str, name: str, kind: str, parent_id: int | None = None, **fields: Any
) -> Department:
    """A new department (top level) or group (inside a department) of the actor's office."""
    organization = _check(actor, getattr(staff_profile(actor), "organization_id", None))
    parent = _open_parent(organization, parent_id)
    if kind not in (Department.Kind.DEPARTMENT, Department.Kind.GROUP):
        raise DomainError(_("Choose department or group."))
    if kind == Department.Kind.GROUP and parent is None:
        raise DomainError(_("A group belongs to a department: choose its parent."))
    if Department.objects.filter(organization=organization, code=code).exists():
        raise DomainError(_("Another unit of your office already has this code."))
    values = {key: value for key, value in fields.items() if key in RENAMABLE}
    unit = Department.objects.create(
        organization=organization, parent=parent, code=code, name=name, kind=kind, **values
    )
    audit.record(
        actor=actor,
        target=unit,
        verb="office.department.created",
        data={"code": code, "kind": kind, "parent": parent.pk if parent else None},
    )
    return unit


@transaction.atomic
def department_update(*, actor: Any, department_id: int, **fields: Any) -> Department:
    """Rename a unit or change its description and contact details."""
    unit = _lock(department_id)
    _check(actor, unit.organization_id)
    changed = {}
    for key in RENAMABLE:
        if key in fields and fields[key] != getattr(unit, key):
            changed[key] = [getattr(unit, key), fields[key]]
            setattr(unit, key, fields[key])
    if changed:
        unit.save()
        audit.record(actor=actor, target=unit, verb="office.department.updated", data=changed)
    return unit


def _descendant_ids(unit: Department) -> set[int]:
    ids, frontier = {unit.pk}, [unit.pk]
    while frontier:
        frontier = list(
            Department.objects.filter(parent_id__in=frontier).exclude(pk__in=ids).values_list("pk", flat=True)
        )
        ids.update(frontier)
    return ids


@transaction.atomic
def department_move(*, actor: Any, department_id: int, parent_id: int | None) -> Department:
    """Put a unit under another one (or at the top). Never under itself or its own descendant."""
    unit = _lock(department_id)
    organization = _check(actor, unit.organization_id)
    if parent_id is not None and parent_id in _descendant_ids(unit):
        raise DomainError(_("A unit cannot move under itself or under one of its own units."))
    parent = _open_parent(organization, parent_id)
    if unit.kind == Department.Kind.GROUP and parent is None:
        raise DomainError(_("A group belongs to a department: choose its parent."))
    if unit.kind == Department.Kind.LEADERSHIP and parent is not None:
        raise DomainError(_("The leadership office stays at the top."))
    before = unit.parent_id
    unit.parent = parent
    unit.save(update_fields=["parent", "updated_at"])
    audit.record(actor=actor, target=unit, verb="office.department.moved", data={"from": before, "to": parent_id})
    return unit


@transaction.atomic
def department_close(*, actor: Any, department_id: int) -> Department:
    """Close an empty unit: its people moved and its groups closed or moved first."""
    unit = _lock(department_id)
    _check(actor, unit.organization_id)
    if unit.closed_at is not None:
        raise DomainError(_("This unit is already closed."))
    if unit.kind == Department.Kind.LEADERSHIP:
        raise DomainError(_("The leadership office cannot be closed."))
    if unit.children.filter(closed_at__isnull=True).exists():
        raise DomainError(_("Close or move its groups first."))
    if unit.staff.filter(user__is_active=True).exists():
        raise DomainError(_("Transfer its staff to other units first."))
    unit.closed_at = timezone.now()
    unit.save(update_fields=["closed_at", "updated_at"])
    unit.functions.all().delete()
    audit.record(actor=actor, target=unit, verb="office.department.closed", data={})
    return unit


@transaction.atomic
def department_set_functions(*, actor: Any, department_id: int, functions: list[str]) -> Department:
    """Make the unit's functions exactly `functions` (what permissions read, office.functions)."""
    unit = _lock(department_id)
    _check(actor, unit.organization_id)
    if unit.closed_at is not None:
        raise DomainError(_("A closed unit carries no functions."))
    wanted = set(functions)
    if not wanted <= set(Function.values):
        raise DomainError(_("Choose functions from the list."))
    current = set(unit.functions.values_list("function", flat=True))
    unit.functions.filter(function__in=current - wanted).delete()
    for function in sorted(wanted - current):
        DepartmentFunction.objects.create(department=unit, function=function, assigned_by=actor)
    if wanted != current:
        audit.record(
            actor=actor,
            target=unit,
            verb="office.department.functions_changed",
            data={"added": sorted(wanted - current), "removed": sorted(current - wanted)},
        )
    return unit


POSITION_FIELDS = ("name", "name_zh", "role", "rank", "duties", "duties_zh")


@transaction.atomic
def position_save(*, actor: Any, position_id: int | None = None, code: str = "", **fields: Any) -> Position:
    """Create a position, or change its name, role, rank and job duties."""
    if not permissions.can_manage_org(actor):
        raise PermissionDenied(_("Only the leadership office changes the org structure."))
    if fields.get("role") and fields["role"] not in Position.Role.values:
        raise DomainError(_("Choose a role from the list."))
    values = {key: value for key, value in fields.items() if key in POSITION_FIELDS}
    if position_id is None:
        if not code or Position.objects.filter(code=code).exists():
            raise DomainError(_("Another position already has this code."))
        position = Position.objects.create(code=code, **values)
        audit.record(actor=actor, target=position, verb="office.position.created", data={"code": code})
        return position
    position = Position.objects.select_for_update().get(pk=position_id)
    changed = {key: [str(getattr(position, key)), str(value)] for key, value in values.items()
               if getattr(position, key) != value}  # fmt: skip
    if changed.get("role") and position.holders.filter(user__is_active=True).exists():
        raise DomainError(_("People hold this position: give them another position before changing its role."))
    for key, value in values.items():
        setattr(position, key, value)
    position.save()
    if changed:
        audit.record(actor=actor, target=position, verb="office.position.updated", data=changed)
    return position
