"""Every write of consortium buying.

Consortium:
    forming -> electing -> negotiating -> agreed -> contracting -> active -> expired
        \\----------\\-------------\\-----------\\-> cancelled
Membership:  invited | applied -> joined -> left;  invited | applied -> declined;  declined | left -> invited | applied
Election:    open (nominations, one vote per office, changeable) -> closed (tally published, frozen)
Contract:    issued -> signed (by the member and by the provider, either first) -> paid (licence created;
              it keeps its payment, and any other payment that succeeds for it is refunded)

Offices may join, leave, commit and withdraw until contracts are issued. Issuing recomputes the
tier from the commitments at that moment, under the consortium's row lock, and fixes it: after
that nobody can leave or withdraw, so no contract ever carries a stale tier.

Lock order everywhere: consortium, then memberships (by pk), then election, then contracts.
Nothing leaves before commit (`notify` e-mails go out after commit).
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from office import audit
from office.access import staff_profile
from office.actions import notify
from office.exceptions import DomainError, InvalidTransition
from office.models import Organization
from office.money import format_money
from procurement.actions import _add_months
from procurement.consortia import permissions, selectors
from procurement.consortia.models import (
    MAX_PRICE_MINOR,
    Consortium,
    Contract,
    Election,
    Membership,
    Nomination,
    Offer,
    OfferTier,
    Vote,
    tier_price,
)
from procurement.models import Licence, Vendor

logger = logging.getLogger(__name__)
CS = Consortium.Status
MS = Membership.Status
CONSORTIUM_CONTRACT_PURPOSE = "procurement.consortium_contract"
MAX_TIERS = 10
DEFAULT_NEGOTIATION_DAYS = 30


def _url(consortium: Consortium) -> str:
    return reverse("procurement:consortium_detail", kwargs={"pk": consortium.pk})


def _lock(consortium_id: int) -> Consortium:
    return Consortium.objects.select_for_update().get(pk=consortium_id)


def _membership_of(consortium: Consortium, organization_id: int | None) -> Membership | None:
    if organization_id is None:
        return None
    return Membership.objects.filter(consortium=consortium, organization_id=organization_id).first()


def _own(consortium: Consortium, actor: Any) -> Membership | None:
    profile = staff_profile(actor)
    return _membership_of(consortium, profile.organization_id if profile else None)


def _founder_membership(consortium: Consortium) -> Membership | None:
    return _membership_of(consortium, consortium.founder_id)


def _member_ids(consortium: Consortium) -> set[int]:
    """Users who hear about a consortium's news: the member offices' representatives."""
    return set(
        Membership.objects.filter(consortium=consortium, status=MS.JOINED, representative__isnull=False).values_list(
            "representative_id", flat=True
        )
    )


def _notify_members(
    consortium: Consortium, *, verb: str, title: str, exclude: int | None = None, email: bool = False
) -> None:
    for user_id in sorted(_member_ids(consortium) - {exclude}):
        notify(recipient_id=user_id, verb=verb, title=title, url=_url(consortium), send_email=email)


def _notify_provider(consortium: Consortium, *, verb: str, title: str, url: str) -> None:
    """The provider's active representatives (their own accounts) hear what they must act on."""
    from procurement.consortia.models import ProviderRepresentative

    for user_id in sorted(
        set(
            ProviderRepresentative.objects.filter(
                vendor_id=consortium.vendor_id, is_active=True, user__is_active=True
            ).values_list("user_id", flat=True)
        )
    ):
        notify(recipient_id=user_id, verb=verb, title=title, url=url)


def _move(consortium: Consortium, status: str) -> None:
    if not consortium.can_move_to(status):
        raise InvalidTransition(consortium, Consortium.Status(status).label)
    consortium.status = status


def _staff_of(user_id: int | None, organization_id: int) -> Any:
    """A user who is staff of `organization_id`, or DomainError."""
    if user_id is None:
        return None
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    profile = staff_profile(user) if user else None
    if profile is None or profile.organization_id != organization_id:
        raise DomainError(_("The representative must be a staff member of that office."))
    return user


# --- forming ---------------------------------------------------------------------------------


@transaction.atomic
def consortium_found(
    *,
    actor: Any,
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
    if not isinstance(list_price_minor, int) or not 0 < list_price_minor <= MAX_PRICE_MINOR:
        raise DomainError(_("Enter the list price one office would pay alone."))
    consortium = Consortium.objects.create(
        name=name[:200],
        resource=resource[:300],
        description=(description or "").strip(),
        vendor=vendor,
        founder_id=profile.organization_id,
        list_price_minor=list_price_minor,
        currency=(currency or "CNY").upper()[:3],
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
def membership_apply(*, consortium_id: int, actor: Any, fte: int = 0) -> Membership:
    """The actor's office asks to join; the founding office decides. The actor represents it."""
    consortium = _lock(consortium_id)
    own = _own(consortium, actor)
    if not permissions.can_apply(actor, consortium, own):
        if not consortium.is_open_for_members:
            raise InvalidTransition(consortium, MS.APPLIED.label)
        raise PermissionDenied(_("You cannot apply for your office."))
    profile = staff_profile(actor)
    if own is None:
        own = Membership(consortium=consortium, organization_id=profile.organization_id)
    own.status = MS.APPLIED
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
    founder = _founder_membership(consortium)
    if founder and founder.representative_id:
        notify(
            recipient_id=founder.representative_id,
            verb="procurement.consortium_membership.applied",
            title=_("%(office)s asks to join %(name)s") % {"office": profile.organization, "name": consortium},
            url=_url(consortium),
            send_email=False,
        )
    return own


@transaction.atomic
def membership_invite(
    *, consortium_id: int, actor: Any, organization_id: int, representative_id: int | None = None
) -> Membership:
    """A member office invites another office; the invited office (its leadership or the named
    representative) accepts or declines."""
    consortium = _lock(consortium_id)
    if not permissions.can_invite(actor, consortium, _own(consortium, actor)):
        if not consortium.is_open_for_members:
            raise InvalidTransition(consortium, MS.INVITED.label)
        raise PermissionDenied(_("Only a member office may invite others."))
    office = Organization.objects.filter(pk=organization_id, is_active=True).first()
    if office is None:
        raise DomainError(_("Choose an office to invite."))
    representative = _staff_of(representative_id, office.pk)
    membership = _membership_of(consortium, office.pk)
    if membership is None:
        membership = Membership(consortium=consortium, organization=office)
    elif not membership.can_move_to(MS.INVITED):
        raise DomainError(_("That office is already a member or has a pending invitation or application."))
    membership.status = MS.INVITED
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
            title=_("Your office is invited to join the consortium %(name)s") % {"name": consortium},
            url=_url(consortium),
        )
    return membership


def _join(membership: Membership, actor: Any, consortium: Consortium) -> None:
    membership.status = MS.JOINED
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
def membership_answer(*, membership_id: int, actor: Any, accept: bool, fte: int = 0) -> Membership:
    """The invited office joins (voluntarily) or declines."""
    consortium = _lock(Membership.objects.get(pk=membership_id).consortium_id)
    membership = Membership.objects.select_for_update().get(pk=membership_id)
    if not permissions.can_answer_invitation(actor, consortium, membership):
        if membership.status != MS.INVITED or not consortium.is_open_for_members:
            raise InvalidTransition(membership, _("answered"))
        raise PermissionDenied(_("Only the invited office answers its invitation."))
    if accept:
        membership.fte = max(int(fte or 0), 0)
        _join(membership, actor, consortium)
    else:
        membership.status = MS.DECLINED
        membership.save(update_fields=["status", "updated_at"])
        audit.record(
            actor=actor,
            target=consortium,
            verb="procurement.consortium_membership.declined",
            data={"office": membership.organization_id},
        )
    return membership


@transaction.atomic
def membership_decide(*, membership_id: int, actor: Any, accept: bool) -> Membership:
    """The founding office admits or turns down an application."""
    consortium = _lock(Membership.objects.get(pk=membership_id).consortium_id)
    membership = Membership.objects.select_for_update().get(pk=membership_id)
    if not permissions.can_decide_applications(actor, consortium, _founder_membership(consortium)):
        raise PermissionDenied(_("The founding office decides on applications."))
    if membership.status != MS.APPLIED:
        raise InvalidTransition(membership, MS.JOINED.label if accept else MS.DECLINED.label)
    if accept:
        _join(membership, actor, consortium)
    else:
        membership.status = MS.DECLINED
        membership.save(update_fields=["status", "updated_at"])
        audit.record(
            actor=actor,
            target=consortium,
            verb="procurement.consortium_membership.refused",
            data={"office": membership.organization_id},
        )
    return membership


@transaction.atomic
def membership_leave(*, membership_id: int, actor: Any) -> Membership:
    """Leave before contracts are issued; a commitment goes with it (the tier follows at issue).
    The elected negotiator's office stays: the consortium would be left without its negotiator."""
    consortium = _lock(Membership.objects.get(pk=membership_id).consortium_id)
    membership = Membership.objects.select_for_update().get(pk=membership_id)
    if not permissions.acts_for(actor, membership):
        raise PermissionDenied(_("Only the office itself decides to leave."))
    if not consortium.is_open_for_members or not membership.can_move_to(MS.LEFT):
        raise InvalidTransition(membership, MS.LEFT.label)
    negotiator_office = staff_profile(consortium.negotiator) if consortium.negotiator_id else None
    if negotiator_office is not None and negotiator_office.organization_id == membership.organization_id:
        raise DomainError(_("The office of the elected negotiator cannot leave during the negotiation."))
    if consortium.founder_id == membership.organization_id and consortium.status == CS.FORMING:
        raise DomainError(_("The founding office cannot leave while the consortium is forming; cancel it instead."))
    membership.status = MS.LEFT
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
def membership_set_representative(*, membership_id: int, actor: Any, representative_id: int) -> Membership:
    membership = Membership.objects.select_for_update().get(pk=membership_id)
    if not permissions.can_set_representative(actor, membership):
        raise PermissionDenied(_("The office's leadership designates its representative."))
    representative = _staff_of(representative_id, membership.organization_id)
    membership.representative = representative
    membership.save(update_fields=["representative", "updated_at"])
    audit.record(
        actor=actor,
        target=membership.consortium,
        verb="procurement.consortium_membership.representative_set",
        data={"office": membership.organization_id, "representative": representative.pk},
    )
    return membership


@transaction.atomic
def consortium_cancel(*, consortium_id: int, actor: Any, reason: str) -> Consortium:
    """The founding office calls it off before contracts are issued."""
    consortium = _lock(consortium_id)
    if not permissions.is_founder_agent(actor, consortium, _founder_membership(consortium)):
        raise PermissionDenied(_("The founding office cancels the consortium."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give a reason for the cancellation."))
    _move(consortium, CS.CANCELLED)
    consortium.save(update_fields=["status", "updated_at"])
    audit.record(actor=actor, target=consortium, verb="procurement.consortium.cancelled", data={"reason": reason})
    _notify_members(
        consortium,
        verb="procurement.consortium.cancelled",
        exclude=actor.pk,
        title=_("The consortium %(name)s was cancelled") % {"name": consortium},
    )
    return consortium


# --- election --------------------------------------------------------------------------------


@transaction.atomic
def election_open(*, consortium_id: int, actor: Any, deadline: datetime.datetime) -> Election:
    """The founding office closes the forming phase and opens the election of the negotiator."""
    consortium = _lock(consortium_id)
    if not permissions.is_founder_agent(actor, consortium, _founder_membership(consortium)):
        raise PermissionDenied(_("The founding office opens the election."))
    _move(consortium, CS.ELECTING)
    if Membership.objects.filter(consortium=consortium, status=MS.JOINED).count() < 2:
        raise DomainError(_("A consortium needs at least two member offices before it elects a negotiator."))
    if deadline <= timezone.now():
        raise DomainError(_("The voting deadline must lie in the future."))
    consortium.save(update_fields=["status", "updated_at"])
    election = Election.objects.create(consortium=consortium, deadline=deadline, opened_by=actor)
    audit.record(
        actor=actor, target=consortium, verb="procurement.election.opened", data={"deadline": deadline.isoformat()}
    )
    _notify_members(
        consortium,
        verb="procurement.election.opened",
        exclude=actor.pk,
        email=True,
        title=_("Elect the negotiator of %(name)s by %(deadline)s")
        % {"name": consortium, "deadline": timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M")},
    )
    return election


def _lock_election(election_id: int) -> tuple[Consortium, Election]:
    consortium = _lock(Election.objects.get(pk=election_id).consortium_id)
    return consortium, Election.objects.select_for_update().get(pk=election_id)


@transaction.atomic
def nomination_add(*, election_id: int, actor: Any, candidate_id: int, statement: str = "") -> Nomination:
    """A member office nominates a staff member of any member office (itself included)."""
    consortium, election = _lock_election(election_id)
    own = _own(consortium, actor)
    if not permissions.can_nominate(actor, election, own):
        if not election.is_open or timezone.now() >= election.deadline:
            raise DomainError(_("The election is closed."))
        raise PermissionDenied(_("Only a member office nominates candidates."))
    candidate = get_user_model().objects.filter(pk=candidate_id, is_active=True).first()
    profile = staff_profile(candidate) if candidate else None
    membership = _membership_of(consortium, profile.organization_id if profile else None)
    if membership is None or not membership.is_member:
        raise DomainError(_("Candidates are staff of a member office."))
    try:
        with transaction.atomic():
            nomination = Nomination.objects.create(
                election=election,
                candidate=candidate,
                membership=membership,
                nominated_by=actor,
                statement=(statement or "").strip(),
            )
    except IntegrityError:
        raise DomainError(_("This person is already nominated.")) from None
    audit.record(
        actor=actor,
        target=consortium,
        verb="procurement.election.nominated",
        data={"candidate": candidate.pk, "nomination": nomination.pk},
    )
    return nomination


@transaction.atomic
def vote_cast(*, election_id: int, actor: Any, nomination_id: int) -> Vote:
    """The office's representative casts (or changes, while the election is open) its one vote."""
    consortium, election = _lock_election(election_id)
    own = _own(consortium, actor)
    if not permissions.can_vote(actor, election, own):
        if not election.is_open or timezone.now() >= election.deadline:
            raise DomainError(_("The election is closed: votes can no longer be cast or changed."))
        raise PermissionDenied(_("Only the office's representative votes for it."))
    nomination = Nomination.objects.filter(pk=nomination_id, election=election).first()
    if nomination is None:
        raise DomainError(_("Choose one of the candidates."))
    vote, created = Vote.objects.update_or_create(
        election=election, membership=own, defaults={"nomination": nomination, "cast_by": actor}
    )
    audit.record(
        actor=actor,
        target=consortium,
        verb="procurement.election.voted" if created else "procurement.election.vote_changed",
        data={"office": own.organization_id, "nomination": nomination.pk},
    )
    return vote


def tally(election: Election) -> tuple[list[dict[str, Any]], Nomination | None, bool]:
    """Votes per candidate, counting only offices that are still members and candidates whose
    office still is; the winner has most votes, a tie goes to the candidate nominated first."""
    nominations = list(
        election.nominations.filter(membership__status=MS.JOINED).select_related(
            "candidate", "membership__organization"
        )
    )
    counts = {n.pk: 0 for n in nominations}
    for nomination_id in election.votes.filter(membership__status=MS.JOINED).values_list("nomination_id", flat=True):
        if nomination_id in counts:
            counts[nomination_id] += 1
    rows = [
        {
            "nomination": n.pk,
            "candidate": selectors.name_of(n.candidate),
            "office": str(n.membership.organization),
            "votes": counts[n.pk],
        }
        for n in nominations
    ]
    if not nominations:
        return rows, None, False
    best = max(counts.values())
    leaders = [n for n in nominations if counts[n.pk] == best]  # already in nomination order
    return rows, leaders[0], len(leaders) > 1


@transaction.atomic
def election_close(*, election_id: int, actor: Any, negotiation_days: int = DEFAULT_NEGOTIATION_DAYS) -> Election:
    """Tally and publish the result; the winner becomes the negotiator and negotiation opens.
    Allowed after the deadline, or earlier once every member office has voted. Afterwards
    nothing about the election changes."""
    consortium, election = _lock_election(election_id)
    if not election.is_open:
        raise DomainError(_("The election is already closed."))
    if actor is not None and not permissions.can_close_election(actor, election, _own(consortium, actor)):
        raise PermissionDenied(_("Only a member office closes the election."))
    members = Membership.objects.filter(consortium=consortium, status=MS.JOINED).count()
    voted = election.votes.filter(membership__status=MS.JOINED).count()
    if timezone.now() < election.deadline and voted < members:
        raise DomainError(_("The election closes at its deadline, or earlier once every member office has voted."))
    rows, winner, tie = tally(election)
    if winner is None:
        raise DomainError(_("Nobody has been nominated yet."))
    _move(consortium, CS.NEGOTIATING)
    election.status = Election.Status.CLOSED
    election.closed_at = timezone.now()
    election.result, election.winner, election.tie_broken = rows, winner, tie
    election.save(update_fields=["status", "closed_at", "result", "winner", "tie_broken", "updated_at"])
    consortium.negotiator_id = winner.candidate_id
    consortium.negotiation_deadline = timezone.now() + datetime.timedelta(days=negotiation_days)
    consortium.save(update_fields=["status", "negotiator", "negotiation_deadline", "updated_at"])
    audit.record(
        actor=actor,
        target=consortium,
        verb="procurement.election.closed",
        data={"result": rows, "winner": winner.candidate_id, "tie_broken": tie},
    )
    _notify_members(
        consortium,
        verb="procurement.election.closed",
        email=True,
        title=_("%(name)s: %(winner)s was elected negotiator")
        % {"name": consortium, "winner": selectors.name_of(winner.candidate)},
    )
    _notify_provider(
        consortium,
        verb="procurement.negotiation.opened",
        title=_("%(name)s: the consortium invites your offer") % {"name": consortium},
        url=reverse("procurement:negotiation_room", kwargs={"pk": consortium.pk}),
    )
    return election


# --- negotiation -----------------------------------------------------------------------------


def _clean_tiers(tiers: list[tuple[int, int]]) -> list[tuple[int, int]]:
    cleaned: dict[int, int] = {}
    for minimum, price in tiers:
        if not isinstance(minimum, int) or not isinstance(price, int) or minimum < 1:
            raise DomainError(_("Each tier needs a minimum of at least 1 and a price."))
        if not 0 < price <= MAX_PRICE_MINOR:
            raise DomainError(_("Enter sensible tier prices."))
        if minimum in cleaned:
            raise DomainError(_("Two tiers start at the same quantity."))
        cleaned[minimum] = price
    if not cleaned or len(cleaned) > MAX_TIERS:
        raise DomainError(_("Give between 1 and %(n)s price tiers.") % {"n": MAX_TIERS})
    return sorted(cleaned.items())


@transaction.atomic
def offer_post(
    *,
    consortium_id: int,
    actor: Any,
    tiers: list[tuple[int, int]],
    term_months: int,
    concurrent_users: int,
    basis: str = Offer.Basis.MEMBERS,
    sites: str = "",
    ill_allowed: bool = False,
    archival_rights: bool = False,
    perpetual_access: bool = False,
    renewal_cap_percent: int | None = None,
    message: str = "",
    on_behalf_of_provider: bool = False,
) -> Offer:
    """Post an offer (provider) or counter-offer (negotiator) before the negotiation deadline.
    The negotiator may record a provider's offer received another way (`on_behalf_of_provider`)."""
    consortium = _lock(consortium_id)
    if not permissions.can_post_offer(actor, consortium):
        if consortium.status != CS.NEGOTIATING or not permissions.negotiation_open(consortium):
            raise DomainError(_("The negotiation is not open."))
        raise PermissionDenied(_("Only the provider and the elected negotiator post offers."))
    is_provider = permissions.is_provider_of(actor, consortium) and not permissions.is_negotiator(actor, consortium)
    side = Offer.Side.PROVIDER if is_provider or on_behalf_of_provider else Offer.Side.CONSORTIUM
    if basis not in Offer.Basis.values:
        raise DomainError(_("Choose how tiers are counted."))
    if not 1 <= int(term_months) <= 120 or int(concurrent_users) < 1:
        raise DomainError(_("Enter a term of 1 to 120 months and at least one concurrent user."))
    if renewal_cap_percent is not None and not 0 <= renewal_cap_percent <= 100:
        raise DomainError(_("The renewal cap lies between 0 and 100 percent."))
    cleaned = _clean_tiers(tiers)
    number = (Offer.objects.filter(consortium=consortium).aggregate(n=Max("number"))["n"] or 0) + 1
    offer = Offer.objects.create(
        consortium=consortium,
        number=number,
        side=side,
        posted_by=actor,
        recorded_for_provider=side == Offer.Side.PROVIDER and not is_provider,
        basis=basis,
        term_months=int(term_months),
        concurrent_users=int(concurrent_users),
        sites=(sites or "").strip()[:300],
        ill_allowed=bool(ill_allowed),
        archival_rights=bool(archival_rights),
        perpetual_access=bool(perpetual_access),
        renewal_cap_percent=renewal_cap_percent,
        message=(message or "").strip(),
    )
    OfferTier.objects.bulk_create(
        [OfferTier(offer=offer, min_quantity=minimum, price_minor=price) for minimum, price in cleaned]
    )
    audit.record(
        actor=actor,
        target=consortium,
        verb="procurement.offer.posted",
        data={"offer": offer.pk, "number": number, "side": side, "tiers": cleaned},
    )
    _notify_members(
        consortium,
        verb="procurement.offer.posted",
        exclude=actor.pk,
        title=_("%(name)s: new offer no. %(number)s") % {"name": consortium, "number": number},
    )
    return offer


@transaction.atomic
def negotiation_deadline_set(*, consortium_id: int, actor: Any, deadline: datetime.datetime) -> Consortium:
    consortium = _lock(consortium_id)
    if not permissions.can_set_deadline(actor, consortium):
        if consortium.status != CS.NEGOTIATING:
            raise DomainError(_("The negotiation is not open."))
        raise PermissionDenied(_("Only the elected negotiator sets the negotiation deadline."))
    if deadline <= timezone.now():
        raise DomainError(_("The deadline must lie in the future."))
    consortium.negotiation_deadline = deadline
    consortium.save(update_fields=["negotiation_deadline", "updated_at"])
    audit.record(
        actor=actor,
        target=consortium,
        verb="procurement.consortium.deadline_set",
        data={"deadline": deadline.isoformat()},
    )
    return consortium


@transaction.atomic
def offer_accept(*, offer_id: int, actor: Any) -> Consortium:
    """The elected negotiator accepts the provider's latest offer: the consortium agrees, and
    member offices commit at these terms."""
    consortium = _lock(Offer.objects.get(pk=offer_id).consortium_id)
    offer = Offer.objects.get(pk=offer_id)
    if not permissions.can_accept(actor, consortium):
        if not permissions.is_negotiator(actor, consortium):
            raise PermissionDenied(_("Only the elected negotiator accepts an offer."))
        raise InvalidTransition(consortium, CS.AGREED.label)
    latest = Offer.objects.filter(consortium=consortium).order_by("-number").first()
    if offer.side != Offer.Side.PROVIDER or latest is None or latest.pk != offer.pk:
        raise DomainError(_("Only the provider's latest offer can be accepted (a counter-offer came after it)."))
    _move(consortium, CS.AGREED)
    consortium.accepted_offer = offer
    consortium.agreed_at = timezone.now()
    consortium.save(update_fields=["status", "accepted_offer", "agreed_at", "updated_at"])
    audit.record(
        actor=actor,
        target=consortium,
        verb="procurement.offer.accepted",
        data={"offer": offer.pk, "number": offer.number},
    )
    _notify_members(
        consortium,
        verb="procurement.offer.accepted",
        email=True,
        title=_("%(name)s: terms agreed, commit your office") % {"name": consortium},
    )
    return consortium


# --- commitments and contracts ---------------------------------------------------------------


@transaction.atomic
def commitment_set(*, membership_id: int, actor: Any, committed: bool) -> Membership:
    """A member commits to (or withdraws from) buying at the agreed terms. The tier follows the
    commitments when contracts are issued; until then both are free."""
    consortium = _lock(Membership.objects.get(pk=membership_id).consortium_id)
    membership = Membership.objects.select_for_update().get(pk=membership_id)
    if not permissions.can_commit(actor, consortium, membership):
        if consortium.status != CS.AGREED or not membership.is_member:
            raise DomainError(_("Commitments are open only between agreement and the issue of contracts."))
        raise PermissionDenied(_("Only the office itself commits."))
    if committed == bool(membership.committed_at):
        return membership
    membership.committed_at = timezone.now() if committed else None
    membership.save(update_fields=["committed_at", "updated_at"])
    audit.record(
        actor=actor,
        target=consortium,
        verb="procurement.consortium_membership.committed"
        if committed
        else "procurement.consortium_membership.withdrawn",
        data={"office": membership.organization_id},
    )
    return membership


def committed_quantity(consortium: Consortium, offer: Offer) -> int:
    committed = Membership.objects.filter(consortium=consortium, status=MS.JOINED, committed_at__isnull=False)
    if offer.basis == Offer.Basis.FTE:
        return sum(committed.values_list("fte", flat=True))
    return committed.count()


def price_for(consortium: Consortium, offer: Offer, quantity: int) -> int | None:
    """The tier price for `quantity`, held to the previous round's renewal cap if there is one."""
    price = tier_price(list(offer.tiers.values_list("min_quantity", "price_minor")), quantity)
    previous = consortium.previous
    if price is not None and previous is not None and previous.final_price_minor and previous.accepted_offer_id:
        cap = previous.accepted_offer.renewal_cap_percent
        if cap is not None:
            price = min(price, previous.final_price_minor * (100 + cap) // 100)
    return price


@transaction.atomic
def contracts_issue(*, consortium_id: int, actor: Any, starts_on: datetime.date | None = None) -> list[Contract]:
    """Recompute the tier from the commitments as they stand now (under the consortium lock, so
    no commitment or withdrawal slips in between), fix it, and issue one contract per committed
    member at that price. From here on nobody joins, leaves or withdraws."""
    from procurement.consortia.pdf import contract_pdf

    consortium = _lock(consortium_id)
    if not permissions.can_issue_contracts(actor, consortium):
        if not permissions.is_negotiator(actor, consortium):
            raise PermissionDenied(_("Only the elected negotiator issues the contracts."))
        raise InvalidTransition(consortium, CS.CONTRACTING.label)
    offer = consortium.accepted_offer
    members = list(
        Membership.objects.select_for_update()
        .filter(consortium=consortium, status=MS.JOINED, committed_at__isnull=False)
        .select_related("organization")
        .order_by("pk")
    )
    if not members:
        raise DomainError(_("No member office has committed yet."))
    quantity = committed_quantity(consortium, offer)
    price = price_for(consortium, offer, quantity)
    if price is None:
        raise DomainError(_("The commitments (%(n)s) do not reach the offer's lowest tier.") % {"n": quantity})
    _move(consortium, CS.CONTRACTING)
    starts_on = starts_on or timezone.localdate()
    ends_on = _add_months(starts_on, offer.term_months) - datetime.timedelta(days=1)
    consortium.final_quantity, consortium.final_price_minor = quantity, price
    consortium.contracts_issued_at = timezone.now()
    consortium.save(
        update_fields=["status", "final_quantity", "final_price_minor", "contracts_issued_at", "updated_at"]
    )
    contracts = []
    for membership in members:
        contract = Contract(
            consortium=consortium,
            membership=membership,
            organization=membership.organization,
            number=f"CC-{consortium.pk}-{membership.organization.code}"[:40],
            price_minor=price,
            currency=consortium.currency,
            starts_on=starts_on,
            ends_on=ends_on,
        )
        contract.pdf = contract_pdf(contract, consortium=consortium, offer=offer, members=len(members))
        contract.pdf_sha256 = hashlib.sha256(contract.pdf).hexdigest()
        contract.save()
        contracts.append(contract)
        if membership.representative_id:
            notify(
                recipient_id=membership.representative_id,
                verb="procurement.contract.issued",
                title=_("%(name)s: your contract %(number)s is ready to sign")
                % {"name": consortium, "number": contract.number},
                url=reverse("procurement:contract_detail", kwargs={"pk": contract.pk}),
            )
    audit.record(
        actor=actor,
        target=consortium,
        verb="procurement.consortium.contracts_issued",
        data={"quantity": quantity, "price_minor": price, "contracts": [c.pk for c in contracts]},
    )
    _notify_provider(
        consortium,
        verb="procurement.contract.issued",
        title=_("%(name)s: %(n)s contracts are ready for your signature") % {"name": consortium, "n": len(contracts)},
        url=_url(consortium),
    )
    return contracts


def _check_hash(contract: Contract, seen_sha256: str) -> None:
    if hashlib.sha256(bytes(contract.pdf)).hexdigest() != contract.pdf_sha256 or seen_sha256 != contract.pdf_sha256:
        raise DomainError(_("The contract you read is not the one on file; reload the page and read it again."))


def _complete_signatures(contract: Contract) -> None:
    if contract.member_signed_at and contract.provider_signed_at:
        contract.status = Contract.Status.SIGNED


@transaction.atomic
def contract_sign(*, contract_id: int, actor: Any, signed_name: str, seen_sha256: str, as_provider: bool) -> Contract:
    """Sign for the member office or for the provider: the typed name, the time and the SHA-256
    of the PDF bytes signed are recorded. `seen_sha256` is the hash the signer was shown."""
    consortium = _lock(Contract.objects.get(pk=contract_id).consortium_id)
    contract = Contract.objects.select_for_update().select_related("membership").get(pk=contract_id)
    allowed = (
        permissions.can_sign_as_provider(actor, contract, consortium)
        if as_provider
        else permissions.can_sign_as_member(actor, contract, contract.membership)
    )
    if not allowed:
        if contract.status != Contract.Status.ISSUED or (
            contract.provider_signed_at if as_provider else contract.member_signed_at
        ):
            raise DomainError(_("This contract has already been signed for that side."))
        raise PermissionDenied(_("You cannot sign this contract for that side."))
    signed_name = (signed_name or "").strip()
    if not signed_name:
        raise DomainError(_("Type your full name to sign."))
    _check_hash(contract, (seen_sha256 or "").strip().lower())
    now = timezone.now()
    if as_provider:
        contract.provider_signed_name, contract.provider_signed_by = signed_name[:200], actor
        contract.provider_signed_at, contract.provider_signed_sha256 = now, contract.pdf_sha256
    else:
        contract.member_signed_name, contract.member_signed_by = signed_name[:200], actor
        contract.member_signed_at, contract.member_signed_sha256 = now, contract.pdf_sha256
    _complete_signatures(contract)
    contract.save()
    audit.record(
        actor=actor,
        target=contract,
        verb="procurement.contract.provider_signed" if as_provider else "procurement.contract.member_signed",
        data={"name": signed_name[:200], "sha256": contract.pdf_sha256},
    )
    return contract


def contract_pay(*, contract_id: int, actor: Any) -> Any:
    """The member office pays the provider for its own contract (the provider is the payee).
    A second click, another tab or a retry gets the same payment: one live payment per contract."""
    from payments.actions import payment_create

    contract = Contract.objects.select_related("consortium__vendor", "membership", "organization").get(pk=contract_id)
    if not permissions.can_pay(actor, contract, contract.membership):
        if contract.status != Contract.Status.SIGNED:
            raise InvalidTransition(contract, Contract.Status.PAID.label)
        raise PermissionDenied(_("Only the member office's representative or finance staff pay its contract."))
    vendor = contract.consortium.vendor
    return payment_create(
        purpose_type=CONSORTIUM_CONTRACT_PURPOSE,
        purpose_id=contract.pk,
        amount_minor=contract.price_minor,
        currency=contract.currency,
        description=_("Consortium contract %(number)s – %(vendor)s") % {"number": contract.number, "vendor": vendor},
        payer_user=actor,
        payer_organization=contract.organization,
        payee_name=vendor.payee,
        payee_stripe_account="",
    )


def _member_vendor(contract: Contract, provider: Vendor) -> Vendor:
    """The provider as a vendor of the member office (its licences list its own vendors)."""
    if provider.organization_id == contract.organization_id:
        return provider
    vendor, _created = Vendor.objects.get_or_create(
        organization_id=contract.organization_id,
        code=provider.code,
        defaults={
            "name": provider.name,
            "name_zh": provider.name_zh,
            "email": provider.email,
            "website": provider.website,
            "payee_name": provider.payee,
            "payment_terms": provider.payment_terms,
        },
    )
    return vendor


def _licence_terms(offer: Offer, contract: Contract) -> str:
    yes, no = _("yes"), _("no")
    lines = [
        _("Consortium contract %(number)s") % {"number": contract.number},
        _("Consortium price: %(price)s (list price %(list)s)")
        % {
            "price": format_money(contract.price_minor, contract.currency),
            "list": format_money(contract.consortium.list_price_minor, contract.consortium.currency),
        },
        _("Interlibrary loan: %(v)s") % {"v": yes if offer.ill_allowed else no},
        _("Archival rights: %(v)s") % {"v": yes if offer.archival_rights else no},
        _("Perpetual access: %(v)s") % {"v": yes if offer.perpetual_access else no},
    ]
    if offer.renewal_cap_percent is not None:
        lines.append(_("Renewal price cap: +%(p)s%%") % {"p": offer.renewal_cap_percent})
    return "\n".join(lines)


def contract_lock_for_payment(pk: str) -> Contract | None:
    """The contract and its consortium, locked in this module's order (consortium first)."""
    consortium_id = Contract.objects.filter(pk=pk).values_list("consortium_id", flat=True).first()
    if consortium_id is None:
        return None
    _lock(consortium_id)
    return Contract.objects.select_for_update(of=("self",)).select_related("consortium", "membership").get(pk=pk)


def contract_paid(contract: Contract, payment: Any) -> None:
    """On-paid handler of the "procurement.consortium_contract" payable
    (`procurement.payables`): the contract is paid by this payment and the member's licence
    starts; once every contract is paid the consortium is active. The payments app has checked
    that the contract is signed, not paid, and that the amount is its price; a second or late
    payment is refunded there."""
    consortium = contract.consortium
    offer = consortium.accepted_offer
    licence = Licence.objects.create(
        organization_id=contract.organization_id,
        vendor=_member_vendor(contract, consortium.vendor),
        title=consortium.resource,
        starts_on=contract.starts_on,
        ends_on=contract.ends_on,
        concurrent_users=offer.concurrent_users,
        permitted_sites=offer.sites,
        terms=_licence_terms(offer, contract),
    )
    contract.status = Contract.Status.PAID
    contract.paid_at = payment.succeeded_at or timezone.now()
    contract.payment = payment
    contract.licence = licence
    contract.save(update_fields=["status", "paid_at", "payment", "licence", "updated_at"])
    audit.record(
        actor=None,
        target=contract,
        verb="procurement.contract.paid",
        data={"payment": payment.pk, "licence": licence.pk},
    )
    if not consortium.contracts.exclude(status=Contract.Status.PAID).exists():
        _move(consortium, CS.ACTIVE)
        consortium.activated_at = timezone.now()
        consortium.save(update_fields=["status", "activated_at", "updated_at"])
        audit.record(actor=None, target=consortium, verb="procurement.consortium.activated")
    if contract.membership.representative_id:
        notify(
            recipient_id=contract.membership.representative_id,
            verb="procurement.contract.paid",
            title=_("Contract %(number)s is paid; your licence is active") % {"number": contract.number},
            url=reverse("procurement:licence_detail", kwargs={"pk": licence.pk}),
            send_email=False,
        )


# --- afterwards ------------------------------------------------------------------------------


@transaction.atomic
def consortium_renew(*, consortium_id: int, actor: Any) -> Consortium:
    """Start the next round from this one: same provider, resource and list price; the actor's
    office joins, the other offices that held contracts are invited again (joining stays
    voluntary). Offers in the new round start from the agreed terms, and the renewal price cap
    agreed here holds the new price."""
    old = _lock(consortium_id)
    own = _own(old, actor)
    if not permissions.can_renew(actor, old, own):
        if old.status not in (CS.ACTIVE, CS.EXPIRED):
            raise InvalidTransition(old, _("renewed"))
        raise PermissionDenied(_("Only a member office or the negotiator starts the renewal."))
    if Consortium.objects.filter(previous=old).exists():
        raise DomainError(_("The renewal round has already been started."))
    profile = staff_profile(actor)
    new = Consortium.objects.create(
        name=old.name,
        resource=old.resource,
        description=old.description,
        vendor=old.vendor,
        founder_id=profile.organization_id,
        list_price_minor=old.list_price_minor,
        currency=old.currency,
        previous=old,
    )
    for membership in old.memberships.filter(contract__isnull=False).order_by("pk"):
        mine = membership.organization_id == profile.organization_id
        Membership.objects.create(
            consortium=new,
            organization_id=membership.organization_id,
            status=MS.JOINED if mine else MS.INVITED,
            representative=actor if mine else membership.representative,
            requested_by=actor,
            joined_at=timezone.now() if mine else None,
            fte=membership.fte,
        )
    if not Membership.objects.filter(consortium=new, organization_id=profile.organization_id).exists():
        Membership.objects.create(
            consortium=new,
            organization_id=profile.organization_id,
            status=MS.JOINED,
            representative=actor,
            requested_by=actor,
            joined_at=timezone.now(),
        )
    audit.record(actor=actor, target=new, verb="procurement.consortium.renewal_started", data={"previous": old.pk})
    _notify_members(
        new,
        verb="procurement.consortium.renewal_started",
        exclude=actor.pk,
        title=_("Renewal of %(name)s has started") % {"name": old},
    )
    for invited in new.memberships.filter(status=MS.INVITED, representative__isnull=False):
        notify(
            recipient_id=invited.representative_id,
            verb="procurement.consortium.renewal_started",
            title=_("Renewal of %(name)s: your office is invited") % {"name": old},
            url=_url(new),
        )
    return new


# --- beat: deadlines and the end of the term --------------------------------------------------
# Each step below runs in its own transaction under the consortium's row lock and re-checks the
# state there, so a sweep that runs twice (or races a member's click) changes nothing the second
# time. They are called by `consortia_sweep`, the beat task's body (procurement/consortia/tasks.py).


@transaction.atomic
def election_deadline_passed(*, election_id: int) -> str:
    """Tally an open election whose deadline has passed (tie rule as in `tally`). With nobody
    nominated nobody can be elected, and nominating is over: the consortium is cancelled.
    Returns "closed", "cancelled" or "" (nothing to do)."""
    consortium, election = _lock_election(election_id)
    if not election.is_open or consortium.status != CS.ELECTING or timezone.now() < election.deadline:
        return ""
    _rows, winner, _tie = tally(election)
    if winner is not None:
        election_close(election_id=election.pk, actor=None)
        return "closed"
    _move(consortium, CS.CANCELLED)
    consortium.save(update_fields=["status", "updated_at"])
    election.status = Election.Status.CLOSED
    election.closed_at = timezone.now()
    election.result = []
    election.save(update_fields=["status", "closed_at", "result", "updated_at"])
    audit.record(
        actor=None,
        target=consortium,
        verb="procurement.election.failed",
        data={"deadline": election.deadline.isoformat(), "reason": "no candidates"},
    )
    _notify_members(
        consortium,
        verb="procurement.election.failed",
        email=True,
        title=_("%(name)s: nobody was nominated by the deadline; the consortium is cancelled") % {"name": consortium},
    )
    return "cancelled"


@transaction.atomic
def negotiation_deadline_passed(*, consortium_id: int) -> bool:
    """A negotiation whose deadline passed without an accepted offer lapses: no more offers,
    nothing to accept. (An accepted offer moved the consortium to "agreed" already.)"""
    consortium = _lock(consortium_id)
    deadline = consortium.negotiation_deadline
    if consortium.status != CS.NEGOTIATING or deadline is None or timezone.now() < deadline:
        return False
    _move(consortium, CS.LAPSED)
    consortium.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=None,
        target=consortium,
        verb="procurement.negotiation.lapsed",
        data={"deadline": deadline.isoformat(), "offers": consortium.offers.count()},
    )
    title = _("%(name)s: the negotiation lapsed without agreement by its deadline") % {"name": consortium}
    _notify_members(consortium, verb="procurement.negotiation.lapsed", email=True, title=title)
    _notify_provider(
        consortium,
        verb="procurement.negotiation.lapsed",
        title=title,
        url=reverse("procurement:negotiation_room", kwargs={"pk": consortium.pk}),
    )
    return True


@transaction.atomic
def consortium_term_ended(*, consortium_id: int) -> int:
    """Expire the contracts whose term has ended (paid or not: an unpaid one can no longer be
    paid) and the members' licences from them; once every contract has expired, so has the
    consortium (a renewal round may follow). Returns the number of contracts expired."""
    consortium = _lock(consortium_id)
    if consortium.status not in (CS.CONTRACTING, CS.ACTIVE):
        return 0
    today = timezone.localdate()
    contracts = list(
        Contract.objects.select_for_update()
        .filter(consortium=consortium)
        .exclude(status=Contract.Status.EXPIRED)
        .select_related("membership")
        .order_by("pk")
    )
    ended = [c for c in contracts if c.ends_on < today]
    for contract in ended:
        contract.status = Contract.Status.EXPIRED
        contract.save(update_fields=["status", "updated_at"])
        audit.record(
            actor=None, target=contract, verb="procurement.contract.expired", data={"ends_on": str(contract.ends_on)}
        )
        if contract.licence_id:
            licence = Licence.objects.select_for_update().get(pk=contract.licence_id)
            if licence.status == Licence.Status.ACTIVE and licence.ends_on < today:
                licence.status = Licence.Status.EXPIRED
                licence.save(update_fields=["status", "updated_at"])
                audit.record(actor=None, target=licence, verb="procurement.licence.expired")
        if contract.membership.representative_id:
            notify(
                recipient_id=contract.membership.representative_id,
                verb="procurement.contract.expired",
                title=_("Contract %(number)s has ended on %(date)s")
                % {"number": contract.number, "date": contract.ends_on},
                url=reverse("procurement:contract_detail", kwargs={"pk": contract.pk}),
                send_email=False,
            )
    if ended and len(ended) == len(contracts):
        _move(consortium, CS.EXPIRED)
        consortium.save(update_fields=["status", "updated_at"])
        audit.record(actor=None, target=consortium, verb="procurement.consortium.expired", data={"on": str(today)})
        _notify_members(
            consortium,
            verb="procurement.consortium.expired",
            email=True,
            title=_("%(name)s has expired: start the renewal round if your office wants to continue")
            % {"name": consortium},
        )
    return len(ended)


def consortia_sweep() -> dict[str, int]:
    """Beat: close elections, lapse negotiations and expire contracts whose time has come. One
    transaction per consortium; a failure is logged and the others still run."""
    counts = {"elections_closed": 0, "consortia_cancelled": 0, "negotiations_lapsed": 0, "contracts_expired": 0}
    now, today = timezone.now(), timezone.localdate()
    steps: list[tuple[str, Any, list[int]]] = [
        (
            "election",
            lambda pk: election_deadline_passed(election_id=pk),
            list(
                Election.objects.filter(
                    status=Election.Status.OPEN, deadline__lte=now, consortium__status=CS.ELECTING
                ).values_list("pk", flat=True)
            ),
        ),
        (
            "negotiation",
            lambda pk: negotiation_deadline_passed(consortium_id=pk),
            list(
                Consortium.objects.filter(status=CS.NEGOTIATING, negotiation_deadline__lte=now).values_list(
                    "pk", flat=True
                )
            ),
        ),
        (
            "term",
            lambda pk: consortium_term_ended(consortium_id=pk),
            list(
                Consortium.objects.filter(status__in=[CS.CONTRACTING, CS.ACTIVE], contracts__ends_on__lt=today)
                .distinct()
                .values_list("pk", flat=True)
            ),
        ),
    ]
    for kind, step, ids in steps:
        for pk in ids:
            try:
                result = step(pk)
            except Exception:  # one broken consortium must not stop the sweep for the others
                logger.exception("Consortium sweep: %s step failed for %s", kind, pk)
                continue
            if kind == "election":
                if result == "closed":
                    counts["elections_closed"] += 1
                elif result == "cancelled":
                    counts["consortia_cancelled"] += 1
            elif kind == "negotiation":
                counts["negotiations_lapsed"] += int(result)
            else:
                counts["contracts_expired"] += result
    return counts
