"""Parsing: a partner's bytes into a parsed message, through defusedxml and the v1.2 check."""

from __future__ import annotations

import xml.etree.ElementTree as ET  # noqa: S405  (ParseError only; parsing goes through defusedxml)
from datetime import datetime
from decimal import Decimal
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from sharing.iso18626 import schema
from sharing.iso18626.messages.common import (
    MAX_MESSAGE_BYTES,
    REQUEST,
    REQUEST_CONFIRMATION,
    REQUESTING_AGENCY_MESSAGE,
    REQUESTING_AGENCY_MESSAGE_CONFIRMATION,
    SUPPLYING_AGENCY_MESSAGE,
    SUPPLYING_AGENCY_MESSAGE_CONFIRMATION,
    MessageError,
)
from sharing.iso18626.messages.parsed import (
    AgencyId,
    Bibliographic,
    Confirmation,
    Costs,
    Header,
    Message,
    Request,
    RequestingAgencyMessage,
    SupplyingAgencyMessage,
)
from sharing.iso18626.schema import BADLY_FORMED, NS, SchemaError, parse_datetime, scheme_of, text_of


def parse(body: bytes) -> Message:
    """The message in `body`, checked against v1.2; `MessageError` when it is not one."""
    if not body or len(body) > MAX_MESSAGE_BYTES:
        raise MessageError(BADLY_FORMED, "empty body" if not body else "message too large")
    try:
        root = fromstring(body, forbid_dtd=True)
    except DefusedXmlException:
        raise MessageError(BADLY_FORMED, "DTDs and entities are not accepted")
    except (ET.ParseError, ValueError) as exc:
        raise MessageError(BADLY_FORMED, f"not well-formed XML: {exc}")
    kind = _kind_of(root)
    try:
        schema.check_root(root)
    except SchemaError as exc:
        raise MessageError(exc.error_type, exc.value, kind=kind)
    node = next(child for child in root if isinstance(child.tag, str))
    return _READERS[kind](node)


def _kind_of(root: Any) -> str:
    """The message kind if the envelope is right, even when the message inside is not."""
    if schema.local(root.tag) != "ISO18626Message":
        return ""
    for child in root:
        name = schema.local(child.tag)
        if name in schema.MESSAGES:
            return name
    return ""


def _child(node: Any, name: str) -> Any:
    return node.find(f"{{{NS}}}{name}")


def _text(node: Any, path: str) -> str:
    for name in path.split("/"):
        if node is None:
            return ""
        node = _child(node, name)
    return (node.text or "").strip() if node is not None else ""


def _when(node: Any, path: str) -> datetime | None:
    value = _text(node, path)
    return parse_datetime(value) if value else None


def _agency(node: Any) -> AgencyId | None:
    if node is None:
        return None
    return AgencyId(type=text_of(node, "agencyIdType"), value=text_of(node, "agencyIdValue"))


def _costs(node: Any) -> Costs | None:
    if node is None:
        return None
    return Costs(currency=text_of(node, "currencyCode").upper(), amount=Decimal(text_of(node, "monetaryValue")))


def _header(node: Any) -> Header:
    header = _child(node, "header")
    return Header(
        supplying_agency=_agency(_child(header, "supplyingAgencyId")),  # type: ignore[arg-type]
        requesting_agency=_agency(_child(header, "requestingAgencyId")),  # type: ignore[arg-type]
        timestamp=_when(header, "timestamp"),  # type: ignore[arg-type]
        requesting_agency_request_id=_text(header, "requestingAgencyRequestId"),
        supplying_agency_request_id=_text(header, "supplyingAgencyRequestId"),
        multiple_item_request_id=_text(header, "multipleItemRequestId"),
        account_id=_text(header, "requestingAgencyAuthentication/accountId"),
        security_code=_text(header, "requestingAgencyAuthentication/securityCode"),
    )


def _identifier(bib: Any, code: str) -> str:
    for item in bib.findall(f"{{{NS}}}bibliographicItemId"):
        if text_of(item, "bibliographicItemIdentifierCode").upper() == code:
            return text_of(item, "bibliographicItemIdentifier")
    return ""


def _read_request(node: Any) -> Request:
    header = _header(node)
    if not header.requesting_agency_request_id:
        raise MessageError(BADLY_FORMED, "request/header/requestingAgencyRequestId is empty", kind=REQUEST)
    bib = _child(node, "bibliographicInfo")
    bibliographic = Bibliographic(
        supplier_unique_record_id=_text(bib, "supplierUniqueRecordId"),
        title=_text(bib, "title"),
        author=_text(bib, "author"),
        edition=_text(bib, "edition"),
        title_of_component=_text(bib, "titleOfComponent"),
        author_of_component=_text(bib, "authorOfComponent"),
        volume=_text(bib, "volume"),
        issue=_text(bib, "issue"),
        pages_requested=_text(bib, "pagesRequested"),
        isbn=_identifier(bib, "ISBN"),
        issn=_identifier(bib, "ISSN"),
        publisher=_text(node, "publicationInfo/publisher"),
        publication_date=_text(node, "publicationInfo/publicationDate"),
    )
    return Request(
        header=header,
        bibliographic=bibliographic,
        service_type=_text(node, "serviceInfo/serviceType") or "Loan",
        request_type=_text(node, "serviceInfo/requestType") or "New",
        need_before=_when(node, "serviceInfo/needBeforeDate"),
        copyright_compliance=_text(node, "serviceInfo/copyrightCompliance"),
        note=_text(node, "serviceInfo/note"),
        maximum_costs=_costs(_child(_child(node, "billingInfo"), "maximumCosts"))
        if _child(node, "billingInfo") is not None
        else None,
        requesting_agency_name=_text(node, "requestingAgencyInfo/name"),
    )


def _read_supplying(node: Any) -> SupplyingAgencyMessage:
    info = _child(node, "messageInfo")
    unfilled = _child(info, "reasonUnfilled")
    return SupplyingAgencyMessage(
        header=_header(node),
        reason_for_message=_text(info, "reasonForMessage"),
        answer_yes_no=_text(info, "answerYesNo"),
        note=_text(info, "note"),
        reason_unfilled=(unfilled.text or "").strip() if unfilled is not None and not scheme_of(unfilled) else "",
        reason_retry=_text(info, "reasonRetry"),
        offered_costs=_costs(_child(info, "offeredCosts")),
        status=_text(node, "statusInfo/status"),
        expected_delivery=_when(node, "statusInfo/expectedDeliveryDate"),
        due_date=_when(node, "statusInfo/dueDate"),
        last_change=_when(node, "statusInfo/lastChange"),  # type: ignore[arg-type]
        date_sent=_when(node, "deliveryInfo/dateSent"),
        item_id=_text(node, "deliveryInfo/itemId"),
        sent_via=_text(node, "deliveryInfo/sentVia"),
    )


def _read_requesting(node: Any) -> RequestingAgencyMessage:
    return RequestingAgencyMessage(header=_header(node), action=_text(node, "action"), note=_text(node, "note"))


def _read_confirmation(node: Any) -> Confirmation:
    head = _child(node, "confirmationHeader")
    return Confirmation(
        kind=schema.local(node.tag),
        message_status=_text(head, "messageStatus"),
        timestamp=_when(head, "timestamp"),  # type: ignore[arg-type]
        timestamp_received=_when(head, "timestampReceived"),  # type: ignore[arg-type]
        supplying_agency=_agency(_child(head, "supplyingAgencyId")),
        requesting_agency=_agency(_child(head, "requestingAgencyId")),
        requesting_agency_request_id=_text(head, "requestingAgencyRequestId"),
        error_type=_text(node, "errorData/errorType"),
        error_value=_text(node, "errorData/errorValue"),
        reason_for_message=_text(node, "reasonForMessage"),
        action=_text(node, "action"),
    )


_READERS = {
    REQUEST: _read_request,
    SUPPLYING_AGENCY_MESSAGE: _read_supplying,
    REQUESTING_AGENCY_MESSAGE: _read_requesting,
    REQUEST_CONFIRMATION: _read_confirmation,
    SUPPLYING_AGENCY_MESSAGE_CONFIRMATION: _read_confirmation,
    REQUESTING_AGENCY_MESSAGE_CONFIRMATION: _read_confirmation,
}
