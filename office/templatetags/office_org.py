"""Template filters for the org-structure and technical-services pages (issue 16), so the
shared pages can show their buttons without new context from office/views/."""

from __future__ import annotations

from typing import Any

from django import template

from office import permissions
from office.access import staff_profile

register = template.Library()


@register.filter
def can_manage_org(user: Any) -> bool:
    return permissions.can_manage_org(user)


@register.filter
def can_edit_schedules(user: Any) -> bool:
    return permissions.can_edit_schedules(user)


@register.filter
def can_manage_equipment(user: Any) -> bool:
    profile = staff_profile(user)
    return profile is not None and permissions.can_manage_equipment(user, profile.organization)
