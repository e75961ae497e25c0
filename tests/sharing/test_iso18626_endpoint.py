"""POST /sharing/iso18626: partner messages in (request, requesting and supplying agency
messages), the confirmations out, refusals that write nothing, repeats and out-of-order
messages, and the outgoing messages our own transitions write for partners."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cataloging.models import BibRecord, Holding
from office.models import AuditEvent
from sharing import actions
from sharing.iso18626 import messages as m
from sharing.models import Agency, RequestEvent, SharingRequest
from tests import factories
from tests.cataloging.factories import make_record

pytestmark = pytest.mark.django_db

ISBN = "9780070544840"
URL = "/sharing/iso18626"
CODE = "partner-shared-code-0001"
STRANGER_CODE = "stranger-shared-code-0002"
Status = SharingRequest.Status


@pytest.fixture
def net() -> dict[str, Any]:
    home, east = factories.home_office(), factories.member_office("east")
    agencies = {
        "home": Agency.objects.create(agency_id="CN-HOME", organization=home, name="Home"),
        "east": Agency.objects.create(agency_id="CN-EAST", organization=east, name="East"),
        "partner": Agency.objects.create(
            agency_id="CN-PARTNER",
            name="Partner",
            is_partner=True,
            iso_address="http://127.0.0.1:9/iso",
            iso_secret=CODE,
        ),
        "stranger": Agency.objects.create(
            agency_id="CN-OTHER", name="Other", is_partner=True, iso_secret=STRANGER_CODE
        ),
    }
    record = make_record(home, status=BibRecord.Status.APPROVED, isbn=ISBN)
    Holding.objects.create(record=record, organization=home, lendable=True)
    agencies["home_staff"] = factories.staff("iso_home", organization=home)
    agencies["east_staff"] = factories.staff("iso_east", organization=east)
    return agencies


def _post(body: bytes, code: str | None = CODE, **headers: str) -> tuple[int, m.Confirmation]:
    """POST a message, by default with CN-PARTNER's security code in the HTTP header."""
    if code is not None:
        headers.setdefault("HTTP_X_ISO18626_SECURITY_CODE", code)
    response = Client().post(URL, data=body, content_type="application/xml", **headers)
    assert response["Content-Type"].startswith("application/xml")
    answer = m.parse(response.content)
    assert isinstance(answer, m.Confirmation)
    return response.status_code, answer


def _partner_request(request_id: str = "P-1", supplying: str = "CN-HOME", **fields: Any) -> bytes:
    values: dict[str, Any] = {"title": "Information retrieval", "isbn": ISBN, "service_type": "Loan"}
    values.update(fields)
    return m.build_request(
        m.OutgoingRequest(
            supplying=supplying, requesting=values.pop("requesting", "CN-PARTNER"), request_id=request_id, **values
        )
    )


def _requesting(action: str, request_id: str = "P-1", note: str = "", supplying: str = "CN-HOME") -> bytes:
    return m.build_requesting_message(
        m.OutgoingRequesting(
            supplying=supplying,
            requesting="CN-PARTNER",
            request_id=request_id,
            supplying_request_id="",
            action=action,
            note=note,
        )
    )


def _supplying(number: str, status: str, reason: str = "StatusChange", **extra: Any) -> bytes:
    return m.build_supplying_message(
        m.OutgoingSupplying(
            supplying="CN-PARTNER",
            requesting="CN-HOME",
            request_id=number,
            supplying_request_id="PX-1",
            reason_for_message=reason,
            status=status,
            **extra,
        )
    )


def _counts() -> tuple[int, int, int]:
    return SharingRequest.objects.count(), RequestEvent.objects.count(), AuditEvent.objects.count()


def _out(request: SharingRequest) -> list[m.Message]:
    rows = request.events.filter(direction=RequestEvent.Direction.OUT).order_by("pk")
    return [m.parse(row.payload.encode()) for row in rows]


# --- a partner's request --------------------------------------------------------------------


def test_partner_request_becomes_a_lending_request_at_the_office(net, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks() as queued:
        status, answer = _post(_partner_request())
    assert status == 200
    assert (answer.kind, answer.message_status) == ("requestConfirmation", "OK")
    assert answer.requesting_agency_request_id == "P-1"
    request = SharingRequest.objects.get(peer_request_id="P-1")
    assert (request.borrower, request.lender, request.status) == (net["partner"], net["home"], Status.SENT)
    assert request.title == "Information retrieval" and request.service_type == "loan"
    incoming = request.events.get(direction=RequestEvent.Direction.IN)
    assert incoming.agency == net["partner"] and b"Information retrieval" in incoming.payload.encode()
    assert request.events.order_by("created_at", "pk").first() == incoming  # the timeline starts with it
    assert _out(request) == [] and queued == []  # held and lendable: the office's staff answer


def test_repeated_request_id_from_the_same_partner_does_not_create_a_second_request(net) -> None:
    assert _post(_partner_request())[1].message_status == "OK"
    before = _counts()
    status, answer = _post(_partner_request())
    assert (status, answer.message_status) == (200, "OK")
    assert SharingRequest.objects.filter(peer_request_id="P-1").count() == 1
    assert _counts()[0] == before[0]


def test_request_for_an_item_not_held_is_answered_unfilled_not_held(net, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks() as queued:
        _status, answer = _post(_partner_request(isbn="9787300000007", title="Not here"))
    assert answer.message_status == "OK"
    request = SharingRequest.objects.get(peer_request_id="P-1")
    assert (request.status, request.reason_unfilled) == (Status.UNFILLED, "NotHeld")
    [message] = _out(request)
    assert isinstance(message, m.SupplyingAgencyMessage)
    assert (message.status, message.reason_unfilled) == ("Unfilled", "NotHeld")
    assert message.header.requesting_agency_request_id == "P-1"
    assert message.header.supplying_agency.value == "CN-HOME"
    assert message.header.supplying_agency_request_id == request.number
    assert len(queued) == 1  # the send task, after commit


def test_request_held_but_not_lendable_is_answered_non_circulating(net) -> None:
    Holding.objects.update(lendable=False)
    _post(_partner_request())
    request = SharingRequest.objects.get(peer_request_id="P-1")
    assert (request.status, request.reason_unfilled) == (Status.UNFILLED, "NonCirculating")
    assert _out(request)[0].reason_unfilled == "NonCirculating"


@pytest.mark.parametrize(
    ("body", "error_value"),
    [
        (lambda: _partner_request(requesting="CN-NOBODY"), "requestingAgencyId"),
        (lambda: _partner_request(supplying="CN-NOBODY"), "supplyingAgencyId"),
        (lambda: _partner_request(supplying="CN-OTHER"), "supplyingAgencyId"),  # a partner, not our office
        (lambda: _partner_request(requesting="CN-EAST", supplying="CN-HOME"), "requestingAgencyId"),  # not a partner
    ],
)
def test_unknown_agency_is_refused_and_nothing_is_written(net, body, error_value) -> None:
    before = _counts()
    status, answer = _post(body())
    assert status == 200
    assert (answer.message_status, answer.error_type) == ("ERROR", "UnrecognisedDataValue")
    assert error_value in answer.error_value
    assert _counts() == before


def test_inactive_partner_is_refused(net) -> None:
    Agency.objects.filter(pk=net["partner"].pk).update(is_active=False)
    assert _post(_partner_request())[1].error_type == "UnrecognisedDataValue"
    assert not SharingRequest.objects.exists()


def test_bad_citation_is_refused_and_nothing_is_written(net) -> None:
    before = _counts()
    _status, answer = _post(_partner_request(service_type="Copy", pages_requested=""))  # a copy without pages
    assert (answer.message_status, answer.error_type) == ("ERROR", "UnrecognisedDataValue")
    assert "pages" in answer.error_value
    assert _counts() == before


@pytest.mark.parametrize(
    "body", [b"", b"<html>hello</html>", b"\x00\xff", b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>']
)
def test_malformed_input_is_badly_formed_message_not_an_error_page(net, body) -> None:
    before = _counts()
    status, answer = _post(body)
    assert status == 200
    assert (answer.kind, answer.message_status, answer.error_type) == (
        "requestConfirmation",
        "ERROR",
        "BadlyFormedMessage",
    )
    assert _counts() == before


def test_oversized_body_is_badly_formed(net, settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    status, answer = _post(_partner_request() + b" " * 2000)
    assert (status, answer.error_type) == (200, "BadlyFormedMessage")
    assert not SharingRequest.objects.exists()


def test_partner_request_our_office_does_not_answer_in_time_ends_unfilled_for_the_partner(net) -> None:
    request = _lent(net)
    SharingRequest.objects.filter(pk=request.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    assert actions.request_lapse(request.pk)
    request.refresh_from_db()
    assert request.status == Status.UNFILLED
    [message] = _out(request)
    assert (message.status, message.header.supplying_agency.value) == ("Unfilled", "CN-HOME")


def test_invalid_message_is_answered_with_its_own_confirmation_type(net) -> None:
    body = _requesting("Cancel").replace(b"<ill:action>Cancel</ill:action>", b"")
    _status, answer = _post(body)
    assert (answer.kind, answer.error_type) == ("requestingAgencyMessageConfirmation", "BadlyFormedMessage")


def test_get_is_not_allowed(net) -> None:
    assert Client().get(URL).status_code == 405
    assert reverse("sharing:iso18626") == URL


def test_database_failure_is_503_with_an_error_confirmation(net, monkeypatch) -> None:
    def broken(**_kwargs: Any) -> None:
        raise DatabaseError("connection lost")

    monkeypatch.setattr("sharing.actions.iso.message_receive", broken)
    status, answer = _post(_partner_request())
    assert status == 503 and answer.message_status == "ERROR" and answer.error_type == ""


def _with_code_in_header(body: bytes, code: str) -> bytes:
    return body.replace(
        b"</ill:requestingAgencyRequestId>",
        b"</ill:requestingAgencyRequestId><ill:requestingAgencyAuthentication>"
        + b"<ill:securityCode>"
        + code.encode()
        + b"</ill:securityCode></ill:requestingAgencyAuthentication>",
        1,
    )


@pytest.mark.parametrize(
    "code",
    [None, "", "wrong-code-wrong-code", CODE[:-1], CODE + "x", STRANGER_CODE, "ü" * 20],
    ids=["missing", "empty", "wrong", "prefix", "longer", "another_partners", "non_ascii"],
)
def test_message_without_the_partners_security_code_is_refused_and_writes_nothing(net, code) -> None:
    before = _counts()
    status, answer = _post(_partner_request(), code=code)
    assert status == 200
    assert (answer.kind, answer.message_status, answer.error_type) == (
        "requestConfirmation",
        "ERROR",
        "UnrecognisedDataValue",
    )
    assert "security code" in answer.error_value
    assert _counts() == before


def test_unknown_agency_and_wrong_code_get_the_same_answer(net) -> None:
    """A caller cannot learn from the answer which agency ids are our partners."""
    _s, unknown = _post(_partner_request(requesting="CN-NOBODY"))
    _s, wrong = _post(_partner_request(), code="wrong-code-wrong-code")
    assert unknown.error_value.replace("CN-NOBODY", "X") == wrong.error_value.replace("CN-PARTNER", "X")


def test_partner_without_a_security_code_set_is_refused(net) -> None:
    Agency.objects.filter(pk=net["partner"].pk).update(iso_secret="")
    assert _post(_partner_request(), code="")[1].error_type == "UnrecognisedDataValue"
    assert _post(_partner_request(), code=CODE)[1].error_type == "UnrecognisedDataValue"
    assert not SharingRequest.objects.exists()


def test_security_code_in_the_http_header_or_the_message_header_is_accepted(net) -> None:
    assert _post(_partner_request("P-1"))[1].message_status == "OK"
    assert _post(_with_code_in_header(_partner_request("P-2"), CODE), code=None)[1].message_status == "OK"
    # The code in the message wins over the HTTP header: a wrong one there is refused.
    body = _with_code_in_header(_partner_request("P-3"), "wrong-code-wrong-code")
    assert _post(body)[1].message_status == "ERROR"
    assert set(SharingRequest.objects.values_list("peer_request_id", flat=True)) == {"P-1", "P-2"}


def test_security_code_is_not_kept_on_the_timeline(net) -> None:
    _post(_with_code_in_header(_partner_request("P-2"), CODE), code=None)
    incoming = RequestEvent.objects.get(direction=RequestEvent.Direction.IN)
    assert CODE not in incoming.payload
    assert "<ill:securityCode>***</ill:securityCode>" in incoming.payload
    assert not AuditEvent.objects.filter(data__icontains=CODE).exists()


def test_follow_up_messages_without_the_code_change_nothing(net) -> None:
    """requestingAgencyMessage (the partner borrows) and supplyingAgencyMessage (it lends)."""
    _post(_partner_request())
    lent = SharingRequest.objects.get(peer_request_id="P-1")
    borrowed = _borrowed(net)
    before = _counts()
    for body in (_requesting("Cancel"), _supplying(borrowed.number, "WillSupply", reason="RequestResponse")):
        _status, answer = _post(body, code="wrong-code-wrong-code")
        assert (answer.message_status, answer.error_type) == ("ERROR", "UnrecognisedDataValue")
    assert _counts() == before
    lent.refresh_from_db()
    borrowed.refresh_from_db()
    assert (lent.status, borrowed.status) == (Status.SENT, Status.SENT)
    # With the code the same messages are taken.
    assert _post(_supplying(borrowed.number, "WillSupply", reason="RequestResponse"))[1].message_status == "OK"
    borrowed.refresh_from_db()
    assert borrowed.status == Status.WILL_SUPPLY


# --- the partner borrows from us: requestingAgencyMessage -----------------------------------


def _lent(net: dict[str, Any]) -> SharingRequest:
    _post(_partner_request())
    return SharingRequest.objects.get(peer_request_id="P-1")


def test_partner_cancels_before_we_commit_and_gets_a_cancel_response(net) -> None:
    request = _lent(net)
    _status, answer = _post(_requesting("Cancel", note="no longer needed"))
    assert (answer.kind, answer.message_status, answer.action) == (
        "requestingAgencyMessageConfirmation",
        "OK",
        "Cancel",
    )
    request.refresh_from_db()
    assert request.status == Status.CANCELLED
    [response] = _out(request)
    assert (response.reason_for_message, response.answer_yes_no, response.status) == (
        "CancelResponse",
        "Y",
        "Cancelled",
    )
    assert _post(_requesting("Cancel"))[1].message_status == "OK"  # a repeat changes nothing
    assert len(_out(request)) == 1


def test_partner_cancel_once_we_will_supply_waits_for_our_answer(net) -> None:
    request = _lent(net)
    actions.request_will_supply(request_id=request.pk, actor=net["home_staff"])
    _post(_requesting("Cancel"))
    request.refresh_from_db()
    assert (request.status, request.pending) == (Status.WILL_SUPPLY, "cancel")
    actions.request_answer_cancel(request_id=request.pk, approve=False, actor=net["home_staff"])
    answers = [msg for msg in _out(request) if msg.reason_for_message == "CancelResponse"]
    assert [(a.answer_yes_no, a.status) for a in answers] == [("N", "WillSupply")]


def test_loan_cycle_with_a_partner_borrower(net) -> None:
    request = _lent(net)
    staff = net["home_staff"]
    actions.request_will_supply(request_id=request.pk, actor=staff)
    due = timezone.localdate() + timedelta(days=20)
    actions.request_ship(request_id=request.pk, actor=staff, tracking_number="SF123", due_date=due)
    assert _post(_requesting("Received"))[1].message_status == "OK"
    assert _post(_requesting("Received"))[1].message_status == "OK"  # repeated: nothing more
    assert _post(_requesting("Renew"))[1].message_status == "OK"
    request.refresh_from_db()
    assert (request.status, request.pending) == (Status.RECEIVED, "renew")
    actions.request_answer_renewal(request_id=request.pk, approve=True, actor=staff)
    assert _post(_requesting("ShippedReturn", note="EMS42"))[1].message_status == "OK"
    actions.request_check_in(request_id=request.pk, actor=staff)
    request.refresh_from_db()
    assert request.status == Status.COMPLETE
    sent = [(msg.reason_for_message, msg.status, msg.answer_yes_no) for msg in _out(request)]
    assert sent == [
        ("RequestResponse", "WillSupply", ""),
        ("StatusChange", "Loaned", ""),
        ("RenewResponse", "Loaned", "Y"),
        ("StatusChange", "LoanCompleted", ""),
    ]
    loaned = _out(request)[1]
    assert loaned.item_id == "SF123" and loaned.due_date is not None and loaned.due_date.date() == due


def test_out_of_order_requesting_message_is_refused_and_changes_nothing(net) -> None:
    request = _lent(net)
    before = _counts()
    _status, answer = _post(_requesting("ShippedReturn"))  # it was never shipped
    assert (answer.message_status, answer.error_type) == ("ERROR", "UnrecognisedDataValue")
    request.refresh_from_db()
    assert request.status == Status.SENT and _counts() == before


def test_requesting_message_for_an_unknown_transaction_is_refused(net) -> None:
    _lent(net)
    assert _post(_requesting("Cancel", request_id="P-404"))[1].error_type == "UnrecognisedDataValue"
    assert _post(_requesting("Cancel", supplying="CN-EAST"))[1].error_type == "UnrecognisedDataValue"


def test_unsupported_action_is_refused(net) -> None:
    request = _lent(net)
    before = _counts()
    _status, answer = _post(_requesting("ShippedForward"))
    assert (answer.message_status, answer.error_type) == ("ERROR", "UnsupportedActionType")
    assert _counts() == before and request.status == Status.SENT


def test_status_request_is_answered_with_the_current_status(net) -> None:
    request = _lent(net)
    actions.request_expect_to_supply(request_id=request.pk, actor=net["home_staff"])
    _post(_requesting("StatusRequest"))
    last = _out(request)[-1]
    assert (last.reason_for_message, last.status) == ("StatusRequestResponse", "ExpectToSupply")


def test_partner_accepts_our_condition(net) -> None:
    request = _lent(net)
    actions.request_propose_condition(request_id=request.pk, actor=net["home_staff"], fee_minor=1500, note="In library")
    offer = _out(request)[-1]
    assert offer.offered_costs == m.Costs("CNY", Decimal("15.00")) and "In library" in offer.note
    _post(_requesting("Notification", note="#ConditionAccepted#"))
    request.refresh_from_db()
    assert (request.status, request.agreed_fee_minor) == (Status.WILL_SUPPLY, 1500)


# --- we borrow from the partner: supplyingAgencyMessage -------------------------------------


def _borrowed(net: dict[str, Any], **citation: Any) -> SharingRequest:
    Agency.objects.filter(pk=net["home"].pk).update(preference_list=["CN-PARTNER"], rota_rule="preference")
    values = {"title": "Rare book", "isbn": "9787300000007"} | citation
    return actions.request_create(actor=net["home_staff"], service_type="loan", **values)


def test_our_request_to_a_partner_goes_out_as_an_iso_request(net, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks() as queued:
        request = _borrowed(net)
    assert (request.status, request.lender) == (Status.SENT, net["partner"])
    [message] = _out(request)
    assert isinstance(message, m.Request)
    assert message.header.requesting_agency_request_id == request.number
    assert (message.header.requesting_agency.value, message.header.supplying_agency.value) == ("CN-HOME", "CN-PARTNER")
    assert (message.bibliographic.title, message.bibliographic.isbn, message.service_type) == (
        "Rare book",
        "9787300000007",
        "Loan",
    )
    assert len(queued) == 1


def test_partner_supplies_our_request(net) -> None:
    request = _borrowed(net)
    _status, answer = _post(_supplying(request.number, "WillSupply", "RequestResponse"))
    assert (answer.kind, answer.message_status, answer.reason_for_message) == (
        "supplyingAgencyMessageConfirmation",
        "OK",
        "RequestResponse",
    )
    due = datetime.now(UTC) + timedelta(days=30)
    sent = datetime.now(UTC)
    assert (
        _post(_supplying(request.number, "Loaned", due_date=due, date_sent=sent, item_id="T-1"))[1].message_status
        == "OK"
    )
    request.refresh_from_db()
    assert (request.status, request.tracking_number) == (Status.SHIPPED, "T-1")
    assert request.due_date == timezone.localtime(due).date()
    actions.request_mark_received(request_id=request.pk, actor=net["home_staff"])
    assert [(msg.kind, getattr(msg, "action", "")) for msg in _out(request)] == [
        ("request", ""),
        ("requestingAgencyMessage", "Received"),
    ]


def test_out_of_order_supplying_message_is_confirmed_and_ignored(net) -> None:
    request = _borrowed(net)
    due = datetime.now(UTC) + timedelta(days=30)
    assert (
        _post(_supplying(request.number, "Loaned", due_date=due, date_sent=datetime.now(UTC)))[1].message_status == "OK"
    )
    before = RequestEvent.objects.filter(direction="internal").count()
    _status, answer = _post(_supplying(request.number, "WillSupply", "RequestResponse"))  # arrives late
    assert answer.message_status == "OK"
    request.refresh_from_db()
    assert request.status == Status.SHIPPED
    assert RequestEvent.objects.filter(direction="internal").count() == before + 1  # only the "ignored" note
    assert request.events.filter(kind="iso18626_ignored").exists()


def test_supplying_message_that_does_not_fit_the_state_is_refused(net) -> None:
    request = _borrowed(net)
    before = _counts()
    _status, answer = _post(_supplying(request.number, "LoanCompleted"))  # never shipped, never returned
    assert (answer.message_status, answer.error_type) == ("ERROR", "UnrecognisedDataValue")
    assert _counts() == before


def test_partner_condition_then_our_acceptance_is_sent_back(net) -> None:
    request = _borrowed(net)
    body = _supplying(
        request.number,
        "ExpectToSupply",
        "RequestResponse",
        offered_amount=Decimal("12.5"),
        offered_currency="CNY",
        note="#Condition# Reading room only",
    )
    assert _post(body)[1].message_status == "OK"
    request.refresh_from_db()
    assert (request.status, request.proposed_fee_minor, request.condition_note) == (
        Status.CONDITIONAL,
        1250,
        "Reading room only",
    )
    actions.request_accept_condition(request_id=request.pk, actor=net["home_staff"])
    last = _out(request)[-1]
    assert (last.action, last.note) == ("Notification", "#ConditionAccepted#")


def test_partner_condition_in_a_foreign_currency_is_refused(net) -> None:
    request = _borrowed(net)
    body = _supplying(
        request.number, "ExpectToSupply", "RequestResponse", offered_amount=Decimal("3"), offered_currency="USD"
    )
    assert _post(body)[1].error_type == "UnrecognisedDataValue"
    request.refresh_from_db()
    assert request.status == Status.SENT


def test_partner_unfilled_ends_our_request_when_no_lender_is_left(net) -> None:
    request = _borrowed(net)
    _status, answer = _post(_supplying(request.number, "Unfilled", "RequestResponse", reason_unfilled="NotOnShelf"))
    assert answer.message_status == "OK"
    request.refresh_from_db()
    assert (request.status, request.reason_unfilled) == (Status.UNFILLED, "NotOnShelf")


def test_supplying_message_for_a_request_not_sent_to_that_partner_is_refused(net) -> None:
    own = actions.request_create(actor=net["east_staff"], service_type="loan", title="x", isbn=ISBN)
    assert own.lender == net["home"]
    before = _counts()
    body = _supplying(own.number, "WillSupply").replace(b"CN-HOME", b"CN-EAST")
    assert _post(body)[1].error_type == "UnrecognisedDataValue"
    assert _post(_supplying("ILL1999-000001", "WillSupply"))[1].error_type == "UnrecognisedDataValue"
    assert _counts() == before


def test_we_cancel_and_the_partner_answers(net) -> None:
    request = _borrowed(net)
    assert _post(_supplying(request.number, "WillSupply", "RequestResponse"))[1].message_status == "OK"
    actions.request_cancel(request_id=request.pk, actor=net["home_staff"])
    assert _out(request)[-1].action == "Cancel"
    body = _supplying(request.number, "Cancelled", "CancelResponse", answer_yes_no="Y")
    assert _post(body)[1].message_status == "OK"
    request.refresh_from_db()
    assert request.status == Status.CANCELLED


def test_lapsed_partner_is_told_the_request_is_withdrawn(net) -> None:
    request = _borrowed(net)
    SharingRequest.objects.filter(pk=request.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    assert actions.request_lapse(request.pk)
    last = _out(request)[-1]
    assert (last.kind, last.action, last.note) == ("requestingAgencyMessage", "Cancel", "#Lapsed#")
    # Its late answer changes nothing.
    assert _post(_supplying(request.number, "WillSupply", "RequestResponse"))[1].message_status == "OK"
    request.refresh_from_db()
    assert request.status == Status.UNFILLED


def test_partner_without_an_address_gets_no_messages(net) -> None:
    Agency.objects.filter(pk=net["partner"].pk).update(iso_address="")
    request = _borrowed(net)
    assert request.lender == net["partner"] and _out(request) == []
