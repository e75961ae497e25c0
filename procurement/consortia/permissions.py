"""Who may do what in a consortium. Visibility (a non-member gets 404) is the querysets' job;
these predicates answer "may this person use this function here" and drive the buttons.

Who acts for an office: its leadership (director, assistants) or the representative it
designated for this consortium. Voting is the representative's alone (one vote per office).
Founding and applying need someone who keeps the office's vendors: leadership or a head.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from office.access import LEADERSHIP, Role, staff_profile
from procurement.consortia.models import Consortium, Contract, Election, Membership
from procurement.consortia.querysets import provider_vendor_ids

CS = Consortium.Status
MS = Membership.Status


def _office_id(user: Any) -> int | None:
    profile = staff_profile(user)
    return profile.organization_id if profile else None


def is_leadership_of(user: Any, organization_id: int) -> bool:
    profile = staff_profile(user)
    return profile is not None and profile.organization_id == organization_id and profile.position.role in LEADERSHIP


def can_found(user: Any) -> bool:
    profile = staff_profile(user)
    return profile is not None and profile.position.role in LEADERSHIP | {Role.HEAD}


def acts_for(user: Any, membership: Membership) -> bool:
    return membership.representative_id == user.pk or is_leadership_of(user, membership.organization_id)


def is_provider_of(user: Any, consortium: Consortium) -> bool:
    return consortium.vendor_id in provider_vendor_ids(user)


def is_founder_agent(user: Any, consortium: Consortium, founder_membership: Membership | None) -> bool:
    if founder_membership is not None and founder_membership.is_member and acts_for(user, founder_membership):
        return True
    return is_leadership_of(user, consortium.founder_id)


def can_apply(user: Any, consortium: Consortium, own: Membership | None) -> bool:
    """An office not (or no longer) in an open consortium may ask to join."""
    if not consortium.is_open_for_members or not can_found(user):
        return False
    return own is None or own.can_move_to(MS.APPLIED)


def can_answer_invitation(user: Any, consortium: Consortium, own: Membership | None) -> bool:
    return (
        consortium.is_open_for_members
        and own is not None
        and own.status == MS.INVITED
        and (own.representative_id == user.pk or is_leadership_of(user, own.organization_id))
    )


def can_invite(user: Any, consortium: Consortium, own: Membership | None) -> bool:
    """Any member office may invite others while the consortium is open."""
    return consortium.is_open_for_members and own is not None and own.is_member and acts_for(user, own)


def can_decide_applications(user: Any, consortium: Consortium, founder_membership: Membership | None) -> bool:
    return consortium.is_open_for_members and is_founder_agent(user, consortium, founder_membership)


def can_leave(user: Any, consortium: Consortium, own: Membership | None) -> bool:
    return consortium.is_open_for_members and own is not None and own.is_member and acts_for(user, own)


def can_set_representative(user: Any, own: Membership | None) -> bool:
    return own is not None and own.is_member and is_leadership_of(user, own.organization_id)


def can_open_election(user: Any, consortium: Consortium, founder_membership: Membership | None) -> bool:
    return consortium.status == CS.FORMING and is_founder_agent(user, consortium, founder_membership)


def can_nominate(user: Any, election: Election | None, own: Membership | None) -> bool:
    return (
        election is not None
        and election.is_open
        and timezone.now() < election.deadline
        and own is not None
        and own.is_member
        and acts_for(user, own)
    )


def can_vote(user: Any, election: Election | None, own: Membership | None) -> bool:
    return (
        election is not None
        and election.is_open
        and timezone.now() < election.deadline
        and own is not None
        and own.is_member
        and own.representative_id == user.pk
    )


def can_close_election(user: Any, election: Election | None, own: Membership | None) -> bool:
    """Any member office may close (tally) an election once it may be closed (see the action)."""
    return election is not None and election.is_open and own is not None and own.is_member and acts_for(user, own)


def is_negotiator(user: Any, consortium: Consortium) -> bool:
    return consortium.negotiator_id is not None and consortium.negotiator_id == user.pk


def negotiation_open(consortium: Consortium) -> bool:
    return consortium.status == CS.NEGOTIATING and (
        consortium.negotiation_deadline is None or timezone.now() < consortium.negotiation_deadline
    )


def can_post_offer(user: Any, consortium: Consortium) -> bool:
    """The provider's representative posts offers; the negotiator posts counter-offers and may
    record an offer the provider sent another way."""
    return negotiation_open(consortium) and (is_provider_of(user, consortium) or is_negotiator(user, consortium))


def can_accept(user: Any, consortium: Consortium) -> bool:
    return negotiation_open(consortium) and is_negotiator(user, consortium)


def can_set_deadline(user: Any, consortium: Consortium) -> bool:
    return consortium.status == CS.NEGOTIATING and is_negotiator(user, consortium)


def can_commit(user: Any, consortium: Consortium, own: Membership | None) -> bool:
    return consortium.status == CS.AGREED and own is not None and own.is_member and acts_for(user, own)


def can_issue_contracts(user: Any, consortium: Consortium) -> bool:
    return consortium.status == CS.AGREED and is_negotiator(user, consortium)


def can_sign_as_member(user: Any, contract: Contract, membership: Membership) -> bool:
    return contract.status == Contract.Status.ISSUED and not contract.member_signed_at and acts_for(user, membership)


def can_sign_as_provider(user: Any, contract: Contract, consortium: Consortium) -> bool:
    """The provider's representative signs; without a provider account the negotiator records
    the provider's signature (received on paper or by e-mail)."""
    if contract.status != Contract.Status.ISSUED or contract.provider_signed_at:
        return False
    return is_provider_of(user, consortium) or is_negotiator(user, consortium)


def may_pay_for(user: Any, membership: Membership) -> bool:
    """The member's representative or its finance staff (director, business assistant)."""
    profile = staff_profile(user)
    if profile is None or profile.organization_id != membership.organization_id:
        return False
    return membership.representative_id == user.pk or profile.position.role in {
        Role.DIRECTOR,
        Role.BUSINESS_ASSISTANT,
    }


def can_pay(user: Any, contract: Contract, membership: Membership) -> bool:
    """A signed contract, paid by its own office; never by another office or the provider."""
    return contract.status == Contract.Status.SIGNED and may_pay_for(user, membership)


def can_renew(user: Any, consortium: Consortium, own: Membership | None) -> bool:
    if consortium.status not in (CS.ACTIVE, CS.EXPIRED):
        return False
    return is_negotiator(user, consortium) or (own is not None and own.is_member and acts_for(user, own))
