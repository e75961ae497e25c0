"""Chainable filters. Every list starts from `visible_to(user)`."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone


def _office_id(user: Any) -> int | None:
    from office.access import staff_profile

    profile = staff_profile(user)
    return profile.organization_id if profile else None


class OfficeScopedQuerySet(models.QuerySet):
    """For models with an `organization` field: staff see their own office's rows only."""

    office_field = "organization"

    def visible_to(self, user: Any) -> OfficeScopedQuerySet:
        office_id = _office_id(user)
        if office_id is None:
            return self.none()
        return self.filter(**{f"{self.office_field}_id": office_id})


class DepartmentQuerySet(OfficeScopedQuerySet):
    def top_level(self) -> DepartmentQuerySet:
        return self.filter(parent__isnull=True)


class StaffProfileQuerySet(OfficeScopedQuerySet):
    def search(self, term: str) -> StaffProfileQuerySet:
        if not term:
            return self
        return self.filter(
            Q(display_name__icontains=term)
            | Q(user__username__icontains=term)
            | Q(title__icontains=term)
            | Q(department__name__icontains=term)
            | Q(department__name_zh__icontains=term)
            | Q(duties__icontains=term)
        )


class AnnouncementQuerySet(OfficeScopedQuerySet):
    def current(self) -> AnnouncementQuerySet:
        now = timezone.now()
        return self.filter(published_at__lte=now).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


class BudgetQuerySet(models.QuerySet):
    office_field = "department__organization"

    def visible_to(self, user: Any) -> BudgetQuerySet:
        from office.access import LEADERSHIP, Role, staff_profile

        profile = staff_profile(user)
        if profile is None:
            return self.none()
        qs = self.filter(department__organization_id=profile.organization_id)
        if profile.position.role in LEADERSHIP:
            return qs
        if profile.position.role == Role.HEAD:
            return qs.filter(Q(department_id=profile.department_id) | Q(department__parent_id=profile.department_id))
        return qs.filter(department_id=profile.department_id)


class AuditEventQuerySet(OfficeScopedQuerySet):
    pass


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> NotificationQuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(recipient_id=user.pk)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)
