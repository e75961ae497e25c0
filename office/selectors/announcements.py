"""Announcements: the current ones addressed to a person (home page and list), and the detail."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from office.models import Announcement


def announcement_list_current(*, user: Any, limit: int | None = None) -> list[Announcement]:
    from django.db.models import Q

    from office.access import staff_profile

    profile = staff_profile(user)
    qs = Announcement.objects.visible_to(user).current().select_related("author", "department")
    if profile is not None:
        qs = qs.filter(
            Q(department__isnull=True)
            | Q(department_id=profile.department_id)
            | Q(department__parent_id=profile.department_id)
        )
    return list(qs[:limit] if limit else qs)


def announcement_list(*, user: Any) -> QuerySet[Announcement]:
    """Current announcements addressed to the user; leadership sees every one of its office."""
    from office.access import is_leadership, staff_profile

    qs = Announcement.objects.visible_to(user).current().select_related("author", "department")
    profile = staff_profile(user)
    if profile is not None and not is_leadership(user):
        qs = qs.filter(
            Q(department__isnull=True)
            | Q(department_id=profile.department_id)
            | Q(department__parent_id=profile.department_id)
        )
    return qs


def announcement_detail_queryset(*, user: Any) -> QuerySet[Announcement]:
    return Announcement.objects.visible_to(user).select_related("author", "department", "organization")
