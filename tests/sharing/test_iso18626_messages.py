"""ISO 18626 v1.2 messages: what we build parses back, and every kind of bad input gets the
standard's error type (sharing/iso18626/messages/, schema.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from sharing.iso18626 import messages as m
from sharing.iso18626.schema import NS

NOW = datetime(2026, 12, 1, 8, 30, tzinfo=UTC)


def _request(**overrides: str) -> bytes:
    fields = {"supplying": "CN-HOME", "requesting": "CN-PARTNER", "request_id": "P-1", "service_type": "Loan"}
    fields.update(overrides)
    return m.build_request(m.OutgoingRequest(**fields, title="Book", isbn="9787111111111"), now=NOW)


def _supplying(**overrides: object) -> bytes:
    fields: dict[str, object] = {
        "supplying": "CN-PARTNER",
        "requesting": "CN-HOME",
        "request_id": "SR-1",
        "supplying_request_id": "X-9",
        "reason_for_message": "StatusChange",
        "status": "Unfilled",
        "reason_unfilled": "NotHeld",
    }
    fields.update(overrides)
    return m.build_supplying_message(m.OutgoingSupplying(**fields), now=NOW)  # type: ignore[arg-type]


def _error(body: bytes) -> m.MessageError:
    with pytest.raises(m.MessageError) as info:
        m.parse(body)
    return info.value


def test_built_request_parses_back_with_its_citation() -> None:
    parsed = m.parse(_request())
    assert isinstance(parsed, m.Request)
    assert parsed.header.supplying_agency == m.AgencyId("ISIL", "CN-HOME")
    assert parsed.header.requesting_agency.value == "CN-PARTNER"
    assert parsed.header.requesting_agency_request_id == "P-1"
    assert parsed.header.timestamp == NOW
    assert parsed.bibliographic.title == "Book"
    assert parsed.bibliographic.isbn == "9787111111111"
    assert parsed.service_type == "Loan"


def test_built_supplying_message_parses_back() -> None:
    parsed = m.parse(_supplying(offered_amount=Decimal("12.5"), offered_currency="CNY", note="cond"))
    assert isinstance(parsed, m.SupplyingAgencyMessage)
    assert (parsed.status, parsed.reason_unfilled, parsed.note) == ("Unfilled", "NotHeld", "cond")
    assert parsed.offered_costs == m.Costs("CNY", Decimal("12.50"))
    assert parsed.header.supplying_agency_request_id == "X-9"


def test_built_requesting_message_and_confirmations_parse_back() -> None:
    body = m.build_requesting_message(
        m.OutgoingRequesting(
            supplying="CN-PARTNER", requesting="CN-HOME", request_id="SR-1", supplying_request_id="", action="Renew"
        )
    )
    parsed = m.parse(body)
    assert isinstance(parsed, m.RequestingAgencyMessage) and parsed.action == "Renew"
    for kind, expected in m.CONFIRMATION_OF.items():
        answer = m.parse(
            m.build_confirmation(
                kind,
                ok=False,
                received_at=NOW,
                supplying="CN-HOME",
                requesting="CN-PARTNER",
                request_id="P-1",
                error_type="UnrecognisedDataValue",
                error_value="x",
                reason_for_message="StatusChange",
                action="Cancel",
            )
        )
        assert isinstance(answer, m.Confirmation)
        assert (answer.kind, answer.message_status, answer.error_type) == (expected, "ERROR", "UnrecognisedDataValue")


def test_unprefixed_default_namespace_and_plain_version_attribute_are_accepted() -> None:
    body = f"""<?xml version="1.0"?>
<ISO18626Message xmlns="{NS}" version="1.2"><requestingAgencyMessage><header>
<supplyingAgencyId><agencyIdType>ISIL</agencyIdType><agencyIdValue>CN-HOME</agencyIdValue></supplyingAgencyId>
<requestingAgencyId><agencyIdType>ISIL</agencyIdType><agencyIdValue>CN-PARTNER</agencyIdValue></requestingAgencyId>
<timestamp>2026-12-01T08:30:00.123+08:00</timestamp><requestingAgencyRequestId>P-1</requestingAgencyRequestId>
</header><action>Cancel</action><note>please</note></requestingAgencyMessage></ISO18626Message>""".encode()
    parsed = m.parse(body)
    assert isinstance(parsed, m.RequestingAgencyMessage)
    assert parsed.header.timestamp == datetime(2026, 12, 1, 0, 30, 0, 123000, tzinfo=UTC)
    assert parsed.note == "please"


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not xml at all",
        b"<a><b></a>",
        b"<ISO18626Message/>",  # no namespace
        f'<x xmlns="{NS}"/>'.encode(),
        f'<ISO18626Message xmlns="{NS}"><request/></ISO18626Message>'.encode(),  # no version
    ],
)
def test_not_a_message_is_badly_formed(body: bytes) -> None:
    assert _error(body).error_type == "BadlyFormedMessage"


def test_entities_and_dtds_are_refused_as_badly_formed() -> None:
    for body in (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>',
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
    ):
        assert _error(body).error_type == "BadlyFormedMessage"


def test_missing_required_element_is_badly_formed_and_names_it() -> None:
    body = _request().replace(b"<ill:requestingAgencyRequestId>P-1</ill:requestingAgencyRequestId>", b"")
    error = _error(body)
    assert (error.error_type, error.kind) == ("BadlyFormedMessage", "request")
    assert "requestingAgencyRequestId" in error.value


def test_elements_out_of_order_are_badly_formed() -> None:
    body = _request().replace(
        b"<ill:requestType>New</ill:requestType><ill:serviceType>Loan</ill:serviceType>",
        b"<ill:serviceType>Loan</ill:serviceType><ill:requestType>New</ill:requestType>",
    )
    error = _error(body)
    assert error.error_type == "BadlyFormedMessage" and "out of order" in error.value


def test_unknown_element_is_unrecognised_data_element() -> None:
    body = _request().replace(b"<ill:title>Book</ill:title>", b"<ill:colour>red</ill:colour>")
    assert _error(body).error_type == "UnrecognisedDataElement"


def test_bad_date_is_badly_formed() -> None:
    body = _supplying().replace(b"2026-12-01T08:30:00Z</ill:lastChange>", b"1 Dec 2026</ill:lastChange>")
    error = _error(body)
    assert error.error_type == "BadlyFormedMessage" and "lastChange" in error.value


def test_closed_list_values_get_their_own_error_types() -> None:
    assert _error(_supplying(reason_for_message="Gossip")).error_type == "UnsupportedReasonForMessageType"
    assert _error(_supplying(status="Lost")).error_type == "UnrecognisedDataValue"
    assert _error(_supplying(reason_unfilled="TooHeavy")).error_type == "UnrecognisedDataValue"
    assert _error(_request(service_type="Lend")).error_type == "UnrecognisedDataValue"
    body = m.build_requesting_message(
        m.OutgoingRequesting(
            supplying="CN-PARTNER", requesting="CN-HOME", request_id="SR-1", supplying_request_id="", action="Dance"
        )
    )
    assert _error(body).error_type == "UnsupportedActionType"


def test_reason_unfilled_in_the_partners_own_scheme_is_accepted_but_not_acted_on() -> None:
    body = _supplying(reason_unfilled="TooHeavy").replace(
        b"<ill:reasonUnfilled>", b'<ill:reasonUnfilled ill:scheme="http://partner.example/reasons">'
    )
    parsed = m.parse(body)
    assert isinstance(parsed, m.SupplyingAgencyMessage)
    assert parsed.reason_unfilled == ""  # not one of ours: no reason we can act on


def test_bad_money_is_badly_formed() -> None:
    body = _supplying(offered_amount=Decimal("3"), offered_currency="CNY").replace(b"3.00", b"three")
    assert _error(body).error_type == "BadlyFormedMessage"


def test_two_messages_in_one_envelope_are_badly_formed() -> None:
    body = _request()
    inner = body.split(b"<ill:request>", 1)[1].rsplit(b"</ill:request>", 1)[0]
    doubled = body.replace(b"</ill:request>", b"</ill:request><ill:request>" + inner + b"</ill:request>")
    assert _error(doubled).error_type == "BadlyFormedMessage"


def test_oversized_body_is_refused() -> None:
    assert _error(b" " * (m.MAX_MESSAGE_BYTES + 1)).error_type == "BadlyFormedMessage"


def test_build_confirmation_for_an_unknown_kind_is_a_request_confirmation() -> None:
    body = m.build_confirmation("", ok=False, received_at=NOW, error_type="BadlyFormedMessage")
    parsed = m.parse(body)
    assert isinstance(parsed, m.Confirmation) and parsed.kind == "requestConfirmation"
