"""What every page needs: the user's roles (for the navigation) and unread notifications.

All of it is memoised for the request (office.access) or cached per user (office.inbox)."""

import hashlib
from functools import partial
from typing import Any

from django.http import HttpRequest
from django.utils.translation import get_language

from office import inbox
from office.access import Role, client_account, staff_profile, user_roles
from office.permissions import can_view_health


def intranet(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"roles": frozenset(), "Role": Role}
    roles = user_roles(user)
    return {
        "roles": roles,
        "Role": Role,
        "my_profile": staff_profile(user),
        "my_client_account": client_account(user),
        # Callables: a template calls them when it shows them (an htmx fragment never does).
        "unread_notifications": partial(inbox.unread_count, user),  # cached per user (office/inbox.py)
        "can_view_health": partial(can_view_health, user),
        # base.html caches the rendered navigation under this key for NAV_TTL seconds.
        "nav_cache_ttl": partial(nav_cache_ttl, request),
        "nav_cache_key": partial(nav_cache_key, request),
    }


NAV_TTL = 60  # a unit's new function or a newly active sharing agency shows in the menu within this


def nav_cache_ttl(request: HttpRequest) -> int:
    """0 (render every time) until the browser has a CSRF cookie: the nav's forms need a token."""
    return NAV_TTL if request.META.get("CSRF_COOKIE") else 0


def nav_cache_key(request: HttpRequest) -> str:
    """What the signed-in navigation (partials/_nav.html) depends on, hashed: the user, their
    roles, office, unit and position, the language, the page's view name (its active tab: the
    navigation reads nothing else of the request, so one entry serves every order's page, every
    filter and every page number of a list), the CSRF secret of the browser (the forms' tokens) and the version of
    the user's cached counts (office.inbox: bumped by each of their writes and each
    notification to them, so the unread and cart badges stay exact: the cart changes only
    through the user's own writes)."""
    user = request.user
    secret = request.META.get("CSRF_COOKIE") or ""
    profile = staff_profile(user)
    parts = [
        str(user.pk),
        inbox.cache_version(user),
        ",".join(sorted(user_roles(user))),
        f"{profile.organization_id}.{profile.department_id}.{profile.position_id}" if profile else "-",
        str(user.is_staff),
        get_language() or "",
        getattr(request.resolver_match, "view_name", None) or request.path,
        secret,
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()
