"""Chainable filters. Every list and detail view starts from `visible_to(user)`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone

from office.access import LEADERSHIP, client_account, staff_profile


class OfferingQuerySet(models.QuerySet):
    def active(self) -> OfferingQuerySet:
        return self.filter(is_active=True)


def staff_order_scope(user: Any) -> Q | None:
    """Which orders a staff member works with: leadership of the providing office sees all of
    them; others see their unit's, the units directly above and below it, and their own."""
    profile = staff_profile(user)
    if profile is None:
        return None
    if profile.position.role in LEADERSHIP:
        return Q(department__organization_id=profile.organization_id)
    from office.models import Department

    unit = profile.department
    # The groups below as a subquery of ids, not a join: an OR across a join forces a
    # sequential scan of every order; on the order's own columns the indexes serve it.
    groups = Department.objects.filter(parent_id=unit.pk).values("pk")
    scope = Q(department_id=unit.pk) | Q(department_id__in=groups) | Q(assignee_id=user.pk)
    if unit.parent_id:
        scope |= Q(department_id=unit.parent_id)
    return scope


class ServiceOrderQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> ServiceOrderQuerySet:
        """A client sees its own orders only; staff see their units' (see `staff_order_scope`)."""
        scope = staff_order_scope(user)
        account = client_account(user)
        if scope is None and account is None:
            return self.none()
        visible = Q(pk__in=[])
        if scope is not None:
            visible |= scope
        if account is not None:
            visible |= Q(client_id=account.pk)
        return self.filter(visible)

    def of_client(self, user: Any) -> ServiceOrderQuerySet:
        account = client_account(user)
        return self.filter(client_id=account.pk) if account else self.none()

    def active(self) -> ServiceOrderQuerySet:
        return self.filter(status__in=["paid", "assigned", "in_progress"])

    def overdue(self) -> ServiceOrderQuerySet:
        return self.active().filter(due_date__lt=timezone.localdate())

    def due_soon(self, days: int = 3) -> ServiceOrderQuerySet:
        today = timezone.localdate()
        return self.active().filter(due_date__gte=today, due_date__lte=today + timedelta(days=days))


class ClientOwnedQuerySet(models.QuerySet):
    """Subscriptions and consultations: the client's own, or those of the staff's units."""

    department_path = "department_id"

    def visible_to(self, user: Any) -> ClientOwnedQuerySet:
        from services.permissions import unit_scope_ids

        visible = Q(pk__in=[])
        account = client_account(user)
        if account is not None:
            visible |= Q(client_id=account.pk)
        ids = unit_scope_ids(user)
        if ids:
            visible |= Q(**{f"{self.department_path}__in": ids})
        return self.filter(visible)


class SubscriptionQuerySet(ClientOwnedQuerySet):
    department_path = "offering__department_id"


class ConsultationQuerySet(ClientOwnedQuerySet):
    department_path = "department_id"


class TrainingSessionQuerySet(models.QuerySet):
    def upcoming(self) -> TrainingSessionQuerySet:
        return self.filter(is_published=True, ends_at__gte=timezone.now())
