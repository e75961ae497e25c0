"""Reads for consortium pages."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from office.access import staff_profile
from procurement.consortia.models import Consortium, Membership, Offer, tier_price


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
