"""ISO 18626 messages from outside partners (POST /sharing/iso18626), one transaction each:

    request                   -> a lending request at the addressed office (requests.request_receive_from_partner);
                                 not held there -> unfilled NotHeld at once (the outbox tells the partner)
    requestingAgencyMessage   (the partner borrows from us) Cancel, Renew, Received, ShippedReturn,
                                 Notification ("#ConditionAccepted#" accepts a condition), StatusRequest
    supplyingAgencyMessage    (the partner lends to us) ExpectToSupply, WillSupply (+ offeredCosts or a
                                 "#Condition#" note: conditional), Unfilled/RetryPossible, Loaned,
                                 CopyCompleted, Overdue, Recalled, LoanCompleted, Cancel/Renew answers

The partner acts through the same actions as staff (actor None, agency = the partner), so the
rules, audit, timeline and notices are the ones staff get. A message that the request's state
has already gone past (a repeat, or one overtaken by a later message) is confirmed OK and
changes nothing; one that does not fit the state is refused. Any refusal raises `MessageError`
out of the transaction: nothing of the message is written. Every accepted message is kept on
the request's timeline (direction "in", the XML as received).
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from cataloging.models import Holding
from office.exceptions import DomainError
from sharing import outbox, rota
from sharing.actions import lending, loans, requests
from sharing.iso18626 import messages as m
from sharing.iso18626.schema import BADLY_FORMED, UNRECOGNISED_VALUE, UNSUPPORTED_ACTION
from sharing.models import Agency, RequestEvent, SharingRequest

Status = SharingRequest.Status
# How far a request has got; a message about a point it has passed changes nothing.
RANK = {
    Status.SENT: 0,
    Status.EXPECT_TO_SUPPLY: 1,
    Status.CONDITIONAL: 1,
    Status.WILL_SUPPLY: 2,
    Status.SHIPPED: 3,
    Status.DELIVERED: 3,
    Status.RECEIVED: 4,
    Status.OVERDUE: 5,
    Status.RECALLED: 5,
    Status.RETURNED: 6,
    Status.CHECKED_IN: 7,
    Status.COMPLETE: 8,
    Status.UNFILLED: 9,
    Status.CANCELLED: 9,
}
SERVICE_TYPES = {"Loan": SharingRequest.ServiceType.LOAN, "Copy": SharingRequest.ServiceType.COPY}


@dataclass(frozen=True)
class Reply:
    """What the confirmation echoes back."""

    kind: str
    supplying: str
    requesting: str
    request_id: str
    reason_for_message: str = ""
    action: str = ""


def _refuse(kind: str, value: str, error_type: str = UNRECOGNISED_VALUE) -> m.MessageError:
    return m.MessageError(error_type, value, kind=kind)


@transaction.atomic
def message_receive(*, message: m.Message, body: bytes, secret: str = "", received_at: datetime | None = None) -> Reply:
    """Apply one parsed message; raises MessageError (nothing written) when it is refused."""
    received_at = received_at or timezone.now()
    if isinstance(message, m.Confirmation):
        raise _refuse("", "a confirmation answers a message; it is not sent on its own", BADLY_FORMED)
    header = message.header
    reply = Reply(
        kind=message.kind,
        supplying=header.supplying_agency.value,
        requesting=header.requesting_agency.value,
        request_id=header.requesting_agency_request_id,
        reason_for_message=getattr(message, "reason_for_message", ""),
        action=getattr(message, "action", ""),
    )
    if isinstance(message, m.Request):
        partner = _partner(message.kind, header.requesting_agency.value, "requestingAgencyId", header, secret)
        request = _receive_request(message, partner)
        _log_in(request, partner, message, body, received_at)
    elif isinstance(message, m.RequestingAgencyMessage):
        partner = _partner(message.kind, header.requesting_agency.value, "requestingAgencyId", header, secret)
        request = _lent_request(message, partner)
        _log_in(request, partner, message, body, received_at)
        _apply_requesting(request, partner, message)
    else:
        partner = _partner(message.kind, header.supplying_agency.value, "supplyingAgencyId", header, secret)
        request = _borrowed_request(message, partner)
        _log_in(request, partner, message, body, received_at)
        _apply_supplying(request, partner, message)
    return reply


# --- who and which transaction -----------------------------------------------------------------


def _partner(kind: str, agency_id: str, element: str, header: m.Header, secret: str) -> Agency:
    """The sending partner: known, active, an outside partner, and giving its security code.
    A partner without a code set cannot be told from an impostor, so its messages are refused
    too. One answer for all three (no partner, no code, wrong code): a caller learns nothing
    about our directory from it."""
    partner = Agency.objects.filter(agency_id=agency_id, is_partner=True, is_active=True).first()
    given = (header.security_code or secret).encode()
    expected = (partner.iso_secret if partner is not None else "").encode()
    # Compared even when there is nothing to compare with, so the answer takes as long.
    matches = hmac.compare_digest(expected or b"\0" * 32, given) and bool(expected)
    if partner is None or not matches:
        raise _refuse(
            kind,
            f"{element}/requestingAgencyAuthentication: {agency_id} is not a partner of ours "
            "or the security code is missing or wrong",
        )
    return partner


def _member(kind: str, agency_id: str, element: str) -> Agency:
    office = Agency.objects.active().members().filter(agency_id=agency_id).first()
    if office is None:
        raise _refuse(kind, f"{element}: {agency_id} is not one of our offices")
    return office


def _lent_request(message: m.RequestingAgencyMessage, partner: Agency) -> SharingRequest:
    """The partner's request to one of our offices, by the partner's request id."""
    header = message.header
    office = _member(message.kind, header.supplying_agency.value, "supplyingAgencyId")
    request = SharingRequest.objects.filter(
        borrower=partner, peer_request_id=header.requesting_agency_request_id
    ).first()
    if request is None or request.lender_id != office.pk:
        raise _refuse(message.kind, f"requestingAgencyRequestId: {header.requesting_agency_request_id} is unknown")
    return request


def _borrowed_request(message: m.SupplyingAgencyMessage, partner: Agency) -> SharingRequest:
    """Our request the partner answers: our number, our office borrowing, the partner asked."""
    header = message.header
    office = _member(message.kind, header.requesting_agency.value, "requestingAgencyId")
    request = SharingRequest.objects.filter(number=header.requesting_agency_request_id, borrower=office).first()
    if request is None or not request.rota.filter(agency=partner).exists():
        raise _refuse(message.kind, f"requestingAgencyRequestId: {header.requesting_agency_request_id} is unknown")
    return request


def _log_in(request: SharingRequest, partner: Agency, message: m.Message, body: bytes, received_at: datetime) -> None:
    """The message as received, on the timeline at the time it arrived (before what it caused)."""
    detail = getattr(message, "status", "") or getattr(message, "action", "") or getattr(message, "service_type", "")
    RequestEvent.objects.create(
        request=request,
        kind=outbox.IN_KIND,
        params={"message": message.kind, "detail": detail, "partner": partner.agency_id},
        agency=partner,
        direction=RequestEvent.Direction.IN,
        payload=m.redact_security_code(body.decode("utf-8", errors="replace")[: m.MAX_MESSAGE_BYTES]),
        delivered_at=received_at,
        created_at=min(received_at, request.created_at),
    )


def _ignore(request: SharingRequest, partner: Agency, message: m.Message, why: str) -> None:
    """A message the request has gone past: confirmed, noted on the timeline, nothing changed.
    `why` is a code (overtaken, moved_on, noted, already_received, ...), not a sentence."""
    RequestEvent.objects.create(
        request=request,
        kind="iso18626_ignored",
        params={"message": message.kind, "why": why, "partner": partner.agency_id},
        agency=partner,
    )


def _run(kind: str, step: Callable[[], Any]) -> None:
    """Call a workflow action for the partner; its refusal refuses the message."""
    try:
        step()
    except (DomainError, PermissionDenied) as exc:
        raise _refuse(kind, str(exc) or type(exc).__name__)


# --- a partner's request -------------------------------------------------------------------------


def _receive_request(message: m.Request, partner: Agency) -> SharingRequest:
    header, bib = message.header, message.bibliographic
    office = _member(message.kind, header.supplying_agency.value, "supplyingAgencyId")
    service = SERVICE_TYPES.get(message.service_type)
    if service is None:  # CopyOrLoan: a copy when pages are named, else the loan
        service = SharingRequest.ServiceType.COPY if bib.pages_requested else SharingRequest.ServiceType.LOAN
    citation = {
        "title": bib.title or bib.title_of_component,
        "author": bib.author,
        "isbn": bib.isbn[:20],
        "issn": bib.issn[:9],
        "publisher": bib.publisher,
        "year": _year(bib.publication_date),
        "volume": bib.volume[:40],
        "issue": bib.issue[:40],
        "pages": bib.pages_requested[:40],
        "article_title": bib.title_of_component if bib.title else "",
        "article_author": bib.author_of_component,
        "note": message.note,
    }
    try:
        request, created = requests.request_receive_from_partner(
            agency=partner,
            lender_agency_id=office.agency_id,
            peer_request_id=header.requesting_agency_request_id[:100],
            service_type=service,
            **citation,
        )
    except (DomainError, PermissionDenied, ValueError) as exc:
        raise _refuse(message.kind, str(exc))
    if request.lender_id not in (office.pk, None) and created is False:
        raise _refuse(message.kind, "requestingAgencyRequestId: already used for a request to another office")
    if created:
        _answer_not_held(request, office)
    return request


def _year(text: str) -> int | None:
    digits = "".join(ch for ch in text[:4] if ch.isdigit())
    return int(digits) if len(digits) == 4 and 1000 <= int(digits) <= timezone.localdate().year + 1 else None


def _answer_not_held(request: SharingRequest, office: Agency) -> None:
    """Unfilled at once when the office holds no copy of an item the request identifies
    (record, ISBN or ISSN); a citation without an identifier is left to the office's staff."""
    record_ids = rota.matching_record_ids(request)
    if not (request.record_id or request.isbn or request.issn) or request.status != Status.SENT:
        return
    holdings = Holding.objects.filter(record_id__in=record_ids, organization_id=office.organization_id)
    if holdings.filter(lendable=True).exists():
        return
    reason = SharingRequest.Reason.NON_CIRCULATING if holdings.exists() else SharingRequest.Reason.NOT_HELD
    lending.request_unfilled(request_id=request.pk, reason=reason, agency=office)


# --- the partner borrows from us: requestingAgencyMessage ---------------------------------------


def _apply_requesting(request: SharingRequest, partner: Agency, message: m.RequestingAgencyMessage) -> None:
    kind, action, pk = message.kind, message.action, request.pk
    if action == "Cancel":
        _cancel_from_borrower(request, partner, message)
    elif action == "Renew":
        if request.pending == SharingRequest.Pending.RENEW:
            return _ignore(request, partner, message, "renewal_pending")
        _run(kind, lambda: loans.request_ask_renewal(request_id=pk, agency=partner))
    elif action == "Received":
        if RANK.get(request.status, -1) >= RANK[Status.RECEIVED]:
            return _ignore(request, partner, message, "already_received")
        _run(kind, lambda: loans.request_mark_received(request_id=pk, agency=partner))
    elif action == "ShippedReturn":
        if RANK.get(request.status, -1) >= RANK[Status.RETURNED]:
            return _ignore(request, partner, message, "already_returned")
        _run(kind, lambda: loans.request_return(request_id=pk, agency=partner, tracking_number=message.note[:60]))
    elif action == "Notification":
        if message.note.startswith("#ConditionAccepted#") and request.status == Status.CONDITIONAL:
            _run(kind, lambda: lending.request_accept_condition(request_id=pk, agency=partner))
    elif action == "StatusRequest":
        _status_answer(request, partner)
    else:
        raise _refuse(kind, f"action: {action} is not supported", UNSUPPORTED_ACTION)
    return None


def _cancel_from_borrower(request: SharingRequest, partner: Agency, message: m.RequestingAgencyMessage) -> None:
    if request.status == Status.CANCELLED or request.pending == SharingRequest.Pending.CANCEL:
        return _ignore(request, partner, message, "cancel_pending")
    _run(message.kind, lambda: requests.request_cancel(request_id=request.pk, agency=partner, note=message.note))
    request.refresh_from_db()
    if request.status == Status.CANCELLED:  # at once: the partner's own move is not echoed, so answer here
        body = outbox.supplying_message(request, "CancelResponse", "Cancelled", answer_yes_no="Y")
        outbox.write(request, partner, body)
    return None


def _status_answer(request: SharingRequest, partner: Agency) -> None:
    status = outbox.ISO_STATUS.get(request.status, "RequestReceived")
    outbox.write(request, partner, outbox.supplying_message(request, "StatusRequestResponse", status))


# --- the partner lends to us: supplyingAgencyMessage -------------------------------------------

# ISO status -> (how far it takes the request, the action that takes it there).
_TARGET = {
    "ExpectToSupply": RANK[Status.EXPECT_TO_SUPPLY],
    "WillSupply": RANK[Status.WILL_SUPPLY],
    "Loaned": RANK[Status.SHIPPED],
    "CopyCompleted": RANK[Status.SHIPPED],
    "Overdue": RANK[Status.OVERDUE],
    "Recalled": RANK[Status.RECALLED],
    "LoanCompleted": RANK[Status.CHECKED_IN],
    "Unfilled": RANK[Status.UNFILLED],
    "RetryPossible": RANK[Status.UNFILLED],
    "Cancelled": RANK[Status.CANCELLED],
}


def _apply_supplying(request: SharingRequest, partner: Agency, message: m.SupplyingAgencyMessage) -> None:
    if request.lender_id != partner.pk:  # we moved on from this partner (lapsed, declined)
        return _ignore(request, partner, message, "moved_on")
    if message.reason_for_message in ("CancelResponse", "RenewResponse"):
        return _answer(request, partner, message)
    target = _TARGET.get(message.status)
    if target is None or (message.reason_for_message == "Notification" and message.status != "Recalled"):
        return _ignore(request, partner, message, "noted")
    if RANK.get(request.status, -1) >= target and not _new_condition(request, message):
        return _ignore(request, partner, message, "overtaken")
    _run(message.kind, _supplying_step(request, partner, message))
    return None


def _new_condition(request: SharingRequest, message: m.SupplyingAgencyMessage) -> bool:
    return _is_condition(message) and request.status == Status.EXPECT_TO_SUPPLY


def _is_condition(message: m.SupplyingAgencyMessage) -> bool:
    return message.offered_costs is not None or message.note.startswith("#Condition#")


def _supplying_step(request: SharingRequest, partner: Agency, message: m.SupplyingAgencyMessage) -> Callable[[], Any]:
    pk, status, note = request.pk, message.status, message.note[:500]
    if status in ("ExpectToSupply", "WillSupply") and _is_condition(message):
        costs = message.offered_costs
        return lambda: lending.request_propose_condition(
            request_id=pk,
            agency=partner,
            fee_minor=outbox.offered_minor(costs) if costs else None,
            currency=costs.currency if costs else "",
            note=note.removeprefix("#Condition#").strip(),
        )
    steps: dict[str, Callable[[], Any]] = {
        "ExpectToSupply": lambda: lending.request_expect_to_supply(request_id=pk, agency=partner, note=note),
        "WillSupply": lambda: lending.request_will_supply(request_id=pk, agency=partner, note=note),
        "Loaned": lambda: lending.request_ship(
            request_id=pk, agency=partner, tracking_number=message.item_id, due_date=_local_date(message.due_date)
        ),
        "Recalled": lambda: loans.request_recall(request_id=pk, agency=partner, note=note),
        "Overdue": lambda: loans.mark_overdue(pk),
        "LoanCompleted": lambda: loans.request_check_in(request_id=pk, agency=partner),
        "Cancelled": lambda: lending.request_answer_cancel(request_id=pk, approve=True, agency=partner),
    }
    steps["CopyCompleted"] = steps["Loaned"]
    reason = message.reason_unfilled if message.reason_unfilled in SharingRequest.Reason.values else ""
    unfilled = reason or (SharingRequest.Reason.NOT_AVAILABLE if status == "RetryPossible" else "NotHeld")
    steps["Unfilled"] = steps["RetryPossible"] = lambda: lending.request_unfilled(
        request_id=pk, reason=unfilled, agency=partner, note=note
    )
    return steps[status]


def _answer(request: SharingRequest, partner: Agency, message: m.SupplyingAgencyMessage) -> None:
    yes, pk = message.answer_yes_no == "Y", request.pk
    if message.reason_for_message == "CancelResponse":
        if request.pending != SharingRequest.Pending.CANCEL:
            return _ignore(request, partner, message, "no_cancel_pending")
        _run(message.kind, lambda: lending.request_answer_cancel(request_id=pk, approve=yes, agency=partner))
        return None
    if request.pending != SharingRequest.Pending.RENEW:
        return _ignore(request, partner, message, "no_renewal_pending")
    due = _local_date(message.due_date) if yes else None
    _run(
        message.kind,
        lambda: loans.request_answer_renewal(request_id=pk, approve=yes, agency=partner, due_date=due),
    )
    return None


def _local_date(value: datetime | None) -> Any:
    return timezone.localtime(value).date() if value else None
