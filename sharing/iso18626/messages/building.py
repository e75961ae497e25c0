"""Building: what we send, with the `ill:` prefix on every element and on `version`."""

from __future__ import annotations

import xml.etree.ElementTree as ET  # noqa: S405  (building only; parsing goes through defusedxml)
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sharing.iso18626 import schema
from sharing.iso18626.messages.common import (
    AGENCY_ID_TYPE,
    CONFIRMATION_OF,
    REQUEST,
    REQUEST_CONFIRMATION,
    REQUESTING_AGENCY_MESSAGE,
    REQUESTING_AGENCY_MESSAGE_CONFIRMATION,
    SUPPLYING_AGENCY_MESSAGE,
    SUPPLYING_AGENCY_MESSAGE_CONFIRMATION,
)
from sharing.iso18626.schema import NS, VERSION

ET.register_namespace("ill", NS)


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
