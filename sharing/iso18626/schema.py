"""Our own checks of ISO 18626 v1.2 messages, written from the standard's message structure.

The XML schema published by the standard's maintenance agency is not shipped (its licence is
not ours to grant, and lxml is not a runtime dependency), so this module states the same
structure as data: for each complex element, the sequence of child elements with their
cardinality, and for each leaf its type (text, dateTime, decimal, integer, boolean, one of the
closed enumerations, an agency id, a scheme/value pair). `check(root)` walks a parsed message
against it and raises `SchemaError` with the ISO error type to answer with:

* BadlyFormedMessage - a required element missing, an element out of order or repeated, a
  child where text belongs, a date, number or boolean that does not parse;
* UnrecognisedDataElement - an element the v1.2 message does not define;
* UnsupportedActionType / UnsupportedReasonForMessageType - `action` / `reasonForMessage`
  outside the closed lists;
* UnrecognisedDataValue - any other closed-list value outside its list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

NS = "http://illtransactions.org/2013/iso18626"
VERSION = "1.2"

# Error types (closed list of the standard).
BADLY_FORMED = "BadlyFormedMessage"
UNRECOGNISED_ELEMENT = "UnrecognisedDataElement"
UNRECOGNISED_VALUE = "UnrecognisedDataValue"
UNSUPPORTED_ACTION = "UnsupportedActionType"
UNSUPPORTED_REASON = "UnsupportedReasonForMessageType"
ERROR_TYPES = (UNSUPPORTED_ACTION, UNSUPPORTED_REASON, UNRECOGNISED_ELEMENT, UNRECOGNISED_VALUE, BADLY_FORMED)

# Closed lists of v1.2.
ENUMS: dict[str, tuple[str, ...]] = {
    "action": ("StatusRequest", "Received", "Cancel", "Renew", "ShippedReturn", "ShippedForward", "Notification"),
    "errorType": ERROR_TYPES,
    "messageStatus": ("OK", "ERROR"),
    "reasonForMessage": (
        "RequestResponse",
        "StatusRequestResponse",
        "RenewResponse",
        "CancelResponse",
        "StatusChange",
        "Notification",
    ),
    "requestType": ("New", "Retry", "Reminder"),
    "requestSubType": (
        "BookingRequest",
        "MultipleItemRequest",
        "PatronRequest",
        "TransferRequest",
        "SupplyingLibrarysChoice",
    ),
    "serviceType": ("Copy", "Loan", "CopyOrLoan"),
    "status": (
        "RequestReceived",
        "ExpectToSupply",
        "WillSupply",
        "Loaned",
        "Overdue",
        "Recalled",
        "RetryPossible",
        "Unfilled",
        "CopyCompleted",
        "LoanCompleted",
        "CompletedWithoutReturn",
        "Cancelled",
    ),
    "yesNo": ("Y", "N"),
}
ENUM_ERRORS = {"action": UNSUPPORTED_ACTION, "reasonForMessage": UNSUPPORTED_REASON}

# Open lists (scheme/value pairs): a value without a `scheme` attribute must come from the
# standard's own list; with a scheme it is the sender's and passed on as given.
REASON_UNFILLED = ("NotHeld", "NotOnShelf", "NonCirculating", "NotAvailableForILL", "PolicyProblem", "PoorCondition")
OPEN_LISTS: dict[str, tuple[str, ...]] = {"reasonUnfilled": REASON_UNFILLED}

_DATETIME = re.compile(r"^-?\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")
_INTEGER = re.compile(r"^[+-]?\d+$")


class SchemaError(Exception):
    """The message breaks the v1.2 structure; `error_type` is the ISO error type to answer with."""

    def __init__(self, error_type: str, value: str) -> None:
        super().__init__(f"{error_type}: {value}")
        self.error_type = error_type
        self.value = value[:500]


@dataclass(frozen=True)
class E:
    """A child element: its name, content (a leaf type name, or a tuple of children, or a
    `Choice`), and how often it may occur (`many` = unbounded)."""

    name: str
    content: Any = "string"
    optional: bool = False
    many: bool = False
    at_most: int = 1


@dataclass(frozen=True)
class Choice:
    options: tuple[E, ...] = field(default_factory=tuple)


def opt(name: str, content: Any = "string", **kwargs: Any) -> E:
    return E(name, content, optional=True, **kwargs)


AGENCY = "agency"  # agencyIdType (scheme/value) + agencyIdValue
SVP = "svp"  # text with an optional scheme attribute
COSTS = (E("currencyCode", SVP), E("monetaryValue", "decimal"))
PHYSICAL_ADDRESS = (
    opt("line1"),
    opt("line2"),
    opt("locality"),
    opt("postalCode"),
    opt("region", SVP),
    opt("country", SVP),
)
ADDRESS = Choice(
    (
        E("electronicAddress", (E("electronicAddressType", SVP), E("electronicAddressData"))),
        E("physicalAddress", PHYSICAL_ADDRESS),
    )
)
HEADER = (
    E("supplyingAgencyId", AGENCY),
    E("requestingAgencyId", AGENCY),
    # Required by the v1.2 schema, yet many systems leave it out for single-item requests;
    # accepted either way (docs/iso18626.md). We always send it.
    opt("multipleItemRequestId"),
    E("timestamp", "dateTime"),
    E("requestingAgencyRequestId"),
    opt("supplyingAgencyRequestId"),
    opt("requestingAgencyAuthentication", (opt("accountId"), opt("securityCode"))),
)
CONFIRMATION_HEADER = (
    opt("supplyingAgencyId", AGENCY),
    opt("requestingAgencyId", AGENCY),
    E("timestamp", "dateTime"),
    opt("requestingAgencyRequestId"),
    opt("multipleItemRequestId"),
    E("timestampReceived", "dateTime"),
    E("messageStatus", "enum:messageStatus"),
)
ERROR_DATA = (E("errorType", "enum:errorType"), opt("errorValue"))
ITEM_ID = (E("bibliographicItemIdentifier"), E("bibliographicItemIdentifierCode", SVP))
PUBLICATION_INFO = (opt("publisher"), opt("publicationType", SVP), opt("publicationDate"), opt("placeOfPublication"))
RECORD_ID = (E("bibliographicRecordIdentifierCode", SVP), E("bibliographicRecordIdentifier"))
BIBLIOGRAPHIC_INFO = (
    opt("supplierUniqueRecordId"),
    opt("title"),
    opt("author"),
    opt("subtitle"),
    opt("seriesTitle"),
    opt("edition"),
    opt("titleOfComponent"),
    opt("authorOfComponent"),
    opt("volume"),
    opt("issue"),
    opt("pagesRequested"),
    opt("estimatedNoPages"),
    opt("bibliographicItemId", ITEM_ID, many=True),
    opt("sponsor"),
    opt("informationSource"),
    opt("bibliographicRecordId", RECORD_ID, many=True),
)
SERVICE_INFO = (
    opt("requestType", "enum:requestType"),
    opt("requestSubType", "enum:requestSubType", at_most=3),
    opt("requestingAgencyPreviousRequestId"),
    E("serviceType", "enum:serviceType"),
    opt("serviceLevel", SVP),
    opt("preferredFormat", SVP),
    opt("needBeforeDate", "dateTime"),
    opt("copyrightCompliance", SVP),
    opt("anyEdition", "enum:yesNo"),
    opt("startDate", "dateTime"),
    opt("endDate", "dateTime"),
    opt("note"),
)
SUPPLIER_INFO = (
    opt("sortOrder", "integer"),
    opt("supplierCode", AGENCY),
    opt("supplierDescription"),
    opt("bibliographicRecordId", RECORD_ID),
    opt("callNumber"),
    opt("summaryHoldings"),
    opt("availabilityNote"),
)
REQUEST = (
    E("header", HEADER),
    E("bibliographicInfo", BIBLIOGRAPHIC_INFO),
    opt("publicationInfo", PUBLICATION_INFO),
    opt("serviceInfo", SERVICE_INFO),
    opt("supplierInfo", SUPPLIER_INFO, many=True),
    opt("requestedDeliveryInfo", (opt("sortOrder", "integer"), opt("address", (ADDRESS,))), many=True),
    opt("requestingAgencyInfo", (opt("name"), opt("contactName"), opt("address", (ADDRESS,), many=True))),
    opt(
        "patronInfo",
        (
            opt("patronId"),
            opt("surname"),
            opt("givenName"),
            opt("patronType", SVP),
            opt("sendToPatron", "enum:yesNo"),
            opt("address", (ADDRESS,), many=True),
        ),
    ),
    opt(
        "billingInfo",
        (
            opt("paymentMethod", SVP),
            opt("maximumCosts", COSTS),
            opt("billingMethod", SVP),
            opt("billingName"),
            opt("address", (ADDRESS,)),
        ),
    ),
)
MESSAGE_INFO = (
    E("reasonForMessage", "enum:reasonForMessage"),
    opt("answerYesNo", "enum:yesNo"),
    opt("note"),
    opt("reasonUnfilled", SVP),
    opt("reasonRetry", SVP),
    opt("offeredCosts", COSTS),
    opt("retryAfter", "dateTime"),
    opt("retryBefore", "dateTime"),
)
STATUS_INFO = (
    E("status", "enum:status"),
    opt("expectedDeliveryDate", "dateTime"),
    opt("dueDate", "dateTime"),
    E("lastChange", "dateTime"),
)
DELIVERY_INFO = (
    E("dateSent", "dateTime"),
    opt("itemId"),
    opt("sentVia", SVP),
    opt("sentToPatron", "boolean"),
    opt("loanCondition", SVP),
    opt("deliveredFormat", SVP),
    opt("deliveryCosts", COSTS),
)
SUPPLYING_AGENCY_MESSAGE = (
    E("header", HEADER),
    E("messageInfo", MESSAGE_INFO),
    E("statusInfo", STATUS_INFO),
    opt("deliveryInfo", DELIVERY_INFO),
    opt("returnInfo", (opt("returnAgencyId", AGENCY), opt("name"), opt("physicalAddress", PHYSICAL_ADDRESS))),
)
REQUESTING_AGENCY_MESSAGE = (E("header", HEADER), E("action", "enum:action"), opt("note"))

MESSAGES: dict[str, tuple[Any, ...]] = {
    "request": REQUEST,
    "requestConfirmation": (E("confirmationHeader", CONFIRMATION_HEADER), opt("errorData", ERROR_DATA)),
    "supplyingAgencyMessage": SUPPLYING_AGENCY_MESSAGE,
    "supplyingAgencyMessageConfirmation": (
        E("confirmationHeader", CONFIRMATION_HEADER),
        opt("reasonForMessage", "enum:reasonForMessage"),
        opt("errorData", ERROR_DATA),
    ),
    "requestingAgencyMessage": REQUESTING_AGENCY_MESSAGE,
    "requestingAgencyMessageConfirmation": (
        E("confirmationHeader", CONFIRMATION_HEADER),
        opt("action", "enum:action"),
        opt("errorData", ERROR_DATA),
    ),
}


# --- the walk -------------------------------------------------------------------------------


def local(tag: Any) -> str:
    """The local name of an element in our namespace; "" for anything else (comments too)."""
    if not isinstance(tag, str) or not tag.startswith("{" + NS + "}"):
        return ""
    return tag[len(NS) + 2 :]


def check_root(root: Any) -> str:
    """Check the whole message; returns the message kind ("request", ...)."""
    if local(root.tag) != "ISO18626Message":
        raise SchemaError(BADLY_FORMED, f"root element must be ISO18626Message in {NS}")
    version = root.get("{" + NS + "}version", root.get("version"))
    if not version:
        raise SchemaError(BADLY_FORMED, "ISO18626Message/@version is required")
    children = _elements(root, "ISO18626Message")
    if len(children) != 1:
        raise SchemaError(BADLY_FORMED, "ISO18626Message must hold exactly one message")
    kind = local(children[0].tag)
    if kind not in MESSAGES:
        raise SchemaError(UNRECOGNISED_ELEMENT, f"ISO18626Message/{kind or children[0].tag}")
    _check_sequence(children[0], MESSAGES[kind], kind)
    return kind


def _elements(node: Any, path: str) -> list[Any]:
    """Child elements, refusing foreign elements and text between them."""
    found = []
    for child in node:
        if not isinstance(child.tag, str):
            continue  # comment or processing instruction
        if not local(child.tag):
            raise SchemaError(UNRECOGNISED_ELEMENT, f"{path}/{child.tag}")
        found.append(child)
    if (node.text or "").strip() or any((child.tail or "").strip() for child in found):
        raise SchemaError(BADLY_FORMED, f"{path} holds text among its elements")
    return found


def _check_sequence(node: Any, spec: tuple[Any, ...], path: str) -> None:
    children = _elements(node, path)
    index = 0
    for item in spec:
        if isinstance(item, Choice):
            names = {option.name: option for option in item.options}
            if index >= len(children) or local(children[index].tag) not in names:
                raise SchemaError(BADLY_FORMED, f"{path}: one of {', '.join(names)} is required")
            option = names[local(children[index].tag)]
            _check_content(children[index], option.content, f"{path}/{option.name}")
            index += 1
            continue
        count = 0
        limit = None if item.many else item.at_most
        while index < len(children) and local(children[index].tag) == item.name:
            if limit is not None and count >= limit:
                raise SchemaError(BADLY_FORMED, f"{path}/{item.name} occurs too often")
            _check_content(children[index], item.content, f"{path}/{item.name}")
            count += 1
            index += 1
        if count == 0 and not item.optional:
            raise SchemaError(BADLY_FORMED, f"{path}/{item.name} is required")
    if index < len(children):
        name = local(children[index].tag)
        known = {getattr(item, "name", "") for item in spec}
        if name in known:
            raise SchemaError(BADLY_FORMED, f"{path}/{name} is out of order")
        raise SchemaError(UNRECOGNISED_ELEMENT, f"{path}/{name}")


def _check_content(node: Any, content: Any, path: str) -> None:
    if isinstance(content, tuple):
        _check_sequence(node, content, path)
    elif content == AGENCY:
        _check_sequence(node, (E("agencyIdType", SVP), E("agencyIdValue")), path)
        if not text_of(node, "agencyIdValue"):
            raise SchemaError(BADLY_FORMED, f"{path}/agencyIdValue is empty")
    else:
        if any(isinstance(child.tag, str) for child in node):
            raise SchemaError(BADLY_FORMED, f"{path} must hold text, not elements")
        check_value((node.text or "").strip(), content, path, node)


def check_value(value: str, content: str, path: str, node: Any = None) -> None:
    name = path.rsplit("/", 1)[-1]
    if content.startswith("enum:"):
        enum = content[5:]
        if value not in ENUMS[enum]:
            raise SchemaError(ENUM_ERRORS.get(enum, UNRECOGNISED_VALUE), f"{path}: {value}")
    elif content == "dateTime":
        if parse_datetime(value) is None:
            raise SchemaError(BADLY_FORMED, f"{path}: not an xs:dateTime: {value}")
    elif content == "decimal":
        try:
            number = Decimal(value)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or "e" in value.lower():
            raise SchemaError(BADLY_FORMED, f"{path}: not an xs:decimal: {value}")
    elif content == "integer":
        if not _INTEGER.match(value):
            raise SchemaError(BADLY_FORMED, f"{path}: not an xs:integer: {value}")
    elif content == "boolean":
        if value not in ("true", "false", "1", "0"):
            raise SchemaError(BADLY_FORMED, f"{path}: not an xs:boolean: {value}")
    elif content == SVP and name in OPEN_LISTS and node is not None and not scheme_of(node):
        if value not in OPEN_LISTS[name]:
            raise SchemaError(UNRECOGNISED_VALUE, f"{path}: {value}")


def scheme_of(node: Any) -> str:
    return node.get("{" + NS + "}scheme", node.get("scheme", "")) or ""


def text_of(node: Any, name: str) -> str:
    child = node.find(f"{{{NS}}}{name}")
    return (child.text or "").strip() if child is not None else ""


def parse_datetime(value: str) -> datetime | None:
    """An xs:dateTime as an aware datetime (no zone given = UTC), or None."""
    if not _DATETIME.match(value):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
