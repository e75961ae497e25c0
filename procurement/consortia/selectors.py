"""Reads for consortium pages."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from office.access import staff_profile
from office.models import Organization
from payments.models import Payment
from procurement.consortia import permissions
from procurement.consortia.models import (
    Consortium,
    Contract,
    Election,
    Membership,
    Nomination,
    Offer,
    ProviderRepresentative,
    tier_price,
)


def name_of(user: Any) -> str:
    """How a person is shown: the staff display name, else the account's full name or username."""
    profile = staff_profile(user)
    return (profile.display_name if profile else "") or user.get_full_name() or user.get_username()


def membership_of(consortium: Consortium, organization_id: int | None) -> Membership | None:
    """An office's membership of a consortium (whatever its state), or None."""
    if organization_id is None:
        return None
    return Membership.objects.filter(consortium=consortium, organization_id=organization_id).first()


def own_membership(consortium: Consortium, user: Any) -> Membership | None:
    profile = staff_profile(user)
    return membership_of(consortium, profile.organization_id if profile else None)


def founder_membership(consortium: Consortium) -> Membership | None:
    return membership_of(consortium, consortium.founder_id)


def member_representative_ids(consortium: Consortium) -> set[int]:
    """Users who hear about a consortium's news: the member offices' representatives."""
    return set(
        Membership.objects.filter(
            consortium=consortium, status=Membership.Status.JOINED, representative__isnull=False
        ).values_list("representative_id", flat=True)
    )


def provider_representative_ids(consortium: Consortium) -> set[int]:
    """The provider's active representatives (their own accounts), who hear what they must act on."""
    return set(
        ProviderRepresentative.objects.filter(
            vendor_id=consortium.vendor_id, is_active=True, user__is_active=True
        ).values_list("user_id", flat=True)
    )


def election_tally(election: Election) -> tuple[list[dict[str, Any]], Nomination | None, bool]:
    """Votes per candidate, counting only offices that are still members and candidates whose
    office still is; the winner has most votes, a tie goes to the candidate nominated first.
    Returns (rows, winner, whether a tie was broken)."""
    nominations = list(
        election.nominations.filter(membership__status=Membership.Status.JOINED).select_related(
            "candidate", "membership__organization"
        )
    )
    counts = {n.pk: 0 for n in nominations}
    for nomination_id in election.votes.filter(membership__status=Membership.Status.JOINED).values_list(
        "nomination_id", flat=True
    ):
        if nomination_id in counts:
            counts[nomination_id] += 1
    rows = [
        {
            "nomination": n.pk,
            "candidate": name_of(n.candidate),
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


def committed_quantity(consortium: Consortium, offer: Offer) -> int:
    """What the tiers count now: committed member offices, or their FTE."""
    committed = Membership.objects.filter(
        consortium=consortium, status=Membership.Status.JOINED, committed_at__isnull=False
    )
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


def staff_member_by_email(organization: Any, email: str) -> Any:
    """The staff member of `organization` with this e-mail address, or None."""
    return get_user_model().objects.filter(email__iexact=email, staff_profile__organization=organization).first()


def offers_with_tiers(consortium: Consortium) -> list[Offer]:
    return list(consortium.offers.select_related("posted_by").prefetch_related("tiers").order_by("number"))


def nomination_candidates(consortium: Consortium, user: Any) -> QuerySet:
    """Who a member may nominate: the member offices' representatives and its own office's staff
    (other offices' staff lists stay private)."""
    profile = staff_profile(user)
    reps = Membership.objects.filter(consortium=consortium, status=Membership.Status.JOINED).values_list(
        "representative_id", flat=True
    )
    users = get_user_model().objects.filter(is_active=True, staff_profile__isnull=False)
    own = profile.organization_id if profile else None
    return users.filter(pk__in=[r for r in reps if r]) | users.filter(staff_profile__organization_id=own)


def current_price(consortium: Consortium, offer: Offer | None) -> tuple[int, int | None]:
    """What the tier would be if contracts were issued now: (quantity, price per member)."""
    if offer is None:
        return 0, None
    quantity = committed_quantity(consortium, offer)
    return quantity, tier_price(list(offer.tiers.values_list("min_quantity", "price_minor")), quantity)


def savings_row(consortium: Consortium) -> dict[str, Any]:
    """Per-office price and savings against the list price: the final price once contracts are
    issued, else the best price the latest offer gives for the current members."""
    members = Membership.objects.filter(consortium=consortium, status=Membership.Status.JOINED).count()
    price = consortium.final_price_minor
    offer = consortium.accepted_offer or consortium.offers.order_by("-number").first()
    if price is None and offer is not None:
        fte = sum(
            Membership.objects.filter(consortium=consortium, status=Membership.Status.JOINED).values_list(
                "fte", flat=True
            )
        )
        quantity = fte if offer.basis == Offer.Basis.FTE else members
        price = tier_price(list(offer.tiers.values_list("min_quantity", "price_minor")), quantity)
    saving = consortium.list_price_minor - price if price is not None else None
    return {
        "consortium": consortium,
        "members": members,
        "price_minor": price,
        "saving_minor": saving,
        "saving_total_minor": saving * members if saving is not None else None,
    }


def consortium_card(consortium: Consortium, user: Any) -> dict[str, Any]:
    """The directory card of a consortium the user's office is not inside: whether it may apply
    or answer an invitation."""
    own = own_membership(consortium, user)
    return {
        "consortium": consortium,
        "own": own,
        "can_apply": permissions.can_apply(user, consortium, own),
        "can_answer": permissions.can_answer_invitation(user, consortium, own),
    }


def consortium_inside(consortium: Consortium, user: Any) -> dict[str, Any]:
    """What the inside page of a consortium shows `user` (a member office's staff or the
    provider's representative): members, the election, the offer and the price it gives now,
    the contracts the user may see, what the user may do, and whom its forms offer."""
    own = own_membership(consortium, user)
    founder = founder_membership(consortium)
    election = getattr(consortium, "election", None)
    votes = {v.membership_id: v for v in election.votes.all()} if election is not None and own is not None else {}
    offer = consortium.accepted_offer
    quantity, price = current_price(consortium, offer)
    is_provider = permissions.is_provider_of(user, consortium)
    profile = staff_profile(user)
    staff = get_user_model().objects.filter(staff_profile__organization_id=profile.organization_id) if profile else None
    return {
        "consortium": consortium,
        "own": own,
        "is_provider": is_provider,
        # The provider signs every member's contract; a member sees only its own (own_contract).
        "provider_contracts": list(
            Contract.objects.visible_to(user).filter(consortium=consortium).select_related("organization")
        )
        if is_provider
        else [],
        "memberships": list(
            consortium.memberships.select_related("organization", "representative").order_by("joined_at", "pk")
        ),
        "election": election,
        "nominations": list(election.nominations.select_related("candidate", "membership__organization"))
        if election
        else [],
        "own_vote": votes.get(own.pk) if own else None,
        "voted_offices": set(votes),
        "offer": offer,
        "current_quantity": quantity,
        "current_price": price,
        "own_contract": Contract.objects.filter(consortium=consortium, membership=own).first() if own else None,
        "savings": savings_row(consortium),
        "can_invite": permissions.can_invite(user, consortium, own),
        "can_decide": permissions.can_decide_applications(user, consortium, founder),
        "can_leave": permissions.can_leave(user, consortium, own),
        "can_set_representative": permissions.can_set_representative(user, own),
        "can_open_election": permissions.can_open_election(user, consortium, founder),
        "can_cancel": consortium.can_move_to(Consortium.Status.CANCELLED)
        and permissions.is_founder_agent(user, consortium, founder),
        "can_nominate": permissions.can_nominate(user, election, own),
        "can_vote": permissions.can_vote(user, election, own),
        "can_close_election": permissions.can_close_election(user, election, own),
        "can_commit": permissions.can_commit(user, consortium, own),
        "can_issue": permissions.can_issue_contracts(user, consortium),
        "can_renew": permissions.can_renew(user, consortium, own),
        # Whom the page's forms offer: active offices to invite, own-office staff to designate.
        "invitable_offices": Organization.objects.filter(is_active=True),
        "own_staff": staff if staff is not None else get_user_model().objects.none(),
        "candidates": nomination_candidates(consortium, user),
    }


def contract_payment(contract: Contract, user: Any) -> Any:
    """The payment of a contract for the member office's own staff (None for anybody else): the
    one that paid it, not a refunded duplicate, else the one under way."""
    # Imported here: the actions package imports this module (who to notify, the tally).
    from procurement.consortia.actions.contract_payment import CONSORTIUM_CONTRACT_PURPOSE

    profile = staff_profile(user)
    if profile is None or profile.organization_id != contract.organization_id:
        return None
    if contract.payment_id:
        return contract.payment
    return (
        Payment.objects.filter(purpose_type=CONSORTIUM_CONTRACT_PURPOSE, purpose_id=str(contract.pk))
        .exclude(status=Payment.Status.CANCELLED)
        .first()
    )
