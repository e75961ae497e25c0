"""Chainable filters for purchasing. Every list and detail view starts from `visible_to(user)`:
an office sees only its own vendors, requests, orders and licences."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone


def _profile(user: Any) -> Any:
    from office.access import staff_profile

    return staff_profile(user)


def approver_department_ids(user: Any) -> set[int]:
    """Departments whose requests `user` decides as head: their own unit and its groups, plus
    the units they stand in for as an active deputy. Read once per request."""
    from office.access import memo

    profile = _profile(user)
    if profile is None:
        return set()
    return set(memo(user, "procurement_approver_units", lambda: _approver_department_ids(user, profile)))


def _approver_department_ids(user: Any, profile: Any) -> frozenset[int]:
    from office.access import Role, units_below
    from procurement.models import Deputy

    ids: set[int] = set()
    head = profile.position.role == Role.HEAD and profile.department_id is not None
    if head:
        ids.add(profile.department_id)
    today = timezone.localdate()
    deputies = Deputy.objects.filter(deputy_id=user.pk, starts_on__lte=today, ends_on__gte=today).values(
        "department_id"
    )
    rows = _read_with_unit_tree(user, profile.organization_id, deputies) if head else list(deputies)
    ids |= {row["department_id"] for row in rows}
    if not ids:  # neither head nor deputy: no units, and no need of the unit tree
        return frozenset()
    # A head also leads the groups below the department (the office's unit tree, read once);
    # so does a deputy (permissions.is_deputy_for walks up from the request's unit).
    return frozenset(units_below(user, profile.organization_id, ids))


def _read_with_unit_tree(user: Any, organization_id: int, deputies: Any) -> list[dict[str, Any]]:
    """The deputies' rows, read with the office's unit tree (which a head's units are always
    walked in) in one statement (issue 18): the tree becomes the request's unit tree."""
    from office.access import remember_unit_tree, unit_tree_query
    from office.dashboard import batch

    tree = unit_tree_query(organization_id)
    data = batch.fetch({"deputies": batch.rows(deputies), "tree": batch.rows(tree)})
    remember_unit_tree(user, organization_id, data["tree"])
    return data["deputies"]


class VendorQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> VendorQuerySet:
        profile = _profile(user)
        if profile is None:
            return self.none()
        return self.filter(organization_id=profile.organization_id)

    def active(self) -> VendorQuerySet:
        return self.filter(is_active=True)


class VendorItemQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> VendorItemQuerySet:
        profile = _profile(user)
        if profile is None:
            return self.none()
        return self.filter(vendor__organization_id=profile.organization_id)

    def search(self, term: str) -> VendorItemQuerySet:
        term = (term or "").strip()
        if not term:
            return self
        digits = term.replace("-", "").replace(" ", "")
        condition = Q(title__icontains=term) | Q(title_zh__icontains=term) | Q(sku__iexact=term)
        if digits:
            condition |= Q(isbn__iexact=digits.upper())
        return self.filter(condition)


class PurchaseRequestQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> PurchaseRequestQuerySet:
        """Leadership sees its office's requests; heads and deputies their units'; staff their own."""
        from office.access import LEADERSHIP

        profile = _profile(user)
        if profile is None:
            return self.none()
        qs = self.filter(organization_id=profile.organization_id)
        if profile.position.role in LEADERSHIP:
            return qs
        return qs.filter(Q(requester_id=user.pk) | Q(department_id__in=approver_department_ids(user)))

    def pending(self) -> PurchaseRequestQuerySet:
        return self.filter(status__in=["submitted", "head_approved"])


class PurchaseOrderQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> PurchaseOrderQuerySet:
        from office.access import LEADERSHIP

        profile = _profile(user)
        if profile is None:
            return self.none()
        qs = self.filter(organization_id=profile.organization_id)
        if profile.position.role in LEADERSHIP:
            return qs
        return qs.filter(Q(request__requester_id=user.pk) | Q(request__department_id__in=approver_department_ids(user)))

    def open(self) -> PurchaseOrderQuerySet:
        from procurement.models import PurchaseOrder

        return self.filter(status__in=PurchaseOrder.OPEN)


class LicenceQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> LicenceQuerySet:
        profile = _profile(user)
        if profile is None:
            return self.none()
        return self.filter(organization_id=profile.organization_id)

    def expiring_within(self, days: int) -> LicenceQuerySet:
        today = timezone.localdate()
        return self.filter(status="active", ends_on__gte=today, ends_on__lte=today + datetime.timedelta(days=days))
