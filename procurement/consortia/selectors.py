"""Reads for consortium pages."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from office.access import staff_profile
from office.models import Organization
from procurement.consortia.models import Consortium, Contract, Membership, Offer, tier_price


def name_of(user: Any) -> str:
    """How a person is shown: the staff display name, else the account's full name or username."""
    profile = staff_profile(user)
    return (profile.display_name if profile else "") or user.get_full_name() or user.get_username()


def own_membership(consortium: Consortium, user: Any) -> Membership | None:
    profile = staff_profile(user)
    if profile is None:
        return None
    return Membership.objects.filter(consortium=consortium, organization_id=profile.organization_id).first()


def founder_membership(consortium: Consortium) -> Membership | None:
    return Membership.objects.filter(consortium=consortium, organization_id=consortium.founder_id).first()


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
    committed = Membership.objects.filter(
        consortium=consortium, status=Membership.Status.JOINED, committed_at__isnull=False
    )
    quantity = sum(committed.values_list("fte", flat=True)) if offer.basis == Offer.Basis.FTE else committed.count()
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
    from procurement.consortia import permissions

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
    from procurement.consortia import permissions

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
    from payments.models import Payment
    from procurement.consortia.actions import CONSORTIUM_CONTRACT_PURPOSE

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
