"""Creating requests, the rota, the lender's answers and refusals (sharing.actions)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from office.exceptions import DomainError
from office.models import AuditEvent, Notification
from sharing import actions
from sharing.models import Agency, Reciprocity, RequestEvent, RotaEntry, SharingRequest
from tests.sharing.factories import copy, loan, network

pytestmark = pytest.mark.django_db
Status = SharingRequest.Status


@pytest.fixture
def net():
    return network()


def test_create_from_record_builds_rota_without_borrower_and_asks_cheapest(net):
    r = loan(net)
    assert r.number.startswith("ILL") and r.status == Status.SENT
    rota = list(r.rota.values_list("agency__agency_id", "outcome", "expected_fee_minor"))
    assert rota == [("CN-HOME", "asked", 1000), ("CN-RIVER", "waiting", 1500)]
    assert r.lender == net.agencies["home"] and r.deadline is not None
    kinds = list(r.events.values_list("kind", flat=True))
    assert kinds == ["created", "sent"]
    assert AuditEvent.objects.filter(verb="sharing.request.sent", target_id=str(r.pk)).exists()


def test_rota_never_contains_the_borrower(net):
    r = actions.request_create(actor=net.home, service_type="loan", record_id=net.record.pk)
    assert list(r.rota.values_list("agency__agency_id", flat=True)) == ["CN-RIVER"]


def test_preference_rule_orders_by_the_list(net):
    Agency.objects.filter(pk=net.agencies["east"].pk).update(rota_rule="preference", preference_list=["CN-RIVER"])
    r = loan(net)
    assert list(r.rota.order_by("position").values_list("agency__agency_id", flat=True)) == ["CN-RIVER", "CN-HOME"]


def test_load_rule_prefers_the_lender_with_fewer_open_requests(net):
    Agency.objects.filter(pk=net.agencies["east"].pk).update(rota_rule="load")
    actions.request_create(actor=net.north, service_type="loan", record_id=net.record.pk)  # home has one open
    r = loan(net)
    assert r.lender.agency_id == "CN-RIVER"


def test_reciprocity_makes_a_lender_free_and_cheapest(net):
    first, second = sorted((net.agencies["east"].pk, net.agencies["riverside"].pk))
    Reciprocity.objects.create(first_id=first, second_id=second)
    r = loan(net)
    assert r.lender.agency_id == "CN-RIVER"
    assert r.rota.get(position=1).expected_fee_minor == 0


def test_citation_request_matches_holdings_by_isbn(net):
    r = actions.request_create(actor=net.east, service_type="loan", title="E-commerce", isbn="978-7-04-000001-6")
    assert r.status == Status.SENT and r.record is None and r.lender.agency_id == "CN-HOME"


def test_citation_nobody_holds_is_unfilled_not_held(net):
    r = actions.request_create(actor=net.east, service_type="loan", title="Nowhere", isbn="")
    assert r.status == Status.UNFILLED and r.reason_unfilled == "NotHeld" and r.lender is None


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"service_type": "loan", "record_id": 999999}, "does not exist"),
        ({"service_type": "loan", "title": ""}, "title"),
        ({"service_type": "copy", "title": "X", "pages": ""}, "pages"),
        ({"service_type": "copy", "title": "X", "pages": "-5"}, "numbers"),
        ({"service_type": "copy", "title": "X", "pages": "30-12"}, "range"),
        ({"service_type": "copy", "title": "X", "pages": "1-99999"}, "at most"),
        ({"service_type": "loan", "title": "X", "year": 99}, "year"),
        ({"service_type": "lend", "title": "X"}, "loan or a copy"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(net, kwargs, message):
    with pytest.raises(DomainError, match=message):
        actions.request_create(actor=net.east, **kwargs)
    assert not SharingRequest.objects.exists()


def test_non_lendable_holding_is_not_in_the_rota(net):
    net.record.holdings.filter(organization=net.agencies["riverside"].organization).update(lendable=False)
    r = loan(net)
    assert list(r.rota.values_list("agency__agency_id", flat=True)) == ["CN-HOME"]


def test_only_staff_of_member_offices_may_borrow(net):
    with pytest.raises(PermissionDenied):
        actions.request_create(actor=net.client, service_type="loan", title="X")


def test_copy_waits_for_copyright_declaration_then_is_sent(net):
    r = copy(net, copyright_declared=False)
    assert r.status == Status.REQUESTED and not r.rota.exists()
    r = actions.request_declare_copyright(request_id=r.pk, actor=net.east)
    assert r.status == Status.SENT and r.copyright_declared and r.copyright_declared_by == net.east
    assert r.page_count == 10
    with pytest.raises(DomainError):
        actions.request_declare_copyright(request_id=r.pk, actor=net.east)


def test_lender_expects_then_will_supply_and_borrower_is_told(net):
    r = loan(net)
    r = actions.request_expect_to_supply(request_id=r.pk, actor=net.home)
    assert r.status == Status.EXPECT_TO_SUPPLY
    r = actions.request_will_supply(request_id=r.pk, actor=net.home)
    assert r.status == Status.WILL_SUPPLY and r.deadline is None
    assert r.rota.get(agency=net.agencies["home"]).outcome == RotaEntry.Outcome.SUPPLIED
    assert Notification.objects.filter(recipient=net.east, verb="sharing.request.will_supply").exists()


def test_only_the_current_lender_answers(net):
    r = loan(net)
    for outsider in (net.riverside, net.north, net.east):
        with pytest.raises(PermissionDenied):
            actions.request_will_supply(request_id=r.pk, actor=outsider)
    with pytest.raises(PermissionDenied):
        actions.request_will_supply(request_id=r.pk, agency=net.agencies["riverside"])
    assert SharingRequest.objects.get(pk=r.pk).status == Status.SENT


def test_partner_answers_with_actor_none_and_its_agency(net):
    r = loan(net)
    SharingRequest.objects.filter(pk=r.pk).update(lender=net.agencies["partner"])
    RotaEntry.objects.filter(request=r, position=1).update(agency=net.agencies["partner"])
    r = actions.request_will_supply(request_id=r.pk, agency=net.agencies["partner"])
    assert r.status == Status.WILL_SUPPLY
    assert r.events.get(kind="will_supply").agency == net.agencies["partner"]


def test_unfilled_goes_to_next_lender_then_exhausts(net):
    r = loan(net)
    r = actions.request_unfilled(request_id=r.pk, actor=net.home, reason="NotOnShelf")
    assert r.status == Status.SENT and r.lender.agency_id == "CN-RIVER"
    assert r.rota.get(position=1).reason == "NotOnShelf"
    r = actions.request_unfilled(request_id=r.pk, actor=net.riverside, reason="PoorCondition")
    assert r.status == Status.UNFILLED and r.lender is None and r.reason_unfilled == "PoorCondition"
    assert Notification.objects.filter(recipient=net.east, verb="sharing.request.unfilled").exists()


def test_unfilled_needs_a_known_reason(net):
    r = loan(net)
    with pytest.raises(DomainError):
        actions.request_unfilled(request_id=r.pk, actor=net.home, reason="Bored")


def test_condition_accept_sets_agreed_fee(net):
    r = loan(net)
    r = actions.request_propose_condition(request_id=r.pk, actor=net.home, fee_minor=2500, currency="CNY", note="Post")
    assert r.status == Status.CONDITIONAL and r.proposed_fee_minor == 2500
    r = actions.request_accept_condition(request_id=r.pk, actor=net.east)
    assert r.status == Status.WILL_SUPPLY and r.agreed_fee_minor == 2500


def test_condition_reject_goes_to_next_lender(net):
    r = loan(net)
    actions.request_propose_condition(request_id=r.pk, actor=net.home, fee_minor=9900)
    r = actions.request_reject_condition(request_id=r.pk, actor=net.east)
    assert r.status == Status.SENT and r.lender.agency_id == "CN-RIVER" and r.proposed_fee_minor is None
    assert r.rota.get(position=1).outcome == RotaEntry.Outcome.DECLINED


@pytest.mark.parametrize(
    "fee, currency, message",
    [(100, "USD", "CNY"), (-1, "CNY", "zero or more"), (None, "CNY", "fee or the condition")],
)
def test_bad_condition_is_refused(net, fee, currency, message):
    r = loan(net)
    with pytest.raises(DomainError, match=message):
        actions.request_propose_condition(request_id=r.pk, actor=net.home, fee_minor=fee, currency=currency)
    assert SharingRequest.objects.get(pk=r.pk).status == Status.SENT


def test_only_the_borrower_decides_a_condition(net):
    r = loan(net)
    actions.request_propose_condition(request_id=r.pk, actor=net.home, fee_minor=100)
    with pytest.raises(PermissionDenied):
        actions.request_accept_condition(request_id=r.pk, actor=net.home)


def test_wrong_state_is_refused(net):
    r = loan(net)
    with pytest.raises(DomainError):
        actions.request_accept_condition(request_id=r.pk, actor=net.east)
    with pytest.raises(DomainError):
        actions.request_check_in(request_id=r.pk, actor=net.home)
    with pytest.raises(DomainError):
        actions.request_mark_received(request_id=r.pk, actor=net.east)


def test_cancel_before_commitment_is_immediate(net):
    r = loan(net)
    r = actions.request_cancel(request_id=r.pk, actor=net.east)
    assert r.status == Status.CANCELLED
    assert r.rota.get(position=1).outcome == RotaEntry.Outcome.CANCELLED


def test_cancel_after_will_supply_asks_the_lender(net):
    r = loan(net)
    actions.request_will_supply(request_id=r.pk, actor=net.home)
    r = actions.request_cancel(request_id=r.pk, actor=net.east)
    assert r.status == Status.WILL_SUPPLY and r.pending == "cancel"
    r = actions.request_answer_cancel(request_id=r.pk, actor=net.home, approve=False)
    assert r.status == Status.WILL_SUPPLY and r.pending == ""
    actions.request_cancel(request_id=r.pk, actor=net.east)
    r = actions.request_answer_cancel(request_id=r.pk, actor=net.home, approve=True)
    assert r.status == Status.CANCELLED


def test_cannot_cancel_once_shipped(net):
    r = loan(net)
    actions.request_ship(request_id=r.pk, actor=net.home, tracking_number="SF1")
    with pytest.raises(DomainError):
        actions.request_cancel(request_id=r.pk, actor=net.east)


def test_every_transition_writes_one_event_and_calls_the_outbox(net, monkeypatch):
    seen = []
    monkeypatch.setattr("sharing.outbox.after_transition", lambda request, event: seen.append(event.kind))
    r = loan(net)
    actions.request_will_supply(request_id=r.pk, actor=net.home)
    assert seen == ["created", "sent", "will_supply"]
    assert RequestEvent.objects.filter(request=r).count() == 3


def test_partner_request_becomes_a_lending_request_once(net):
    partner = net.agencies["partner"]
    r, created = actions.request_receive_from_partner(
        agency=partner, lender_agency_id="CN-RIVER", peer_request_id="P-1", service_type="loan", title="Book"
    )
    assert created and r.status == Status.SENT and r.lender.agency_id == "CN-RIVER" and r.borrower == partner
    again, created = actions.request_receive_from_partner(
        agency=partner, lender_agency_id="CN-RIVER", peer_request_id="P-1", service_type="loan", title="Book"
    )
    assert not created and again.pk == r.pk
    with pytest.raises(DomainError):
        actions.request_receive_from_partner(
            agency=partner, lender_agency_id="CN-NOPE", peer_request_id="P-2", service_type="loan", title="Book"
        )
