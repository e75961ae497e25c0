"""The typed values a parsed ISO 18626 message is made of."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sharing.iso18626.messages.common import REQUEST, REQUESTING_AGENCY_MESSAGE, SUPPLYING_AGENCY_MESSAGE


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
