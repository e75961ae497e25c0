"""Chainable filters. Every list and detail view starts from `visible_to(user)`."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from office.access import staff_profile


class BibRecordQuerySet(models.QuerySet):
    def shared(self) -> BibRecordQuerySet:
        return self.filter(status="approved")

    def visible_to(self, user: Any) -> BibRecordQuerySet:
        """Staff see their own office's records in any state and every shared record,
        reviewers also the records in review; everybody else (anonymous visitors, clients) sees shared records only."""
        profile = staff_profile(user)
        if profile is None:
            return self.shared()
        visible = Q(status="approved") | Q(organization_id=profile.organization_id)
        from cataloging.permissions import is_reviewer  # permissions imports the models

        if is_reviewer(user):  # the quality team sees every contribution waiting for review
            visible |= Q(status__in=["submitted", "in_review"])
        return self.filter(visible)

    def owned_by(self, organization_id: int) -> BibRecordQuerySet:
        return self.filter(organization_id=organization_id)

    def in_catalog_of(self, organization_id: int) -> BibRecordQuerySet:
        """The office's own catalog: records it contributed plus shared records it holds."""
        return self.filter(
            Q(organization_id=organization_id) | Q(status="approved", holdings__organization_id=organization_id)
        ).distinct()


class HoldingQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> HoldingQuerySet:
        """Holdings on shared records are public; an office also sees its own on unshared ones."""
        profile = staff_profile(user)
        if profile is None:
            return self.filter(record__status="approved")
        return self.filter(Q(record__status="approved") | Q(organization_id=profile.organization_id))


class OfficeOwnedQuerySet(models.QuerySet):
    """Internal data of one office (ledger, statements, import jobs): its own staff only."""

    def visible_to(self, user: Any) -> OfficeOwnedQuerySet:
        profile = staff_profile(user)
        if profile is None:
            return self.none()
        return self.filter(organization_id=profile.organization_id)
