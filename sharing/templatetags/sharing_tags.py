"""Template helpers of resource sharing: the ILL button on a record page, timeline text."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def sharing_lenders_for(context: Any, record: Any) -> int:
    """How many other member offices hold a lendable copy of `record` (0: no ILL button).
    Staff of a sharing office only; the record must be shared."""
    from cataloging.models import Holding
    from sharing import permissions
    from sharing.models import Agency

    request = context.get("request")
    agency = permissions.agency_of(request.user) if request is not None else None
    if agency is None or record is None or getattr(record, "status", "") != "approved":
        return 0
    offices = Holding.objects.filter(record=record, lendable=True).exclude(organization_id=agency.organization_id)
    return (
        Agency.objects.active()
        .members()
        .filter(lends=True, organization_id__in=offices.values("organization_id"))
        .count()
    )


@register.simple_tag(takes_context=True)
def sharing_member(context: Any) -> bool:
    from sharing import permissions

    request = context.get("request")
    return request is not None and permissions.is_sharing_staff(request.user)
