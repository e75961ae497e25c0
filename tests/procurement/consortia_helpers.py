"""Building consortia through the real actions, for the consortium tests."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from office.models import Organization
from procurement.consortia import actions
from procurement.consortia.models import Consortium, Membership, Offer
from procurement.models import Vendor

TIERS = [(1, 1_000_000), (2, 900_000), (3, 750_000)]
LIST_PRICE = 1_000_000


def vendor() -> Vendor:
    return Vendor.objects.get(code="sim-api", organization__is_home=True)


def office(code: str) -> Organization:
    return Organization.objects.get(code=code)


def membership(consortium: Consortium, code: str) -> Membership:
    return Membership.objects.get(consortium=consortium, organization__code=code)


def forming(demo: Any) -> Consortium:
    """Home (director) founds; East (director_east) and Riverside (staff_riverside) join."""
    consortium = actions.consortium_found(
        actor=demo.director,
        vendor_id=vendor().pk,
        name="Test consortium",
        resource="Patent database",
        list_price_minor=LIST_PRICE,
        fte=50,
    )
    east = actions.membership_invite(
        consortium_id=consortium.pk, actor=demo.director, organization_id=office("east").pk
    )
    actions.membership_answer(membership_id=east.pk, actor=demo.director_east, accept=True, fte=40)
    riverside = actions.membership_invite(
        consortium_id=consortium.pk,
        actor=demo.director,
        organization_id=office("riverside").pk,
        representative_id=demo.staff_riverside.pk,
    )
    actions.membership_answer(membership_id=riverside.pk, actor=demo.staff_riverside, accept=True, fte=200)
    consortium.refresh_from_db()
    return consortium


def negotiating(demo: Any) -> Consortium:
    """Forming, then director_east elected unanimously."""
    consortium = forming(demo)
    election = actions.election_open(
        consortium_id=consortium.pk, actor=demo.director, deadline=timezone.now() + datetime.timedelta(days=3)
    )
    nomination = actions.nomination_add(
        election_id=election.pk, actor=demo.director, candidate_id=demo.director_east.pk
    )
    for voter in (demo.director, demo.director_east, demo.staff_riverside):
        actions.vote_cast(election_id=election.pk, actor=voter, nomination_id=nomination.pk)
    actions.election_close(election_id=election.pk, actor=demo.director)
    consortium.refresh_from_db()
    return consortium


def provider_offer(consortium: Consortium, actor: Any, tiers: list[tuple[int, int]] = TIERS) -> Offer:
    return actions.offer_post(
        consortium_id=consortium.pk,
        actor=actor,
        tiers=tiers,
        term_months=12,
        concurrent_users=5,
        basis=Offer.Basis.MEMBERS,
        sites="Main site",
        ill_allowed=True,
        archival_rights=True,
        perpetual_access=False,
        renewal_cap_percent=5,
        on_behalf_of_provider=True,
    )


def agreed(demo: Any) -> Consortium:
    """Negotiating, then the negotiator records the provider's offer and accepts it."""
    consortium = negotiating(demo)
    offer = provider_offer(consortium, demo.director_east)
    actions.offer_accept(offer_id=offer.pk, actor=demo.director_east)
    consortium.refresh_from_db()
    return consortium


def commit_all(demo: Any, consortium: Consortium) -> None:
    for code, actor in (("home", demo.director), ("east", demo.director_east), ("riverside", demo.staff_riverside)):
        actions.commitment_set(membership_id=membership(consortium, code).pk, actor=actor, committed=True)
