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
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.functional import LazyObject, empty

from office.models import StaffProfile
from office.prepared import Prepared

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


def memo_of(user: Any) -> dict[str, Any]:
    """The request's memo, kept on the user object itself (not on the SimpleLazyObject that
    `request.user` wraps it in: the authentication backend fills it while loading the user)."""
    if isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        user = user._wrapped
    return user.__dict__.setdefault(_CACHE, {})


def forget(user: Any) -> None:
    """Drop the request's memo of `user` (after a change of their profile or groups)."""
    memo_of(user).clear()


def _cached(user: Any, key: str, compute: Callable[[], Any]) -> Any:
    cache = memo_of(user)
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def memo(user: Any, key: str, compute: Callable[[], Any]) -> Any:
    """Compute once per user object, i.e. once per request (AuthenticationMiddleware builds a
    new user per request); `sync_role_groups` and personnel changes drop the memo."""
    return _cached(user, key, compute)


def _identity_query(pk: int) -> Any:
    from django.contrib.auth import get_user_model
    from django.contrib.postgres.expressions import ArraySubquery
    from django.db import connection
    from django.db.models import OuterRef

    from office.models import DepartmentFunction

    users = (
        get_user_model()
        .objects.filter(pk=pk)
        .select_related(
            "staff_profile__organization",
            "staff_profile__department__parent",  # predicates walk one level up (groups)
            "staff_profile__position",
            "client_account",
        )
    )
    if connection.vendor != "postgresql":  # SQLite (a newcomer's first run): functions read apart
        return users
    functions = DepartmentFunction.objects.filter(department_id=OuterRef("staff_profile__department_id"))
    return users.annotate(unit_functions=ArraySubquery(functions.values("function")))


# Compiled once per process (office.prepared): every signed-in request runs it.
_identity = Prepared(_identity_query, -7_340_033)


def _fill_identity(user: Any, row: Any) -> None:
    from django.contrib.auth import get_user_model

    from office.models import DepartmentFunction

    cache = memo_of(user)
    profile = getattr(row, "staff_profile", None) if row is not None else None
    account = getattr(row, "client_account", None) if row is not None else None
    for related in (profile, account):
        if related is not None:
            related.user = user  # the request's user, not the row's copy
    if account is not None:
        get_user_model().client_account.related.set_cached_value(user, account)  # as `user.client_account` does
    cache["profile"] = profile
    cache["client"] = account
    if profile is not None:
        functions = getattr(row, "unit_functions", None)
        if functions is None:  # not annotated (SQLite)
            functions = DepartmentFunction.objects.filter(department_id=profile.department_id).values_list(
                "function", flat=True
            )
        cache["functions"] = frozenset(function for function in functions if function)


def _load_identity(user: Any) -> None:
    """The user's profile (office, unit, position), client account and unit functions in one
    query, memoised for the request: every page's roles, navigation and predicates read them."""
    rows = _identity(user.pk)
    _fill_identity(user, rows[0] if rows else None)


def user_with_identity(pk: Any) -> Any:
    """The user with that primary key, their identity already memoised (one query for what
    the session's user and `_load_identity` would read in two): the authentication backend's
    `get_user`, i.e. the user of every signed-in request. None when there is no such user."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    rows = _identity(pk)
    if not rows:
        return None
    user = rows[0]
    _fill_identity(user, user)
    return user


def staff_profile(user: Any) -> StaffProfile | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    cache = memo_of(user)
    if "profile" not in cache:
        _load_identity(user)
    return cache["profile"]


def client_account(user: Any) -> ClientAccount | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    cache = memo_of(user)
    if "client" not in cache:
        _load_identity(user)
    return cache["client"]


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
    parents = _unit_parents(user, profile.organization_id)
    unit_id: int | None = department.pk
    seen: set[int] = set()
    while unit_id is not None and unit_id not in seen:
        if unit_id == profile.department_id:
            return True
        if unit_id not in parents:  # a unit of another office or created since: ask the database
            return _is_head_of_walk(profile, department)
        seen.add(unit_id)
        unit_id = parents[unit_id]
    return False


def unit_tree_query(organization_id: int) -> Any:
    """The office's units as {"pk", "parent_id"} rows: what `_unit_parents` reads (a batch may
    read it with other things and hand the rows to `remember_unit_tree`)."""
    from office.models import Department

    return Department.objects.filter(organization_id=organization_id).order_by().values("pk", "parent_id")


def unit_tree_memo_key(organization_id: int) -> str:
    """Where the request memo keeps the office's unit tree (office.nav primes it)."""
    return f"unit_parents:{organization_id}"


def unit_parents_of(rows: Any) -> dict[int, int | None]:
    """`unit_tree_query`'s rows as unit id -> parent id."""
    return {row["pk"]: row["parent_id"] for row in rows}


def remember_unit_tree(user: Any, organization_id: int, rows: list[dict[str, Any]]) -> None:
    """`unit_tree_query`'s rows, read elsewhere, as this request's unit tree."""
    _cached(user, unit_tree_memo_key(organization_id), lambda: unit_parents_of(rows))


def _unit_parents(user: Any, organization_id: int) -> dict[int, int | None]:
    """Unit id -> parent id for the user's office, read once per request (one small query
    instead of one per level each time a predicate walks up the tree)."""
    return _cached(user, unit_tree_memo_key(organization_id), lambda: unit_parents_of(unit_tree_query(organization_id)))


def _is_head_of_walk(profile: StaffProfile, department: Department) -> bool:
    unit: Department | None = department
    seen: set[int] = set()
    while unit is not None and unit.pk not in seen:
        if unit.pk == profile.department_id:
            return True
        seen.add(unit.pk)
        unit = unit.parent
    return False


def units_below(user: Any, organization_id: int, roots: set[int]) -> set[int]:
    """`roots` and every unit under them in the office (from the memoised tree)."""
    children: dict[int | None, list[int]] = {}
    for unit_id, parent_id in _unit_parents(user, organization_id).items():
        children.setdefault(parent_id, []).append(unit_id)
    found, frontier = set(roots), list(roots)
    while frontier:
        for child in children.get(frontier.pop(), []):
            if child not in found:
                found.add(child)
                frontier.append(child)
    return found


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
    forget(user)
    wanted = set(user_roles(user))
    managed = {role.value for role in Role}
    current = set(user.groups.filter(name__in=managed).values_list("name", flat=True))
    for name in wanted - current:
        group, _created = Group.objects.get_or_create(name=name)
        user.groups.add(group)
    if current - wanted:
        user.groups.remove(*Group.objects.filter(name__in=current - wanted))
    forget(user)


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
