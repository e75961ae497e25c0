"""Chainable filters for resource sharing. Every list starts from `visible_to(user)`:
an office sees requests where it is borrower or lender; a client sees only its own."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q


def _office_id(user: Any) -> int | None:
    from office.access import staff_profile

    profile = staff_profile(user)
    return profile.organization_id if profile else None


class AgencyQuerySet(models.QuerySet):
    def members(self) -> AgencyQuerySet:
        return self.filter(is_partner=False, organization__isnull=False)

    def partners(self) -> AgencyQuerySet:
        return self.filter(is_partner=True)

    def active(self) -> AgencyQuerySet:
        return self.filter(is_active=True)


class SharingRequestQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> SharingRequestQuerySet:
        office_id = _office_id(user)
        if office_id is not None:
            return self.filter(Q(borrower__organization_id=office_id) | Q(lender__organization_id=office_id))
        from office.access import client_account

        account = client_account(user)
        if account is not None:
            return self.filter(client=account)
        return self.none()

    def borrowing_for(self, agency_id: int) -> SharingRequestQuerySet:
        return self.filter(borrower_id=agency_id)

    def lending_for(self, agency_id: int) -> SharingRequestQuerySet:
        return self.filter(lender_id=agency_id)

    def open(self) -> SharingRequestQuerySet:
        return self.exclude(status__in=self.model.CLOSED)

    def search(self, term: str) -> SharingRequestQuerySet:
        term = (term or "").strip()
        if not term:
            return self
        return self.filter(
            Q(number__icontains=term)
            | Q(title__icontains=term)
            | Q(author__icontains=term)
            | Q(article_title__icontains=term)
            | Q(isbn__icontains=term)
        )


class SettlementQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> SettlementQuerySet:
        office_id = _office_id(user)
        if office_id is None:
            return self.none()
        return self.filter(Q(first__organization_id=office_id) | Q(second__organization_id=office_id))
