"""The loan cycle after shipping, completion and charges, the rota sweep (lapse, exhaustion,
idempotent re-run) and overdue notices."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from office.exceptions import DomainError
from office.models import AuditEvent, Notification
from sharing import actions, sweeps
from sharing.models import Charge, Reciprocity, RotaEntry, SharingRequest
from tests.sharing.factories import copy, loan, network

pytestmark = pytest.mark.django_db
Status = SharingRequest.Status


@pytest.fixture
def net():
    return network()


def _received(net, **kw):
    r = loan(net, **kw)
    actions.request_ship(request_id=r.pk, actor=net.home, tracking_number="SF1")
    return actions.request_mark_received(request_id=r.pk, actor=net.east)


def test_full_loan_cycle_ends_complete_and_charged(net):
    r = loan(net)
    r = actions.request_will_supply(request_id=r.pk, actor=net.home)
    r = actions.request_ship(request_id=r.pk, actor=net.home, tracking_number="SF123")
    assert r.status == Status.SHIPPED and r.due_date == timezone.localdate() + dt.timedelta(days=28)
    r = actions.request_mark_received(request_id=r.pk, actor=net.east)
    assert r.status == Status.RECEIVED and r.received_at
    r = actions.request_return(request_id=r.pk, actor=net.east, tracking_number="SF456")
    assert r.status == Status.RETURNED
    with pytest.raises(PermissionDenied):
        actions.request_check_in(request_id=r.pk, actor=net.east)
    r = actions.request_check_in(request_id=r.pk, actor=net.home)
    assert r.status == Status.COMPLETE and r.checked_in_at and r.charge_minor == 1000
    charge = Charge.objects.get(request=r)
    assert (charge.debtor, charge.creditor, charge.amount_minor) == (net.agencies["east"], net.agencies["home"], 1000)
    kinds = list(r.events.values_list("kind", flat=True))
    assert kinds[-3:] == ["returned", "checked_in", "completed"]


def test_agreed_fee_is_charged(net):
    r = loan(net)
    actions.request_propose_condition(request_id=r.pk, actor=net.home, fee_minor=2500)
    actions.request_accept_condition(request_id=r.pk, actor=net.east)
    r = _ship_receive_return_check_in(net, r)
    assert r.charge_minor == 2500


def _ship_receive_return_check_in(net, r, lender=None):
    lender = lender or net.home
    actions.request_ship(request_id=r.pk, actor=lender)
    actions.request_mark_received(request_id=r.pk, actor=net.east)
    actions.request_return(request_id=r.pk, actor=net.east)
    return actions.request_check_in(request_id=r.pk, actor=lender)


def test_reciprocity_charge_is_zero(net):
    first, second = sorted((net.agencies["east"].pk, net.agencies["home"].pk))
    Reciprocity.objects.create(first_id=first, second_id=second)
    r = _ship_receive_return_check_in(net, loan(net))
    charge = Charge.objects.get(request=r)
    assert charge.amount_minor == 0 and charge.free_reason == "reciprocity"


def test_urgent_copy_charged_per_page_plus_surcharge(net):
    r = copy(net, urgent=True)
    actions.request_ship(request_id=r.pk, actor=net.home, tracking_number="POST")
    r = actions.request_mark_received(request_id=r.pk, actor=net.east)
    assert r.status == Status.COMPLETE and r.charge_minor == 500 + 10 * 30 + 700


def test_ship_refuses_a_past_due_date(net):
    r = loan(net)
    with pytest.raises(DomainError):
        actions.request_ship(request_id=r.pk, actor=net.home, due_date=timezone.localdate())


def test_renewal_asked_and_granted_moves_due_date(net):
    r = _received(net)
    due = r.due_date
    r = actions.request_ask_renewal(request_id=r.pk, actor=net.east)
    assert r.pending == "renew"
    with pytest.raises(DomainError):
        actions.request_ask_renewal(request_id=r.pk, actor=net.east)
    r = actions.request_answer_renewal(request_id=r.pk, actor=net.home, approve=True)
    assert r.due_date == due + dt.timedelta(days=28) and r.renewals == 1 and r.pending == ""
    with pytest.raises(DomainError, match="no more renewals"):
        actions.request_ask_renewal(request_id=r.pk, actor=net.east)


def test_renewal_refused_keeps_due_date(net):
    r = _received(net)
    actions.request_ask_renewal(request_id=r.pk, actor=net.east)
    r2 = actions.request_answer_renewal(request_id=r.pk, actor=net.home, approve=False)
    assert r2.due_date == r.due_date and r2.renewals == 0
    with pytest.raises(DomainError):
        actions.request_answer_renewal(request_id=r.pk, actor=net.home, approve=True)


def test_recall_shortens_due_date_and_blocks_renewal(net):
    r = _received(net)
    r = actions.request_recall(request_id=r.pk, actor=net.home, note="Needed")
    assert r.status == Status.RECALLED and r.due_date <= timezone.localdate() + dt.timedelta(days=7)
    with pytest.raises(DomainError):
        actions.request_ask_renewal(request_id=r.pk, actor=net.east)
    assert Notification.objects.filter(recipient=net.east, verb="sharing.request.recalled").exists()
    r = actions.request_return(request_id=r.pk, actor=net.east)
    assert r.status == Status.RETURNED


def test_copy_cannot_be_renewed_returned_or_recalled(net):
    r = copy(net)
    actions.request_ship(request_id=r.pk, actor=net.home)
    with pytest.raises(DomainError):
        actions.request_recall(request_id=r.pk, actor=net.home)


# --- sweeps ---------------------------------------------------------------------------------


def test_sweep_lapses_to_next_lender_then_exhausts_and_is_idempotent(net):
    r = loan(net)
    later = timezone.now() + dt.timedelta(days=10)
    assert sweeps.lapse_due(now=later) == 1
    r.refresh_from_db()
    assert r.status == Status.SENT and r.lender.agency_id == "CN-RIVER"
    assert r.rota.get(position=1).outcome == RotaEntry.Outcome.LAPSED
    assert Notification.objects.filter(recipient=net.east, verb="sharing.request.lapsed").exists()
    # The new lender's deadline is counted from now, so the same moment lapses nothing more.
    assert sweeps.lapse_due(now=timezone.now()) == 0
    assert sweeps.lapse_due(now=later + dt.timedelta(days=10)) == 1
    r.refresh_from_db()
    assert r.status == Status.UNFILLED and r.lender is None
    assert sweeps.lapse_due(now=later + dt.timedelta(days=30)) == 0  # a re-run changes nothing
    assert r.events.filter(kind="lapsed").count() == 2 and r.events.filter(kind="rota_exhausted").count() == 1


def test_lapse_leaves_an_answered_request_alone(net):
    r = loan(net)
    actions.request_expect_to_supply(request_id=r.pk, actor=net.home)
    assert actions.request_lapse(r.pk, now=timezone.now() + dt.timedelta(days=10)) is False
    assert SharingRequest.objects.get(pk=r.pk).status == Status.EXPECT_TO_SUPPLY


def test_deadline_counts_working_days(net):
    from sharing.fees import add_working_days

    friday = timezone.make_aware(dt.datetime(2026, 12, 4, 10))
    assert add_working_days(friday, 2).date() == dt.date(2026, 12, 8)


def test_overdue_sweep_notices_once_a_day_then_weekly(net):
    r = _received(net)
    SharingRequest.objects.filter(pk=r.pk).update(due_date=timezone.localdate() - dt.timedelta(days=1))
    assert sweeps.overdue_due() == 1
    r.refresh_from_db()
    assert r.status == Status.OVERDUE and r.overdue_noticed_on == timezone.localdate()
    assert sweeps.overdue_due() == 0  # same day: nothing more
    SharingRequest.objects.filter(pk=r.pk).update(overdue_noticed_on=timezone.localdate() - dt.timedelta(days=7))
    assert sweeps.overdue_due() == 1
    assert Notification.objects.filter(recipient=net.east, verb="sharing.request.overdue").count() == 2
    # Renewed while overdue: current again.
    actions.request_ask_renewal(request_id=r.pk, actor=net.east)
    r = actions.request_answer_renewal(request_id=r.pk, actor=net.home, approve=True)
    assert r.status == Status.RECEIVED and r.due_date > timezone.localdate()


def test_sweep_task_runs_every_step(net):
    from sharing.tasks import sharing_sweep_task

    assert sharing_sweep_task() == {"lapsed": 0, "overdue": 0, "files_deleted": 0}


def test_actions_are_audited(net):
    r = _received(net)
    verbs = set(AuditEvent.objects.filter(target_id=str(r.pk)).values_list("verb", flat=True))
    assert {"sharing.request.created", "sharing.request.sent", "sharing.request.shipped"} <= verbs
