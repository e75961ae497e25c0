"""Consortium transitions through the actions: allowed, wrong state, wrong user; the election
tally and its tie rule; tier recomputation at issue; paying once per contract."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from office.exceptions import DomainError
from office.models import AuditEvent
from payments.actions import payment_notify_purpose
from payments.models import Payment
from procurement.consortia import actions
from procurement.consortia.models import Consortium, Contract, Election, Membership, tier_price
from tests.factories import retell_purpose
from tests.procurement.consortia_helpers import LIST_PRICE, agreed, commit_all, forming, membership, negotiating, office

pytestmark = pytest.mark.django_db
CS = Consortium.Status


def test_tier_price_picks_the_highest_tier_reached():
    tiers = [(3, 750), (1, 1000), (2, 900)]
    assert tier_price(tiers, 0) is None
    assert tier_price(tiers, 1) == 1000
    assert tier_price(tiers, 2) == 900
    assert tier_price(tiers, 7) == 750


def test_found_makes_the_founding_office_a_member_with_its_representative(demo):
    consortium = forming(demo)
    assert consortium.status == CS.FORMING
    home = membership(consortium, "home")
    assert home.status == Membership.Status.JOINED and home.representative == demo.director
    assert AuditEvent.objects.filter(verb="procurement.consortium.founded", target_id=str(consortium.pk)).count() == 1


def test_staff_cannot_found_and_only_own_vendors_are_providers(demo):
    from tests.procurement.consortia_helpers import vendor

    with pytest.raises(PermissionDenied):
        actions.consortium_found(
            actor=demo.staff_infodev, vendor_id=vendor().pk, name="x", resource="y", list_price_minor=100
        )
    with pytest.raises(DomainError):
        actions.consortium_found(
            actor=demo.director_east, vendor_id=vendor().pk, name="x", resource="y", list_price_minor=100
        )


def test_application_is_decided_by_the_founding_office(demo):
    from tests.procurement.consortia_helpers import vendor

    consortium = actions.consortium_found(
        actor=demo.director, vendor_id=vendor().pk, name="Solo", resource="y", list_price_minor=100
    )
    with pytest.raises(PermissionDenied):  # plain staff do not commit their office
        actions.membership_apply(consortium_id=consortium.pk, actor=demo.staff_east)
    applied = actions.membership_apply(consortium_id=consortium.pk, actor=demo.director_east, fte=10)
    assert applied.status == Membership.Status.APPLIED
    with pytest.raises(PermissionDenied):
        actions.membership_decide(membership_id=applied.pk, actor=demo.director_east, accept=True)
    actions.membership_decide(membership_id=applied.pk, actor=demo.director, accept=True)
    applied.refresh_from_db()
    assert applied.status == Membership.Status.JOINED and applied.representative == demo.director_east
    with pytest.raises(PermissionDenied):  # already a member
        actions.membership_apply(consortium_id=consortium.pk, actor=demo.director_east)


def test_invitation_is_answered_by_the_invited_office(demo):
    consortium = forming(demo)
    north = actions.membership_invite(
        consortium_id=consortium.pk,
        actor=demo.director_east,
        organization_id=office("north").pk,
        representative_id=demo.staff_north.pk,
    )
    with pytest.raises(PermissionDenied):
        actions.membership_answer(membership_id=north.pk, actor=demo.staff_east, accept=True)
    actions.membership_answer(membership_id=north.pk, actor=demo.staff_north, accept=False)
    assert Membership.objects.get(pk=north.pk).status == Membership.Status.DECLINED
    with pytest.raises(DomainError):
        actions.membership_answer(membership_id=north.pk, actor=demo.staff_north, accept=True)


def test_only_the_representative_votes_once_per_office_and_nothing_changes_after_close(demo):
    consortium = forming(demo)
    election = actions.election_open(
        consortium_id=consortium.pk, actor=demo.director, deadline=timezone.now() + datetime.timedelta(days=1)
    )
    east = actions.nomination_add(election_id=election.pk, actor=demo.director_east, candidate_id=demo.director_east.pk)
    home = actions.nomination_add(election_id=election.pk, actor=demo.director, candidate_id=demo.head_infodev.pk)
    with pytest.raises(PermissionDenied):  # leadership of a member, but not its representative
        actions.vote_cast(election_id=election.pk, actor=demo.business_assistant, nomination_id=home.pk)
    actions.vote_cast(election_id=election.pk, actor=demo.director, nomination_id=east.pk)
    actions.vote_cast(election_id=election.pk, actor=demo.director, nomination_id=home.pk)  # changed its mind
    actions.vote_cast(election_id=election.pk, actor=demo.director_east, nomination_id=east.pk)
    assert election.votes.count() == 2
    with pytest.raises(DomainError):  # Riverside has not voted and the deadline is ahead
        actions.election_close(election_id=election.pk, actor=demo.director)
    actions.vote_cast(election_id=election.pk, actor=demo.staff_riverside, nomination_id=home.pk)
    actions.election_close(election_id=election.pk, actor=demo.staff_riverside)
    election.refresh_from_db()
    consortium.refresh_from_db()
    assert election.status == Election.Status.CLOSED and not election.tie_broken
    assert consortium.negotiator == demo.head_infodev and consortium.status == CS.NEGOTIATING
    assert {row["votes"] for row in election.result} == {1, 2}
    with pytest.raises(DomainError):
        actions.vote_cast(election_id=election.pk, actor=demo.director_east, nomination_id=home.pk)
    with pytest.raises(DomainError):
        actions.election_close(election_id=election.pk, actor=demo.director)
    assert AuditEvent.objects.filter(verb="procurement.election.closed", target_id=str(consortium.pk)).count() == 1


def test_a_tie_goes_to_the_candidate_nominated_first(demo):
    consortium = forming(demo)
    election = actions.election_open(
        consortium_id=consortium.pk, actor=demo.director, deadline=timezone.now() + datetime.timedelta(days=1)
    )
    first = actions.nomination_add(
        election_id=election.pk, actor=demo.director_east, candidate_id=demo.director_east.pk
    )
    second = actions.nomination_add(election_id=election.pk, actor=demo.director, candidate_id=demo.director.pk)
    actions.vote_cast(election_id=election.pk, actor=demo.director, nomination_id=second.pk)
    actions.vote_cast(election_id=election.pk, actor=demo.director_east, nomination_id=first.pk)
    Election.objects.filter(pk=election.pk).update(deadline=timezone.now() - datetime.timedelta(seconds=1))
    actions.election_close(election_id=election.pk, actor=demo.director)
    election.refresh_from_db()
    assert election.tie_broken and election.winner_id == first.pk


def test_only_the_negotiator_accepts_and_only_the_latest_provider_offer(demo):
    from tests.procurement.consortia_helpers import provider_offer

    consortium = negotiating(demo)
    offer = provider_offer(consortium, demo.director_east)
    with pytest.raises(PermissionDenied):
        actions.offer_accept(offer_id=offer.pk, actor=demo.director)
    with pytest.raises(PermissionDenied):  # a member who is not the negotiator cannot post either
        provider_offer(consortium, demo.director)
    counter = provider_offer(consortium, demo.director_east)
    with pytest.raises(DomainError):
        actions.offer_accept(offer_id=offer.pk, actor=demo.director_east)
    actions.offer_accept(offer_id=counter.pk, actor=demo.director_east)
    consortium.refresh_from_db()
    assert consortium.status == CS.AGREED and consortium.accepted_offer == counter


def test_offers_after_the_deadline_are_refused(demo):
    from tests.procurement.consortia_helpers import provider_offer

    consortium = negotiating(demo)
    Consortium.objects.filter(pk=consortium.pk).update(negotiation_deadline=timezone.now() - datetime.timedelta(1))
    with pytest.raises(DomainError):
        provider_offer(consortium, demo.director_east)


def test_late_withdrawal_recomputes_the_tier_for_everyone_before_contracts(demo):
    consortium = agreed(demo)
    commit_all(demo, consortium)
    # Riverside withdraws at the last minute: two commitments, so everyone gets the 2-member tier.
    actions.commitment_set(
        membership_id=membership(consortium, "riverside").pk, actor=demo.staff_riverside, committed=False
    )
    contracts = actions.contracts_issue(consortium_id=consortium.pk, actor=demo.director_east)
    consortium.refresh_from_db()
    assert consortium.final_quantity == 2 and consortium.final_price_minor == 900_000
    assert sorted(c.organization.code for c in contracts) == ["east", "home"]
    assert {c.price_minor for c in contracts} == {900_000}
    for contract in contracts:
        assert bytes(contract.pdf).startswith(b"%PDF")
        assert hashlib.sha256(bytes(contract.pdf)).hexdigest() == contract.pdf_sha256
    # Never after: no more commitments, withdrawals or departures once contracts are out.
    with pytest.raises(DomainError):
        actions.commitment_set(
            membership_id=membership(consortium, "riverside").pk, actor=demo.staff_riverside, committed=True
        )
    with pytest.raises(DomainError):
        actions.membership_leave(membership_id=membership(consortium, "home").pk, actor=demo.director)


def test_leaving_before_contracts_drops_the_commitment(demo):
    consortium = agreed(demo)
    commit_all(demo, consortium)
    actions.membership_leave(membership_id=membership(consortium, "riverside").pk, actor=demo.staff_riverside)
    assert membership(consortium, "riverside").committed_at is None
    actions.contracts_issue(consortium_id=consortium.pk, actor=demo.director_east)
    consortium.refresh_from_db()
    assert consortium.final_price_minor == 900_000


def test_only_the_negotiator_issues_contracts_and_not_twice(demo):
    consortium = agreed(demo)
    commit_all(demo, consortium)
    with pytest.raises(PermissionDenied):
        actions.contracts_issue(consortium_id=consortium.pk, actor=demo.director)
    actions.contracts_issue(consortium_id=consortium.pk, actor=demo.director_east)
    with pytest.raises(DomainError):
        actions.contracts_issue(consortium_id=consortium.pk, actor=demo.director_east)
    assert Contract.objects.filter(consortium=consortium).count() == 3


def _signed(demo, consortium, code, actor):
    contract = Contract.objects.get(consortium=consortium, organization__code=code)
    actions.contract_sign(
        contract_id=contract.pk, actor=actor, signed_name="A Person", seen_sha256=contract.pdf_sha256, as_provider=False
    )
    actions.contract_sign(
        contract_id=contract.pk,
        actor=demo.director_east,
        signed_name="Provider Rep",
        seen_sha256=contract.pdf_sha256,
        as_provider=True,
    )
    contract.refresh_from_db()
    return contract


def test_signing_records_name_time_and_hash_and_refuses_a_stale_hash(demo):
    consortium = agreed(demo)
    commit_all(demo, consortium)
    actions.contracts_issue(consortium_id=consortium.pk, actor=demo.director_east)
    contract = Contract.objects.get(consortium=consortium, organization__code="riverside")
    with pytest.raises(DomainError):
        actions.contract_sign(
            contract_id=contract.pk, actor=demo.staff_riverside, signed_name="He Ping", seen_sha256="0" * 64,
            as_provider=False,
        )  # fmt: skip
    with pytest.raises(PermissionDenied):  # another office signs nothing for Riverside
        actions.contract_sign(
            contract_id=contract.pk, actor=demo.director, signed_name="x", seen_sha256=contract.pdf_sha256,
            as_provider=False,
        )  # fmt: skip
    contract = _signed(demo, consortium, "riverside", demo.staff_riverside)
    assert contract.status == Contract.Status.SIGNED
    assert contract.member_signed_name == "A Person" and contract.member_signed_at
    assert contract.member_signed_sha256 == contract.provider_signed_sha256 == contract.pdf_sha256


def test_a_member_pays_once_per_contract_also_on_retries(demo):
    consortium = agreed(demo)
    commit_all(demo, consortium)
    actions.contracts_issue(consortium_id=consortium.pk, actor=demo.director_east)
    contract = _signed(demo, consortium, "riverside", demo.staff_riverside)
    with pytest.raises(PermissionDenied):
        actions.contract_pay(contract_id=contract.pk, actor=demo.director)  # another office
    first = actions.contract_pay(contract_id=contract.pk, actor=demo.staff_riverside)
    again = actions.contract_pay(contract_id=contract.pk, actor=demo.staff_riverside)
    assert first.pk == again.pk
    assert first.payee_name == consortium.vendor.payee and first.payer_organization.code == "riverside"
    assert first.amount_minor == 750_000
    # The success handler runs twice (a redelivered event): one licence, one paid contract.
    Payment.objects.filter(pk=first.pk).update(status=Payment.Status.SUCCEEDED, succeeded_at=timezone.now())
    payment_notify_purpose(payment_id=first.pk)
    retell_purpose(first)
    contract.refresh_from_db()
    assert contract.status == Contract.Status.PAID and contract.licence.organization.code == "riverside"
    assert contract.licence.vendor.organization.code == "riverside"
    assert AuditEvent.objects.filter(verb="procurement.contract.paid", target_id=str(contract.pk)).count() == 1
    with pytest.raises(DomainError):
        actions.contract_pay(contract_id=contract.pk, actor=demo.staff_riverside)


def test_renewal_starts_a_new_round_and_the_cap_holds_the_price(demo):
    consortium = agreed(demo)
    commit_all(demo, consortium)
    actions.contracts_issue(consortium_id=consortium.pk, actor=demo.director_east)
    Consortium.objects.filter(pk=consortium.pk).update(status=CS.ACTIVE)
    Contract.objects.filter(consortium=consortium).update(status=Contract.Status.SIGNED)
    renewal = actions.consortium_renew(consortium_id=consortium.pk, actor=demo.director_east)
    assert renewal.previous == consortium and renewal.status == CS.FORMING
    statuses = dict(renewal.memberships.values_list("organization__code", "status"))
    assert statuses == {"east": "joined", "home": "invited", "riverside": "invited"}
    with pytest.raises(DomainError):
        actions.consortium_renew(consortium_id=consortium.pk, actor=demo.director_east)
    assert actions.price_for(renewal, consortium.accepted_offer, 1) == 750_000 * 105 // 100
    assert LIST_PRICE == 1_000_000
