"""Founding a consortium, and calling it off:

    (founded) forming -> electing -> negotiating -> agreed -> ...
        \\----------\\-------------\\-----------\\-> cancelled (by the founding office, before contracts)

The founding office is the first member and the founder its representative. Who else joins
is in `membership`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from office import audit
from office.access import staff_profile
from office.exceptions import DomainError
from office.money import check_amount, clean_currency
from procurement.consortia import permissions, selectors
from procurement.consortia.actions.common import CS, MS, lock_consortium, notify_members
from procurement.consortia.models import MAX_PRICE_MINOR, Consortium, Membership
from procurement.models import Vendor

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@transaction.atomic
def consortium_found(
    *,
    actor: User,
    vendor_id: int,
    name: str,
    resource: str,
    list_price_minor: int,
    currency: str = "CNY",
    description: str = "",
    fte: int = 0,
) -> Consortium:
    """Found a consortium for one resource of one of the office's vendors; the founding office
    is its first member and the founder its representative."""
    if not permissions.can_found(actor):
        raise PermissionDenied(_("Only leadership or a department head may found a consortium."))
    profile = staff_profile(actor)
    vendor = Vendor.objects.filter(pk=vendor_id, organization_id=profile.organization_id).first()
    if vendor is None:
        raise DomainError(_("Choose one of your office's vendors as the provider."))
    name, resource = (name or "").strip(), (resource or "").strip()
    if not name or not resource:
        raise DomainError(_("Give the consortium a name and the resource it buys."))
    currency = clean_currency(currency, default="CNY")
    check_amount(list_price_minor, currency, limit_minor=MAX_PRICE_MINOR)
    consortium = Consortium.objects.create(
        name=name[:200],
        resource=resource[:300],
        description=(description or "").strip(),
        vendor=vendor,
        founder_id=profile.organization_id,
        list_price_minor=list_price_minor,
        currency=currency,
    )
    Membership.objects.create(
        consortium=consortium,
        organization_id=profile.organization_id,
        status=MS.JOINED,
        representative=actor,
        requested_by=actor,
        joined_at=timezone.now(),
        fte=max(int(fte or 0), 0),
    )
    audit.record(actor=actor, target=consortium, verb="procurement.consortium.founded", data={"vendor": vendor.pk})
    return consortium


@transaction.atomic
def consortium_cancel(*, consortium_id: int, actor: User, reason: str) -> Consortium:
    """The founding office calls it off before contracts are issued."""
    consortium = lock_consortium(consortium_id)
    if not permissions.is_founder_agent(actor, consortium, selectors.founder_membership(consortium)):
        raise PermissionDenied(_("The founding office cancels the consortium."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give a reason for the cancellation."))
    consortium.move_to(CS.CANCELLED)
    consortium.save(update_fields=["status", "updated_at"])
    audit.record(actor=actor, target=consortium, verb="procurement.consortium.cancelled", data={"reason": reason})
    notify_members(
        consortium,
        verb="procurement.consortium.cancelled",
        exclude=actor.pk,
        title=gettext_noop("The consortium %(name)s was cancelled"),
        params={"name": consortium.name},
    )
    return consortium
