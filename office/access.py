"""Access control in one place.

A user's roles follow from their profile: a `StaffProfile` (office, department, position)
makes them staff with the position's role; a `ClientAccount` makes them a remote client.
Django groups named after the roles mirror this (kept in step by `sync_role_groups`) so
model permissions can be granted per role, and the admin shows who is what.

Rules everywhere:
- an office never sees another office's internal data (requests, budgets, staff, audit);
- a client never sees another client's data;
- a function the role may not use is 403; somebody else's object is 404.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum, nonmember
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import HttpRequest, HttpResponse

from office.models import StaffProfile

if TYPE_CHECKING:
    from office.models import ClientAccount, Department, Organization


class Role(StrEnum):
    CLIENT = "client"
    STAFF = "staff"
    HEAD = "head"
    DIRECTOR = "director"
    ADMIN_ASSISTANT = "admin_assistant"
    BUSINESS_ASSISTANT = "business_assistant"

    # Templates test `Role.STAFF in roles`; without this the engine would call the class.
    do_not_call_in_templates = nonmember(True)


LEADERSHIP = frozenset({Role.DIRECTOR, Role.ADMIN_ASSISTANT, Role.BUSINESS_ASSISTANT})
_CACHE = "_office_access_cache"


def _cached(user: Any, key: str, compute: Callable[[], Any]) -> Any:
    cache = user.__dict__.setdefault(_CACHE, {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def staff_profile(user: Any) -> StaffProfile | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None

    def load() -> StaffProfile | None:
        from office.models import StaffProfile

        return (
            StaffProfile.objects.select_related("organization", "department", "position")
            .filter(user_id=user.pk)
            .first()
        )

    return _cached(user, "profile", load)


def client_account(user: Any) -> ClientAccount | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None

    def load() -> ClientAccount | None:
        try:
            return user.client_account
        except ObjectDoesNotExist:
            return None

    return _cached(user, "client", load)


def user_roles(user: Any) -> frozenset[str]:
    """Every role the user holds; an active staff member is always STAFF as well."""
    roles: set[str] = set()
    profile = staff_profile(user)
    if profile is not None:
        roles.add(Role.STAFF)
        roles.add(profile.position.role)
    if client_account(user) is not None:
        roles.add(Role.CLIENT)
    return frozenset(roles)


def office_of(user: Any) -> Organization | None:
    profile = staff_profile(user)
    return profile.organization if profile else None


def is_staff_member(user: Any) -> bool:
    return staff_profile(user) is not None


def is_home_staff(user: Any) -> bool:
    profile = staff_profile(user)
    return profile is not None and profile.organization.is_home


def is_client(user: Any) -> bool:
    return client_account(user) is not None


def is_director(user: Any, organization: Organization | None = None) -> bool:
    profile = staff_profile(user)
    if profile is None or profile.position.role != Role.DIRECTOR:
        return False
    return organization is None or profile.organization_id == organization.pk


def is_leadership(user: Any, organization: Organization | None = None) -> bool:
    profile = staff_profile(user)
    if profile is None or profile.position.role not in LEADERSHIP:
        return False
    return organization is None or profile.organization_id == organization.pk


def is_head_of(user: Any, department: Department) -> bool:
    """Head of `department` or of a unit above it (a department head also leads its groups)."""
    profile = staff_profile(user)
    if profile is None or profile.position.role != Role.HEAD:
        return False
    unit: Department | None = department
    seen: set[int] = set()
    while unit is not None and unit.pk not in seen:
        if unit.pk == profile.department_id:
            return True
        seen.add(unit.pk)
        unit = unit.parent
    return False


def unit_head_ids(department: Department) -> list[int]:
    """User ids of the active heads of `department` and of the units above it, nearest unit
    first: the one answer to "who heads this unit" (the same chain `is_head_of` walks)."""
    chain: list[int] = []
    unit: Department | None = department
    while unit is not None and unit.pk not in chain:
        chain.append(unit.pk)
        unit = unit.parent
    rows = StaffProfile.objects.filter(department_id__in=chain, position__role=Role.HEAD, user__is_active=True)
    heads = sorted(rows.values_list("department_id", "user_id"), key=lambda row: (chain.index(row[0]), row[1]))
    return list(dict.fromkeys(user_id for _unit, user_id in heads))


def same_office(user: Any, organization_id: int | None) -> bool:
    profile = staff_profile(user)
    return profile is not None and organization_id is not None and profile.organization_id == organization_id


# --- keeping groups in step with profiles -----------------------------------------------


def sync_role_groups(user: Any) -> None:
    """Make the user's role groups exactly the roles their profile gives."""
    user.__dict__.pop(_CACHE, None)
    wanted = set(user_roles(user))
    managed = {role.value for role in Role}
    current = set(user.groups.filter(name__in=managed).values_list("name", flat=True))
    for name in wanted - current:
        group, _created = Group.objects.get_or_create(name=name)
        user.groups.add(group)
    if current - wanted:
        user.groups.remove(*Group.objects.filter(name__in=current - wanted))
    user.__dict__.pop(_CACHE, None)


# --- view guards ----------------------------------------------------------------------------

ViewFunc = Callable[..., HttpResponse]


def roles_required(*roles: str) -> Callable[[ViewFunc], ViewFunc]:
    """Log in first; then 403 unless the user holds one of `roles`."""

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not user_roles(request.user) & set(roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapper)

    return decorator


staff_required = roles_required(Role.STAFF)
client_required = roles_required(Role.CLIENT)


def home_staff_required(view: ViewFunc) -> ViewFunc:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_home_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapper)


class RolesRequiredMixin(AccessMixin):
    """Class-based twin of `roles_required`: anonymous → login, wrong role → 403."""

    required_roles: frozenset[str] = frozenset({Role.STAFF})

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not user_roles(request.user) & set(self.required_roles):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class StaffRequiredMixin(RolesRequiredMixin):
    required_roles = frozenset({Role.STAFF})


def anonymous() -> AnonymousUser:
    return AnonymousUser()
