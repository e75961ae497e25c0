"""Who sees which consortium, at three depths:

- `visible_to(user)`: the directory card (name, resource, provider, founder, state): consortia the
  user's office belongs to, is invited to or applied to, plus those still open for members, so an
  office can find one and apply;
- `negotiable_by(user)`: everything inside (members, election, offers): staff of a member office
  (status joined) and the provider's own representatives. Everybody else gets a 404;
- contracts: each office sees only its own; the provider sees those of its consortia.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q


def _office_id(user: Any) -> int | None:
    from office.access import staff_profile

    profile = staff_profile(user)
    return profile.organization_id if profile else None


def provider_vendor_ids(user: Any) -> list[int]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    from procurement.consortia.models import ProviderRepresentative

    return list(
        ProviderRepresentative.objects.filter(user_id=user.pk, is_active=True).values_list("vendor_id", flat=True)
    )


class ConsortiumQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> ConsortiumQuerySet:
        office_id = _office_id(user)
        condition = Q(pk__in=[])
        if office_id is not None:
            open_states = ["forming", "electing", "negotiating", "agreed"]
            condition |= Q(memberships__organization_id=office_id) | Q(status__in=open_states)
        vendors = provider_vendor_ids(user)
        if vendors:
            condition |= Q(vendor_id__in=vendors)
        return self.filter(condition).distinct()

    def negotiable_by(self, user: Any) -> ConsortiumQuerySet:
        office_id = _office_id(user)
        condition = Q(pk__in=[])
        if office_id is not None:
            condition |= Q(memberships__organization_id=office_id, memberships__status="joined")
        vendors = provider_vendor_ids(user)
        if vendors:
            condition |= Q(vendor_id__in=vendors)
        return self.filter(condition).distinct()


class OfferQuerySet(models.QuerySet):
    def from_provider(self) -> OfferQuerySet:
        return self.filter(side="provider")


class ContractQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> ContractQuerySet:
        office_id = _office_id(user)
        condition = Q(pk__in=[])
        if office_id is not None:
            condition |= Q(organization_id=office_id)
        vendors = provider_vendor_ids(user)
        if vendors:
            condition |= Q(consortium__vendor_id__in=vendors)
        return self.filter(condition)
