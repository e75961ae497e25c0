"""Each transition: allowed, wrong state, wrong user; plus copy cataloging, fees, statements."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from cataloging import actions
from cataloging.models import BibRecord, Holding, LedgerEntry, RecordVersion, Statement
from office.exceptions import DomainError, InvalidTransition
from office.models import AuditEvent, Notification
from tests.cataloging.factories import fee_schedule, make_marc, make_record
from tests.factories import People, home_office, member_office

pytestmark = pytest.mark.django_db
S = BibRecord.Status


@pytest.fixture(autouse=True)
def _fees(db):
    fee_schedule()


@pytest.fixture
def people(db) -> People:
    """The demo's people this module names, each built with their office and unit only."""
    return People()


@pytest.fixture
def home(db):
    return home_office()


@pytest.fixture
def east(db):
    return member_office("east")


@pytest.fixture
def riverside(db):
    return member_office("riverside")


# --- submit -------------------------------------------------------------------------------


def test_submit_moves_draft_to_submitted(people, east):
    record = make_record(east)
    actions.record_submit(record_id=record.pk, actor=people.staff_east)
    record.refresh_from_db()
    assert record.status == S.SUBMITTED
    assert record.submitted_by == people.staff_east
    assert AuditEvent.objects.filter(verb="cataloging.record.submitted", target_id=str(record.pk)).count() == 1


def test_submit_refuses_wrong_state(people, east):
    record = make_record(east, status=S.APPROVED)
    with pytest.raises(InvalidTransition):
        actions.record_submit(record_id=record.pk, actor=people.staff_east)


def test_submit_refuses_another_office(people, east):
    record = make_record(east)
    with pytest.raises(PermissionDenied):
        actions.record_submit(record_id=record.pk, actor=people.staff_infodev)
    record.refresh_from_db()
    assert record.status == S.DRAFT


# --- review -------------------------------------------------------------------------------


def test_review_start_by_infodev_head(people, east):
    record = make_record(east, status=S.SUBMITTED, actor=people.staff_east)
    actions.record_review_start(record_id=record.pk, actor=people.head_infodev)
    record.refresh_from_db()
    assert record.status == S.IN_REVIEW
    assert record.reviewed_by == people.head_infodev


def test_review_start_refuses_wrong_state(people, east):
    record = make_record(east)
    with pytest.raises(InvalidTransition):
        actions.record_review_start(record_id=record.pk, actor=people.head_infodev)


@pytest.mark.parametrize("username", ["staff_east", "director", "staff_custsvc", "director_east"])
def test_review_start_refuses_non_reviewers(people, east, username):
    record = make_record(east, status=S.SUBMITTED, actor=people.staff_east)
    with pytest.raises(PermissionDenied):
        actions.record_review_start(record_id=record.pk, actor=people[username])


def test_nobody_reviews_their_own_submission(people, home):
    record = make_record(home, actor=people.staff_infodev)
    actions.record_submit(record_id=record.pk, actor=people.staff_infodev)
    with pytest.raises(PermissionDenied):
        actions.record_review_start(record_id=record.pk, actor=people.staff_infodev)
    actions.record_review_start(record_id=record.pk, actor=people.staff_nav)  # a colleague of the group may


def test_approve_shares_credits_and_notifies(people, east, django_capture_on_commit_callbacks):
    record = make_record(east, status=S.IN_REVIEW, actor=people.staff_east)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        actions.record_approve(record_id=record.pk, actor=people.head_infodev, note="Good record")
    record.refresh_from_db()
    assert record.status == S.APPROVED and record.shared_at is not None
    credit = LedgerEntry.objects.get(record=record)
    assert credit.organization == east
    assert credit.kind == LedgerEntry.Kind.CONTRIBUTION_CREDIT and credit.amount_minor == -500
    assert len(callbacks) >= 1
    assert Notification.objects.filter(recipient=people.staff_east, verb="cataloging.record.approved").count() == 1
    # the task is idempotent: a redelivery sends nothing new
    assert actions.record_decision_notify(record_id=record.pk, version=record.version) is False


def test_approve_refuses_wrong_state(people, east):
    record = make_record(east, status=S.SUBMITTED, actor=people.staff_east)
    with pytest.raises(InvalidTransition):
        actions.record_approve(record_id=record.pk, actor=people.head_infodev)
    assert not LedgerEntry.objects.filter(record=record).exists()


def test_approve_refuses_wrong_user(people, east):
    record = make_record(east, status=S.IN_REVIEW, actor=people.staff_east)
    with pytest.raises(PermissionDenied):
        actions.record_approve(record_id=record.pk, actor=people.staff_east)


@pytest.mark.parametrize(("action", "status"), [("record_reject", S.REJECTED), ("record_return", S.RETURNED)])
def test_reject_and_return_need_a_note(people, east, action, status):
    record = make_record(east, status=S.IN_REVIEW, actor=people.staff_east)
    with pytest.raises(DomainError):
        getattr(actions, action)(record_id=record.pk, actor=people.head_infodev, note="  ")
    getattr(actions, action)(record_id=record.pk, actor=people.head_infodev, note="Fix the 245")
    record.refresh_from_db()
    assert record.status == status and record.review_note == "Fix the 245"
    assert not LedgerEntry.objects.filter(record=record).exists()


@pytest.mark.parametrize("action", ["record_reject", "record_return"])
def test_reject_and_return_refuse_wrong_state_and_user(people, east, action):
    record = make_record(east, status=S.APPROVED)
    with pytest.raises(InvalidTransition):
        getattr(actions, action)(record_id=record.pk, actor=people.head_infodev, note="x")
    record = make_record(east, status=S.IN_REVIEW, actor=people.staff_east, title="Other")
    with pytest.raises(PermissionDenied):
        getattr(actions, action)(record_id=record.pk, actor=people.staff_riverside, note="x")


def test_returned_record_is_edited_and_resubmitted(people, east):
    record = make_record(east, status=S.IN_REVIEW, actor=people.staff_east)
    actions.record_return(record_id=record.pk, actor=people.head_infodev, note="Add a subject")
    actions.record_update(
        record_id=record.pk, actor=people.staff_east, marc_record=make_marc(subjects=("Information retrieval",))
    )
    actions.record_submit(record_id=record.pk, actor=people.staff_east)
    record.refresh_from_db()
    assert record.status == S.SUBMITTED
    assert record.version == 2
    assert record.subjects == "Information retrieval"


# --- versions -----------------------------------------------------------------------------------


def test_update_writes_a_new_immutable_version(people, east):
    record = make_record(east)
    actions.record_update(record_id=record.pk, actor=people.staff_east, marc_record=make_marc(title="New title"))
    versions = list(RecordVersion.objects.filter(record=record).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    record.refresh_from_db()
    assert record.title == "New title"
    with pytest.raises(ValueError):
        versions[0].save()


def test_update_refuses_same_content_shared_records_and_other_offices(people, east):
    record = make_record(east)
    with pytest.raises(DomainError):
        actions.record_update(record_id=record.pk, actor=people.staff_east, marc_record=make_marc())
    with pytest.raises(PermissionDenied):
        actions.record_update(record_id=record.pk, actor=people.staff_infodev, marc_record=make_marc(title="X"))
    shared = make_record(east, status=S.APPROVED, title="Shared")
    with pytest.raises(PermissionDenied):
        actions.record_update(record_id=shared.pk, actor=people.staff_east, marc_record=make_marc(title="Y"))


# --- copy cataloging ---------------------------------------------------------------------------


def test_copy_adds_holding_and_charges_fee(people, east, riverside):
    record = make_record(east, status=S.APPROVED, clc="G254")
    holding = actions.record_copy(record_id=record.pk, actor=people.staff_riverside, location="Stacks 2")
    assert holding.organization == riverside and holding.call_number == "G254"
    fee = LedgerEntry.objects.get(organization=riverside, record=record)
    assert fee.kind == LedgerEntry.Kind.COPY_FEE and fee.amount_minor == 200
    with pytest.raises(DomainError):
        actions.record_copy(record_id=record.pk, actor=people.staff_riverside)
    assert Holding.objects.filter(organization=riverside, record=record).count() == 1


def test_copy_of_own_record_is_free(people, east):
    record = make_record(east, status=S.APPROVED)
    actions.record_copy(record_id=record.pk, actor=people.staff_east)
    assert not LedgerEntry.objects.filter(record=record).exists()


def test_copy_refuses_unshared_record(people, east):
    record = make_record(east, status=S.SUBMITTED)
    with pytest.raises(PermissionDenied):
        actions.record_copy(record_id=record.pk, actor=people.staff_riverside)


def test_holding_update_refuses_another_office(people, east):
    record = make_record(east, status=S.APPROVED)
    holding = actions.record_copy(record_id=record.pk, actor=people.staff_riverside)
    with pytest.raises(PermissionDenied):
        actions.holding_update(
            holding_id=holding.pk, actor=people.staff_east, call_number="X", location="", copies=1, lendable=True
        )
    actions.holding_update(
        holding_id=holding.pk, actor=people.staff_riverside, call_number="G254/1", location="", copies=3, lendable=False
    )
    holding.refresh_from_db()
    assert (holding.call_number, holding.copies, holding.lendable) == ("G254/1", 3, False)


# --- statements ---------------------------------------------------------------------------------


def _last_month() -> tuple[int, int, datetime.datetime]:
    first = timezone.localdate().replace(day=1)
    previous = first - datetime.timedelta(days=1)
    moment = timezone.make_aware(datetime.datetime.combine(previous.replace(day=10), datetime.time(12)))
    return previous.year, previous.month, moment


def test_statement_nets_fees_and_credits_of_a_finished_month(people, home, east):
    year, month, moment = _last_month()
    shared = [make_record(east, status=S.APPROVED, title=f"Book {i}") for i in range(3)]
    for record in shared:
        actions.record_copy(record_id=record.pk, actor=people.staff_infodev)
    contribution = make_record(home, status=S.IN_REVIEW, actor=people.staff_nav, title="Ours")
    actions.record_approve(record_id=contribution.pk, actor=people.head_infodev)
    LedgerEntry.objects.update(created_at=moment)
    statement = actions.statement_close(actor=people.head_infodev, year=year, month=month)
    assert (statement.charges_minor, statement.credits_minor, statement.net_minor) == (600, 500, 100)
    assert LedgerEntry.objects.filter(organization=home, statement=statement).count() == 4
    with pytest.raises(DomainError):
        actions.statement_close(actor=people.director, year=year, month=month)


def test_statement_refuses_current_month_and_plain_staff(people):
    today = timezone.localdate()
    with pytest.raises(DomainError):
        actions.statement_close(actor=people.director, year=today.year, month=today.month)
    year, month, _ = _last_month()
    with pytest.raises(PermissionDenied):
        actions.statement_close(actor=people.staff_infodev, year=year, month=month)
    assert not Statement.objects.filter(organization__code="home").exists()
