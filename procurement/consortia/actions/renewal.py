"""Renewal: an active or expired consortium starts its next round (a new consortium, forming,
linked to this one as `previous`) with the same provider, resource and list price. The offices
that held contracts are invited again (joining stays voluntary); offers start from the agreed
terms, and the renewal price cap agreed here holds the new price (`selectors.price_for`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from office import audit
from office.access import staff_profile
from office.actions import notify
from office.exceptions import DomainError, InvalidTransition
from procurement.consortia import permissions, selectors
from procurement.consortia.actions.common import CS, MS, consortium_url, lock_consortium, notify_members
from procurement.consortia.models import Consortium, Membership

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@transaction.atomic
def consortium_renew(*, consortium_id: int, actor: User) -> Consortium:
    """Start the next round from this one: same provider, resource and list price; the actor's
    office joins, the other offices that held contracts are invited again (joining stays
    voluntary). Offers in the new round start from the agreed terms, and the renewal price cap
    agreed here holds the new price."""
    old = lock_consortium(consortium_id)
    own = selectors.own_membership(old, actor)
    if not permissions.can_renew(actor, old, own):
        if old.status not in (CS.ACTIVE, CS.EXPIRED):
            raise InvalidTransition(old, _("renewed"))
        raise PermissionDenied(_("Only a member office or the negotiator starts the renewal."))
    if Consortium.objects.filter(previous=old).exists():
        raise DomainError(_("The renewal round has already been started."))
    organization_id = staff_profile(actor).organization_id
    new = Consortium.objects.create(
        name=old.name,
        resource=old.resource,
        description=old.description,
        vendor=old.vendor,
        founder_id=organization_id,
        list_price_minor=old.list_price_minor,
        currency=old.currency,
        previous=old,
    )
    _carry_members(old, new, actor, organization_id)
    audit.record(actor=actor, target=new, verb="procurement.consortium.renewal_started", data={"previous": old.pk})
    _announce_renewal(old, new, actor)
    return new


def _carry_members(old: Consortium, new: Consortium, actor: User, organization_id: int) -> None:
    """The actor's office joins the new round; the other offices that held contracts are invited
    with their representative and FTE."""
    for membership in old.memberships.filter(contract__isnull=False).order_by("pk"):
        mine = membership.organization_id == organization_id
        Membership.objects.create(
            consortium=new,
            organization_id=membership.organization_id,
            status=MS.JOINED if mine else MS.INVITED,
            representative=actor if mine else membership.representative,
            requested_by=actor,
            joined_at=timezone.now() if mine else None,
            fte=membership.fte,
        )
    if not Membership.objects.filter(consortium=new, organization_id=organization_id).exists():
        Membership.objects.create(
            consortium=new,
            organization_id=organization_id,
            status=MS.JOINED,
            representative=actor,
            requested_by=actor,
            joined_at=timezone.now(),
        )


def _announce_renewal(old: Consortium, new: Consortium, actor: User) -> None:
    notify_members(
        new,
        verb="procurement.consortium.renewal_started",
        exclude=actor.pk,
        title=gettext_noop("Renewal of %(name)s has started"),
        params={"name": old.name},
    )
    for invited in new.memberships.filter(status=MS.INVITED, representative__isnull=False):
        notify(
            recipient_id=invited.representative_id,
            verb="procurement.consortium.renewal_started",
            title=gettext_noop("Renewal of %(name)s: your office is invited"),
            url=consortium_url(new),
            params={"name": old.name},
        )
