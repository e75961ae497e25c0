"""The consortium beat sweep (actions.consortia_sweep, run by consortia_sweep_task): elections
tallied at their deadline (tie rule, or cancelled without candidates), negotiations lapsed at
theirs without an accepted offer, contracts, licences and consortia expired at the end of the
term. Every step is audited, notifies the members, and changes nothing when run again."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from office.exceptions import DomainError, InvalidTransition
from office.models import AuditEvent, Notification
from payments.actions import payment_notify_purpose
from payments.models import Payment
from procurement.consortia import actions
from procurement.consortia.demo import PROVIDER_USERNAME
from procurement.consortia.models import Consortium, Contract, Election
from procurement.models import Licence
from tests.procurement.consortia_helpers import agreed, commit_all, forming, negotiating, provider_offer

pytestmark = pytest.mark.django_db
CS = Consortium.Status
NOTHING = {"elections_closed": 0, "consortia_cancelled": 0, "negotiations_lapsed": 0, "contracts_expired": 0}


@pytest.fixture(autouse=True)
def demo_consortium_far_from_its_deadline(demo):
    """The demo consortium negotiates with a 30-day deadline; these tests travel further ahead,
    so it is moved out of the way to count only what each test builds."""
    from procurement.consortia.demo import DEMO_NAME

    Consortium.objects.filter(name=DEMO_NAME).update(
        negotiation_deadline=timezone.now() + datetime.timedelta(days=3650)
    )


def _audits(verb: str, target: object) -> int:
    return AuditEvent.objects.filter(verb=verb, target_id=str(target.pk)).count()


def _notified(verb: str) -> set[str]:
    return set(Notification.objects.filter(verb=verb).values_list("recipient__username", flat=True))


def _electing(demo, days: int = 2) -> tuple[Consortium, Election]:
    consortium = forming(demo)
    election = actions.election_open(
        consortium_id=consortium.pk, actor=demo.director, deadline=timezone.now() + datetime.timedelta(days=days)
    )
    return consortium, election


def _after(moment: datetime.datetime) -> time_machine.travel:
    return time_machine.travel(moment + datetime.timedelta(minutes=1), tick=False)


def test_an_election_past_its_deadline_is_tallied_once_and_negotiation_opens(demo):
    consortium, election = _electing(demo)
    first = actions.nomination_add(election_id=election.pk, actor=demo.director, candidate_id=demo.director.pk)
    second = actions.nomination_add(election_id=election.pk, actor=demo.director, candidate_id=demo.director_east.pk)
    actions.vote_cast(election_id=election.pk, actor=demo.director, nomination_id=first.pk)
    actions.vote_cast(election_id=election.pk, actor=demo.director_east, nomination_id=second.pk)
    actions.vote_cast(election_id=election.pk, actor=demo.staff_riverside, nomination_id=second.pk)
    assert actions.consortia_sweep() == NOTHING  # before the deadline nothing happens
    Notification.objects.all().delete()
    with _after(election.deadline):
        assert actions.consortia_sweep() == {**NOTHING, "elections_closed": 1}
        assert actions.consortia_sweep() == NOTHING  # idempotent
        with pytest.raises(DomainError):  # frozen: no vote changes after the close
            actions.vote_cast(election_id=election.pk, actor=demo.director, nomination_id=second.pk)
    election.refresh_from_db()
    consortium.refresh_from_db()
    assert election.status == Election.Status.CLOSED and election.winner == second and not election.tie_broken
    assert [row["votes"] for row in election.result] == [1, 2]
    assert consortium.status == CS.NEGOTIATING and consortium.negotiator == demo.director_east
    assert consortium.negotiation_deadline is not None
    assert _audits("procurement.election.closed", consortium) == 1
    assert _notified("procurement.election.closed") == {"director", "director_east", "staff_riverside"}
    # The provider's own account is asked for its offer.
    assert _notified("procurement.negotiation.opened") == {PROVIDER_USERNAME}


def test_a_tie_at_the_deadline_goes_to_the_candidate_nominated_first(demo):
    consortium, election = _electing(demo)
    first = actions.nomination_add(election_id=election.pk, actor=demo.director, candidate_id=demo.director.pk)
    second = actions.nomination_add(election_id=election.pk, actor=demo.director, candidate_id=demo.director_east.pk)
    actions.vote_cast(election_id=election.pk, actor=demo.director, nomination_id=second.pk)
    actions.vote_cast(election_id=election.pk, actor=demo.director_east, nomination_id=first.pk)
    # Riverside does not vote: only the deadline closes this election.
    with _after(election.deadline):
        assert actions.consortia_sweep()["elections_closed"] == 1
    election.refresh_from_db()
    assert election.winner == first and election.tie_broken
    consortium.refresh_from_db()
    assert consortium.negotiator == demo.director


def test_an_election_without_candidates_at_its_deadline_cancels_the_consortium(demo):
    consortium, election = _electing(demo)
    Notification.objects.all().delete()
    with _after(election.deadline):
        assert actions.consortia_sweep() == {**NOTHING, "consortia_cancelled": 1}
        assert actions.consortia_sweep() == NOTHING
    consortium.refresh_from_db()
    election.refresh_from_db()
    assert consortium.status == CS.CANCELLED and consortium.negotiator is None
    assert election.status == Election.Status.CLOSED and election.winner is None
    assert _audits("procurement.election.failed", consortium) == 1
    assert _notified("procurement.election.failed") == {"director", "director_east", "staff_riverside"}


def test_a_negotiation_past_its_deadline_without_acceptance_lapses(demo):
    consortium = negotiating(demo)
    provider_offer(consortium, demo.director_east)
    other = agreed(demo)  # accepted in time: the deadline no longer matters
    Notification.objects.all().delete()
    with _after(consortium.negotiation_deadline):
        assert actions.consortia_sweep() == {**NOTHING, "negotiations_lapsed": 1}
        assert actions.consortia_sweep() == NOTHING
        with pytest.raises(DomainError):  # nothing more can be offered or accepted
            provider_offer(consortium, demo.director_east)
        offer = consortium.offers.get()
        with pytest.raises(InvalidTransition):
            actions.offer_accept(offer_id=offer.pk, actor=demo.director_east)
    consortium.refresh_from_db()
    other.refresh_from_db()
    assert consortium.status == CS.LAPSED and consortium.accepted_offer is None
    assert other.status == CS.AGREED
    assert _audits("procurement.negotiation.lapsed", consortium) == 1
    assert _notified("procurement.negotiation.lapsed") == {
        "director",
        "director_east",
        "staff_riverside",
        PROVIDER_USERNAME,
    }


def test_a_deadline_the_negotiator_extended_in_time_keeps_the_negotiation_open(demo):
    consortium = negotiating(demo)
    old = consortium.negotiation_deadline
    actions.negotiation_deadline_set(
        consortium_id=consortium.pk, actor=demo.director_east, deadline=old + datetime.timedelta(days=10)
    )
    with _after(old):
        assert actions.consortia_sweep() == NOTHING
    consortium.refresh_from_db()
    assert consortium.status == CS.NEGOTIATING


def _pay(contract: Contract, actor) -> None:
    payment = actions.contract_pay(contract_id=contract.pk, actor=actor)
    Payment.objects.filter(pk=payment.pk).update(status=Payment.Status.SUCCEEDED, succeeded_at=timezone.now())
    payment_notify_purpose(payment_id=payment.pk)


def _contracting(demo) -> tuple[Consortium, dict[str, Contract]]:
    consortium = agreed(demo)
    commit_all(demo, consortium)
    actions.contracts_issue(consortium_id=consortium.pk, actor=demo.director_east)
    reps = {"home": demo.director, "east": demo.director_east, "riverside": demo.staff_riverside}
    contracts = {}
    for code, rep in reps.items():
        contract = Contract.objects.get(consortium=consortium, organization__code=code)
        for as_provider, signer in ((False, rep), (True, demo.director_east)):
            actions.contract_sign(
                contract_id=contract.pk,
                actor=signer,
                signed_name="N",
                seen_sha256=contract.pdf_sha256,
                as_provider=as_provider,
            )
        contracts[code] = contract
    return consortium, contracts


def test_at_the_end_of_the_term_contracts_licences_and_the_consortium_expire(demo):
    consortium, contracts = _contracting(demo)
    for code, actor in (("home", demo.director), ("east", demo.director_east), ("riverside", demo.staff_riverside)):
        _pay(contracts[code], actor)
    consortium.refresh_from_db()
    assert consortium.status == CS.ACTIVE
    ends_on = Contract.objects.filter(consortium=consortium).first().ends_on
    last_day = datetime.datetime.combine(ends_on, datetime.time(23, 0), tzinfo=timezone.get_current_timezone())
    with time_machine.travel(last_day, tick=False):
        assert actions.consortia_sweep() == NOTHING  # the last day of the term still counts
    Notification.objects.all().delete()
    with time_machine.travel(last_day + datetime.timedelta(hours=2), tick=False):
        assert actions.consortia_sweep() == {**NOTHING, "contracts_expired": 3}
        assert actions.consortia_sweep() == NOTHING
        assert actions.consortium_term_ended(consortium_id=consortium.pk) == 0
    consortium.refresh_from_db()
    assert consortium.status == CS.EXPIRED
    for contract in Contract.objects.filter(consortium=consortium):
        assert contract.status == Contract.Status.EXPIRED and contract.paid_at is not None
        assert contract.licence.status == Licence.Status.EXPIRED
        assert _audits("procurement.contract.expired", contract) == 1
        assert _audits("procurement.licence.expired", contract.licence) == 1
    assert _audits("procurement.consortium.expired", consortium) == 1
    assert _notified("procurement.consortium.expired") == {"director", "director_east", "staff_riverside"}
    assert _notified("procurement.contract.expired") == {"director", "director_east", "staff_riverside"}
    # The renewal round can start from the expired consortium.
    renewal = actions.consortium_renew(consortium_id=consortium.pk, actor=demo.director_east)
    assert renewal.previous == consortium


def test_an_unpaid_contract_expires_too_and_can_no_longer_be_paid(demo):
    consortium, contracts = _contracting(demo)
    _pay(contracts["home"], demo.director)  # East and Riverside never pay
    consortium.refresh_from_db()
    assert consortium.status == CS.CONTRACTING
    ends_on = contracts["home"].ends_on
    with time_machine.travel(ends_on + datetime.timedelta(days=1), tick=False):
        assert actions.consortia_sweep()["contracts_expired"] == 3
        with pytest.raises(InvalidTransition):  # nothing left to pay
            actions.contract_pay(contract_id=contracts["east"].pk, actor=demo.director_east)
    consortium.refresh_from_db()
    assert consortium.status == CS.EXPIRED
    assert set(Contract.objects.filter(consortium=consortium).values_list("status", flat=True)) == {"expired"}
    assert not Payment.objects.filter(
        purpose_type=actions.CONSORTIUM_CONTRACT_PURPOSE, purpose_id=str(contracts["east"].pk)
    ).exists()


def test_the_task_is_registered_with_celery_and_scheduled():
    from office.celery import app
    from office.schedules import DEFAULT_SCHEDULES
    from procurement.consortia.tasks import consortia_sweep_task

    app.loader.import_default_modules()
    name = "procurement.consortia.tasks.consortia_sweep_task"
    assert consortia_sweep_task.name == name and name in app.tasks
    assert DEFAULT_SCHEDULES["consortium deadlines and expiry"] == (name, 900)


def test_the_task_runs_the_sweep(demo):
    from procurement.consortia.tasks import consortia_sweep_task

    consortium = negotiating(demo)
    with _after(consortium.negotiation_deadline):
        assert consortia_sweep_task.delay().get() == {**NOTHING, "negotiations_lapsed": 1}
    consortium.refresh_from_db()
    assert consortium.status == CS.LAPSED


def test_a_payment_that_succeeds_after_its_contract_expired_is_refunded_automatically(
    demo, django_capture_on_commit_callbacks
):
    from payments.actions import payment_ensure_intent
    from payments.gateways.simulated import SimulatedGateway
    from payments.models import Refund

    consortium, contracts = _contracting(demo)
    payment = actions.contract_pay(contract_id=contracts["east"].pk, actor=demo.director_east)
    payment_ensure_intent(payment_id=payment.pk)
    payment.refresh_from_db()
    ends_on = contracts["east"].ends_on
    with time_machine.travel(ends_on + datetime.timedelta(days=1), tick=False):
        actions.consortia_sweep()
        # The card payment goes through at the provider only now, after the contract expired.
        with django_capture_on_commit_callbacks(execute=True):
            SimulatedGateway().pay(reference=payment.provider_reference, card_number="4242424242424242")
        with django_capture_on_commit_callbacks(execute=True):
            payment_notify_purpose(payment_id=payment.pk)  # told again: still one refund
    payment.refresh_from_db()
    assert payment.refunded_minor == payment.amount_minor
    contract = Contract.objects.get(pk=contracts["east"].pk)
    assert contract.status == Contract.Status.EXPIRED and contract.paid_at is None and contract.licence is None
    refunds = list(Refund.objects.filter(payment=payment))
    assert len(refunds) == 1 and refunds[0].amount_minor == payment.amount_minor
    assert refunds[0].requested_by is None and refunds[0].status == Refund.Status.SUCCEEDED
    assert _audits("payments.payable.paid_when_closed", contract) == 1
    assert "director_east" in _notified("payments.payment.refunded")  # the payer
