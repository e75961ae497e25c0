"""ISO 18626 v1.2 messages: parse what partners send into typed values, build what we send.

Parsing uses defusedxml (no DTDs, no entities: a message with any is refused), then checks the
message against our statement of the v1.2 structure (`schema.py`). Every failure is a
`MessageError` carrying the ISO error type the confirmation answers with.

Building uses the standard library's ElementTree with the `ill:` prefix on every element and on
the `version` attribute (the v1.2 schema qualifies attributes).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # noqa: S405  (building only; parsing goes through defusedxml)
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from sharing.iso18626 import schema
from sharing.iso18626.schema import BADLY_FORMED, NS, VERSION, SchemaError, parse_datetime, scheme_of, text_of

ET.register_namespace("ill", NS)
MAX_MESSAGE_BYTES = 256 * 1024  # a request with every optional element is a few kilobytes
AGENCY_ID_TYPE = "ISIL"

REQUEST = "request"
REQUEST_CONFIRMATION = "requestConfirmation"
SUPPLYING_AGENCY_MESSAGE = "supplyingAgencyMessage"
SUPPLYING_AGENCY_MESSAGE_CONFIRMATION = "supplyingAgencyMessageConfirmation"
REQUESTING_AGENCY_MESSAGE = "requestingAgencyMessage"
REQUESTING_AGENCY_MESSAGE_CONFIRMATION = "requestingAgencyMessageConfirmation"
CONFIRMATION_OF = {
    REQUEST: REQUEST_CONFIRMATION,
    SUPPLYING_AGENCY_MESSAGE: SUPPLYING_AGENCY_MESSAGE_CONFIRMATION,
    REQUESTING_AGENCY_MESSAGE: REQUESTING_AGENCY_MESSAGE_CONFIRMATION,
}


_SECURITY_CODE = re.compile(r"(<(?:[\w.-]+:)?securityCode\b[^>]*>)(.*?)(</(?:[\w.-]+:)?securityCode\s*>)", re.DOTALL)


def redact_security_code(text: str) -> str:
    """The message as kept on a timeline: a security code in its header is replaced by ***."""
    return _SECURITY_CODE.sub(r"\1***\3", text)


class MessageError(Exception):
    """The message cannot be accepted; answered with messageStatus ERROR and this errorData.
    `kind` is the message kind when it could be told (it picks the confirmation type)."""

    def __init__(self, error_type: str, value: str = "", *, kind: str = "") -> None:
        super().__init__(f"{error_type}: {value}")
        self.error_type = error_type
        self.value = value[:500]
        self.kind = kind


# --- parsed messages ------------------------------------------------------------------------


@dataclass(frozen=True)
class AgencyId:
    type: str
    value: str


@dataclass(frozen=True)
class Header:
    supplying_agency: AgencyId
    requesting_agency: AgencyId
    timestamp: datetime
    requesting_agency_request_id: str
    supplying_agency_request_id: str = ""
    multiple_item_request_id: str = ""
    account_id: str = ""
    security_code: str = ""


@dataclass(frozen=True)
class Costs:
    currency: str
    amount: Decimal


@dataclass(frozen=True)
class Bibliographic:
    supplier_unique_record_id: str = ""
    title: str = ""
    author: str = ""
    edition: str = ""
    title_of_component: str = ""
    author_of_component: str = ""
    volume: str = ""
    issue: str = ""
    pages_requested: str = ""
    isbn: str = ""
    issn: str = ""
    publisher: str = ""
    publication_date: str = ""


@dataclass(frozen=True)
class Request:
    header: Header
    bibliographic: Bibliographic
    service_type: str = "Loan"  # Copy | Loan | CopyOrLoan
    request_type: str = "New"
    need_before: datetime | None = None
    copyright_compliance: str = ""
    note: str = ""
    maximum_costs: Costs | None = None
    requesting_agency_name: str = ""
    kind: str = field(default=REQUEST, init=False)


@dataclass(frozen=True)
class SupplyingAgencyMessage:
    header: Header
    reason_for_message: str
    status: str
    last_change: datetime
    answer_yes_no: str = ""
    note: str = ""
    reason_unfilled: str = ""
    reason_retry: str = ""
    offered_costs: Costs | None = None
    expected_delivery: datetime | None = None
    due_date: datetime | None = None
    date_sent: datetime | None = None
    item_id: str = ""
    sent_via: str = ""
    kind: str = field(default=SUPPLYING_AGENCY_MESSAGE, init=False)


@dataclass(frozen=True)
class RequestingAgencyMessage:
    header: Header
    action: str
    note: str = ""
    kind: str = field(default=REQUESTING_AGENCY_MESSAGE, init=False)


@dataclass(frozen=True)
class Confirmation:
    kind: str  # requestConfirmation | supplyingAgencyMessageConfirmation | requestingAgencyMessageConfirmation
    message_status: str  # OK | ERROR
    timestamp: datetime
    timestamp_received: datetime
    supplying_agency: AgencyId | None = None
    requesting_agency: AgencyId | None = None
    requesting_agency_request_id: str = ""
    error_type: str = ""
    error_value: str = ""
    reason_for_message: str = ""
    action: str = ""


Message = Request | SupplyingAgencyMessage | RequestingAgencyMessage | Confirmation


# --- parsing --------------------------------------------------------------------------------


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


# --- building -------------------------------------------------------------------------------


def _q(name: str) -> str:
    return f"{{{NS}}}{name}"


def _add(parent: Any, name: str, text: str | None = None) -> Any:
    element = ET.SubElement(parent, _q(name))
    if text is not None:
        element.text = text
    return element


def iso_datetime(value: datetime) -> str:
    """xs:dateTime in UTC with a Z, to the second."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _add_agency(parent: Any, name: str, agency_id: str) -> None:
    node = _add(parent, name)
    _add(node, "agencyIdType", AGENCY_ID_TYPE)
    _add(node, "agencyIdValue", agency_id)


def _envelope(kind: str) -> tuple[Any, Any]:
    root = ET.Element(_q("ISO18626Message"), {_q("version"): VERSION})
    return root, _add(root, kind)


def to_bytes(root: Any) -> bytes:
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _add_header(
    node: Any, *, supplying: str, requesting: str, request_id: str, supplying_request_id: str, now: datetime
) -> None:
    header = _add(node, "header")
    _add_agency(header, "supplyingAgencyId", supplying)
    _add_agency(header, "requestingAgencyId", requesting)
    _add(header, "multipleItemRequestId", "")
    _add(header, "timestamp", iso_datetime(now))
    _add(header, "requestingAgencyRequestId", request_id)
    if supplying_request_id:
        _add(header, "supplyingAgencyRequestId", supplying_request_id)


def _add_costs(parent: Any, name: str, amount: Decimal, currency: str) -> None:
    node = _add(parent, name)
    _add(node, "currencyCode", currency)
    _add(node, "monetaryValue", f"{amount:.2f}")


def build_confirmation(
    kind: str,
    *,
    ok: bool,
    received_at: datetime,
    supplying: str = "",
    requesting: str = "",
    request_id: str = "",
    error_type: str = "",
    error_value: str = "",
    reason_for_message: str = "",
    action: str = "",
    now: datetime | None = None,
) -> bytes:
    """A `requestConfirmation` / `supplyingAgencyMessageConfirmation` /
    `requestingAgencyMessageConfirmation` (`kind` is the message being confirmed, or "" when it
    could not be told: then a requestConfirmation)."""
    confirmation = CONFIRMATION_OF.get(kind, REQUEST_CONFIRMATION)
    root, node = _envelope(confirmation)
    head = _add(node, "confirmationHeader")
    if supplying:
        _add_agency(head, "supplyingAgencyId", supplying)
    if requesting:
        _add_agency(head, "requestingAgencyId", requesting)
    _add(head, "timestamp", iso_datetime(now or datetime.now(UTC)))
    if request_id:
        _add(head, "requestingAgencyRequestId", request_id)
    _add(head, "timestampReceived", iso_datetime(received_at))
    _add(head, "messageStatus", "OK" if ok else "ERROR")
    if confirmation == SUPPLYING_AGENCY_MESSAGE_CONFIRMATION and reason_for_message in schema.ENUMS["reasonForMessage"]:
        _add(node, "reasonForMessage", reason_for_message)
    if confirmation == REQUESTING_AGENCY_MESSAGE_CONFIRMATION and action in schema.ENUMS["action"]:
        _add(node, "action", action)
    if not ok and error_type:
        data = _add(node, "errorData")
        _add(data, "errorType", error_type)
        if error_value:
            _add(data, "errorValue", error_value)
    return to_bytes(root)


@dataclass(frozen=True)
class OutgoingRequest:
    """What we send when one of our offices borrows from a partner."""

    supplying: str
    requesting: str
    request_id: str
    service_type: str  # Copy | Loan
    title: str = ""
    author: str = ""
    isbn: str = ""
    issn: str = ""
    title_of_component: str = ""
    author_of_component: str = ""
    volume: str = ""
    issue: str = ""
    pages_requested: str = ""
    publication_date: str = ""
    need_before: datetime | None = None
    note: str = ""
    requesting_name: str = ""


def build_request(message: OutgoingRequest, *, now: datetime | None = None) -> bytes:
    root, node = _envelope(REQUEST)
    _add_header(
        node,
        supplying=message.supplying,
        requesting=message.requesting,
        request_id=message.request_id,
        supplying_request_id="",
        now=now or datetime.now(UTC),
    )
    bib = _add(node, "bibliographicInfo")
    for name, value in (
        ("title", message.title),
        ("author", message.author),
        ("titleOfComponent", message.title_of_component),
        ("authorOfComponent", message.author_of_component),
        ("volume", message.volume),
        ("issue", message.issue),
        ("pagesRequested", message.pages_requested),
    ):
        if value:
            _add(bib, name, value)
    for code, value in (("ISBN", message.isbn), ("ISSN", message.issn)):
        if value:
            item = _add(bib, "bibliographicItemId")
            _add(item, "bibliographicItemIdentifier", value)
            _add(item, "bibliographicItemIdentifierCode", code)
    if message.publication_date:
        _add(_add(node, "publicationInfo"), "publicationDate", message.publication_date)
    service = _add(node, "serviceInfo")
    _add(service, "requestType", "New")
    _add(service, "serviceType", message.service_type)
    if message.need_before:
        _add(service, "needBeforeDate", iso_datetime(message.need_before))
    if message.note:
        _add(service, "note", message.note)
    if message.requesting_name:
        _add(_add(node, "requestingAgencyInfo"), "name", message.requesting_name)
    return to_bytes(root)


@dataclass(frozen=True)
class OutgoingSupplying:
    """What we send as the supplier of a partner's request."""

    supplying: str
    requesting: str
    request_id: str  # the partner's id
    supplying_request_id: str  # ours
    reason_for_message: str
    status: str
    answer_yes_no: str = ""
    note: str = ""
    reason_unfilled: str = ""
    offered_amount: Decimal | None = None
    offered_currency: str = ""
    due_date: datetime | None = None
    date_sent: datetime | None = None
    item_id: str = ""
    last_change: datetime | None = None


def build_supplying_message(message: OutgoingSupplying, *, now: datetime | None = None) -> bytes:
    now = now or datetime.now(UTC)
    root, node = _envelope(SUPPLYING_AGENCY_MESSAGE)
    _add_header(
        node,
        supplying=message.supplying,
        requesting=message.requesting,
        request_id=message.request_id,
        supplying_request_id=message.supplying_request_id,
        now=now,
    )
    info = _add(node, "messageInfo")
    _add(info, "reasonForMessage", message.reason_for_message)
    if message.answer_yes_no:
        _add(info, "answerYesNo", message.answer_yes_no)
    if message.note:
        _add(info, "note", message.note)
    if message.reason_unfilled:
        _add(info, "reasonUnfilled", message.reason_unfilled)
    if message.offered_amount is not None:
        _add_costs(info, "offeredCosts", message.offered_amount, message.offered_currency)
    status = _add(node, "statusInfo")
    _add(status, "status", message.status)
    if message.due_date:
        _add(status, "dueDate", iso_datetime(message.due_date))
    _add(status, "lastChange", iso_datetime(message.last_change or now))
    if message.date_sent:
        delivery = _add(node, "deliveryInfo")
        _add(delivery, "dateSent", iso_datetime(message.date_sent))
        if message.item_id:
            _add(delivery, "itemId", message.item_id)
    return to_bytes(root)


@dataclass(frozen=True)
class OutgoingRequesting:
    """What we send as the requester to a partner that supplies us."""

    supplying: str
    requesting: str
    request_id: str  # ours
    supplying_request_id: str  # the partner's, when known
    action: str
    note: str = ""


def build_requesting_message(message: OutgoingRequesting, *, now: datetime | None = None) -> bytes:
    root, node = _envelope(REQUESTING_AGENCY_MESSAGE)
    _add_header(
        node,
        supplying=message.supplying,
        requesting=message.requesting,
        request_id=message.request_id,
        supplying_request_id=message.supplying_request_id,
        now=now or datetime.now(UTC),
    )
    _add(node, "action", message.action)
    if message.note:
        _add(node, "note", message.note)
    return to_bytes(root)
