"""Membership of a consortium while it is open (forming, electing, negotiating, agreed):

    invited | applied -> joined -> left;  invited | applied -> declined;  declined | left -> invited | applied

An office applies (the founding office decides) or is invited by a member (it answers itself);
joining is always voluntary. Offices may leave until contracts are issued, except the elected
negotiator's. Each office names the representative who acts for it.
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
from office.actions import notify
from office.exceptions import DomainError, InvalidTransition
from office.models import Organization
from procurement.consortia import permissions, selectors
from procurement.consortia.actions.common import CS, MS, consortium_url, lock_consortium, staff_of
from procurement.consortia.models import Consortium, Membership

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@transaction.atomic
def membership_apply(*, consortium_id: int, actor: User, fte: int = 0) -> Membership:
    """The actor's office asks to join; the founding office decides. The actor represents it."""
    consortium = lock_consortium(consortium_id)
    own = selectors.own_membership(consortium, actor)
    if not permissions.can_apply(actor, consortium, own):
        if not consortium.is_open_for_members:
            raise InvalidTransition(consortium, MS.APPLIED.label)
        raise PermissionDenied(_("You cannot apply for your office."))
    profile = staff_profile(actor)
    if own is None:
        own = Membership(consortium=consortium, organization_id=profile.organization_id, status=MS.APPLIED)
    else:
        own.move_to(MS.APPLIED)  # it declined or left before (can_apply)
    own.representative = actor
    own.requested_by = actor
    own.fte = max(int(fte or 0), 0)
    own.save()
    audit.record(
        actor=actor,
        target=consortium,
        verb="procurement.consortium_membership.applied",
        data={"office": profile.organization_id},
    )
    founder = selectors.founder_membership(consortium)
    if founder and founder.representative_id:
        notify(
            recipient_id=founder.representative_id,
            verb="procurement.consortium_membership.applied",
            title=gettext_noop("%(office)s asks to join %(name)s"),
            url=consortium_url(consortium),
            send_email=False,
            params={"office": profile.organization.name, "name": consortium.name},
        )
    return own


@transaction.atomic
def membership_invite(
    *, consortium_id: int, actor: User, organization_id: int, representative_id: int | None = None
) -> Membership:
    """A member office invites another office; the invited office (its leadership or the named
    representative) accepts or declines."""
    consortium = lock_consortium(consortium_id)
    if not permissions.can_invite(actor, consortium, selectors.own_membership(consortium, actor)):
        if not consortium.is_open_for_members:
            raise InvalidTransition(consortium, MS.INVITED.label)
        raise PermissionDenied(_("Only a member office may invite others."))
    office = Organization.objects.filter(pk=organization_id, is_active=True).first()
    if office is None:
        raise DomainError(_("Choose an office to invite."))
    representative = staff_of(representative_id, office.pk)
    membership = selectors.membership_of(consortium, office.pk)
    if membership is None:
        membership = Membership(consortium=consortium, organization=office, status=MS.INVITED)
    elif membership.can_move_to(MS.INVITED):
        membership.move_to(MS.INVITED)
    else:
        raise DomainError(_("That office is already a member or has a pending invitation or application."))
    membership.representative = representative
    membership.requested_by = actor
    membership.save()
    audit.record(
        actor=actor, target=consortium, verb="procurement.consortium_membership.invited", data={"office": office.pk}
    )
    if representative is not None:
        notify(
            recipient_id=representative.pk,
            verb="procurement.consortium_membership.invited",
            title=gettext_noop("Your office is invited to join the consortium %(name)s"),
            url=consortium_url(consortium),
            params={"name": consortium.name},
        )
    return membership


def _join(membership: Membership, actor: User, consortium: Consortium) -> None:
    membership.move_to(MS.JOINED)
    membership.joined_at = timezone.now()
    membership.left_at = None
    if membership.representative_id is None:
        membership.representative = (
            actor if staff_profile(actor).organization_id == membership.organization_id else None
        )
    membership.save()
    audit.record(
        actor=actor,
        target=consortium,
        verb="procurement.consortium_membership.joined",
        data={"office": membership.organization_id},
    )


@transaction.atomic
def membership_answer(*, membership_id: int, actor: User, accept: bool, fte: int = 0) -> Membership:
    """The invited office joins (voluntarily) or declines."""
    consortium = lock_consortium(Membership.objects.get(pk=membership_id).consortium_id)
    membership = Membership.objects.select_for_update().get(pk=membership_id)
    if not permissions.can_answer_invitation(actor, consortium, membership):
        if membership.status != MS.INVITED or not consortium.is_open_for_members:
            raise InvalidTransition(membership, _("answered"))
        raise PermissionDenied(_("Only the invited office answers its invitation."))
    if accept:
        membership.fte = max(int(fte or 0), 0)
        _join(membership, actor, consortium)
    else:
        _decline(membership, actor, consortium, verb="procurement.consortium_membership.declined")
    return membership


def _decline(membership: Membership, actor: User, consortium: Consortium, *, verb: str) -> None:
    """An invitation declined or an application refused: the office is out, audited."""
    membership.move_to(MS.DECLINED)
    membership.save(update_fields=["status", "updated_at"])
    audit.record(actor=actor, target=consortium, verb=verb, data={"office": membership.organization_id})


@transaction.atomic
def membership_decide(*, membership_id: int, actor: User, accept: bool) -> Membership:
    """The founding office admits or turns down an application."""
    consortium = lock_consortium(Membership.objects.get(pk=membership_id).consortium_id)
    membership = Membership.objects.select_for_update().get(pk=membership_id)
    if not permissions.can_decide_applications(actor, consortium, selectors.founder_membership(consortium)):
        raise PermissionDenied(_("The founding office decides on applications."))
    if membership.status != MS.APPLIED:
        raise InvalidTransition(membership, MS.JOINED.label if accept else MS.DECLINED.label)
    if accept:
        _join(membership, actor, consortium)
    else:
        _decline(membership, actor, consortium, verb="procurement.consortium_membership.refused")
    return membership


@transaction.atomic
def membership_leave(*, membership_id: int, actor: User) -> Membership:
    """Leave before contracts are issued; a commitment goes with it (the tier follows at issue).
    The elected negotiator's office stays: the consortium would be left without its negotiator."""
    consortium = lock_consortium(Membership.objects.get(pk=membership_id).consortium_id)
    membership = Membership.objects.select_for_update().get(pk=membership_id)
    if not permissions.acts_for(actor, membership):
        raise PermissionDenied(_("Only the office itself decides to leave."))
    if not consortium.is_open_for_members:
        raise InvalidTransition(membership, MS.LEFT.label)
    membership.move_to(MS.LEFT)
    negotiator_office = staff_profile(consortium.negotiator) if consortium.negotiator_id else None
    if negotiator_office is not None and negotiator_office.organization_id == membership.organization_id:
        raise DomainError(_("The office of the elected negotiator cannot leave during the negotiation."))
    if consortium.founder_id == membership.organization_id and consortium.status == CS.FORMING:
        raise DomainError(_("The founding office cannot leave while the consortium is forming; cancel it instead."))
    membership.left_at = timezone.now()
    membership.committed_at = None
    membership.save(update_fields=["status", "left_at", "committed_at", "updated_at"])
    audit.record(
        actor=actor,
        target=consortium,
        verb="procurement.consortium_membership.left",
        data={"office": membership.organization_id},
    )
    return membership


@transaction.atomic
def membership_set_representative(*, membership_id: int, actor: User, representative_id: int) -> Membership:
    """The office's leadership names which of its staff acts for it in the consortium."""
    membership = Membership.objects.select_for_update().get(pk=membership_id)
    if not permissions.can_set_representative(actor, membership):
        raise PermissionDenied(_("The office's leadership designates its representative."))
    representative = staff_of(representative_id, membership.organization_id)
    membership.representative = representative
    membership.save(update_fields=["representative", "updated_at"])
    audit.record(
        actor=actor,
        target=membership.consortium,
        verb="procurement.consortium_membership.representative_set",
        data={"office": membership.organization_id, "representative": representative.pk},
    )
    return membership
