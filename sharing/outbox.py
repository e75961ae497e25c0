"""Messages to outside partners (ISO 18626), written from every transition.

`after_transition` is called by `sharing.actions.common.event` inside the transition's
transaction. When the other party of the request is an outside partner with an ISO 18626
address and the event is one the partner must hear of, it writes the message as an outgoing
`RequestEvent` (direction "out", the XML in `payload`) in the same transaction and queues its
sending after commit. The database row is the outbox: a broker outage loses nothing, the sweep
(`sharing.iso18626.tasks.outbox_sweep_task`) sends what is still undelivered.

Events the partner itself caused (an incoming message: the event's agency is the partner) are
not echoed back. Which event becomes which message:

we supply a partner (it borrows)          we borrow from a partner (it lends)
  expect_to_supply  ExpectToSupply          sent                request
  will_supply       WillSupply              cancel_asked        Cancel
  conditional       ExpectToSupply + costs  cancelled           Cancel
  rota_exhausted    Unfilled + reason       condition_accepted  Notification "#ConditionAccepted#"
  shipped           Loaned / CopyCompleted  condition_rejected  Cancel "#ConditionRejected#"
  delivered         CopyCompleted           lapsed              Cancel (to the partner that lapsed)
  cancelled         CancelResponse Y        received            Received
  cancel_answered   CancelResponse N        renewal_asked       Renew
  renewal_answered  RenewResponse Y/N       returned            ShippedReturn
  overdue, recalled Overdue, Recalled
  checked_in        LoanCompleted
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time
from decimal import Decimal
from typing import Any

from office.money import to_major
from office.queue import enqueue_on_commit
from sharing.iso18626 import messages as m

logger = logging.getLogger(__name__)
OUT_KIND = "iso18626_out"
IN_KIND = "iso18626_in"

# Supplying side: event kind -> (reasonForMessage, status) — status None: the current one.
_SUPPLYING: dict[str, tuple[str, str | None]] = {
    "expect_to_supply": ("RequestResponse", "ExpectToSupply"),
    "will_supply": ("RequestResponse", "WillSupply"),
    "conditional": ("RequestResponse", "ExpectToSupply"),
    "rota_exhausted": ("RequestResponse", "Unfilled"),
    "shipped": ("StatusChange", None),
    "delivered": ("StatusChange", "CopyCompleted"),
    "cancelled": ("CancelResponse", "Cancelled"),
    "cancel_answered": ("CancelResponse", None),
    "renewal_answered": ("RenewResponse", None),
    "overdue": ("StatusChange", "Overdue"),
    "recalled": ("StatusChange", "Recalled"),
    "checked_in": ("StatusChange", "LoanCompleted"),
}
# Requesting side: event kind -> (action, note).
_REQUESTING: dict[str, tuple[str, str]] = {
    "cancel_asked": ("Cancel", ""),
    "cancelled": ("Cancel", ""),
    "condition_accepted": ("Notification", "#ConditionAccepted#"),
    "condition_rejected": ("Cancel", "#ConditionRejected#"),
    "received": ("Received", ""),
    "renewal_asked": ("Renew", ""),
    "returned": ("ShippedReturn", ""),
}
# Our status as the ISO status a partner borrower is told (StatusRequestResponse, answers "no").
ISO_STATUS = {
    "sent": "RequestReceived",
    "expect_to_supply": "ExpectToSupply",
    "conditional": "ExpectToSupply",
    "will_supply": "WillSupply",
    "unfilled": "Unfilled",
    "shipped": "Loaned",
    "delivered": "CopyCompleted",
    "received": "Loaned",
    "overdue": "Overdue",
    "recalled": "Recalled",
    "returned": "Loaned",
    "checked_in": "LoanCompleted",
    "complete": "LoanCompleted",
    "cancelled": "Cancelled",
}


def reachable(agency: Any) -> bool:
    """An outside partner we can send to (an empty address means: do not send)."""
    return agency is not None and agency.is_partner and agency.is_active and bool(agency.iso_address)


def after_transition(request: Any, event: Any) -> None:
    """Write and queue the message this event means for an outside partner, if any."""
    if event.direction != "internal" or event.kind in (OUT_KIND, IN_KIND):
        return
    borrower, lender = request.borrower, request.lender
    if reachable(borrower) and event.agency_id != borrower.pk:
        body = _supplying_message(request, event)
        if body is not None:
            write(request, borrower, body)
    if event.kind == "lapsed":
        _cancel_lapsed(request, event)
    elif reachable(lender) and event.agency_id != lender.pk and not borrower.is_partner:
        body = _requesting_message(request, event, lender)
        if body is not None:
            write(request, lender, body)


def write(request: Any, partner: Any, body: bytes) -> Any:
    """The outgoing message row, sent after commit (and by the sweep if that is lost). A
    message our own check refuses (a bug, or data no partner could read) is logged, not sent:
    the transition it reports stands."""
    from sharing.models import RequestEvent

    try:
        parsed = m.parse(body)
    except m.MessageError as exc:
        logger.error("Not sending an invalid ISO 18626 message for request %s: %s", request.pk, exc)
        return None
    row = RequestEvent.objects.create(
        request=request,
        kind=OUT_KIND,
        params={"message": _kind(parsed), "detail": _detail(parsed), "partner": partner.agency_id},
        agency=partner,
        direction=RequestEvent.Direction.OUT,
        payload=body.decode("utf-8"),
    )
    enqueue_on_commit("sharing.iso18626.tasks.send_message_task", event_id=row.pk)
    return row


def _kind(parsed: Any) -> str:
    return str(parsed.kind)


def _detail(parsed: Any) -> str:
    """The status or action a message carries, for the timeline."""
    if isinstance(parsed, m.SupplyingAgencyMessage):
        return parsed.status
    if isinstance(parsed, m.RequestingAgencyMessage):
        return parsed.action
    return "New" if isinstance(parsed, m.Request) else ""


def _due(value: Any) -> datetime | None:
    return datetime.combine(value, time(12), tzinfo=UTC) if value else None


def supplying_message(request: Any, reason: str, status: str, **extra: Any) -> bytes:
    """A supplyingAgencyMessage about `request` (a partner's request to one of our offices)."""
    return m.build_supplying_message(
        m.OutgoingSupplying(
            supplying=request.lender.agency_id if request.lender_id else "",
            requesting=request.borrower.agency_id,
            request_id=request.peer_request_id,
            supplying_request_id=request.number,
            reason_for_message=reason,
            status=status,
            **extra,
        )
    )


def _supplying_message(request: Any, event: Any) -> bytes | None:
    if event.kind not in _SUPPLYING or not request.peer_request_id:
        return None
    if event.kind == "rota_exhausted":
        # The request has no lender any more; the office that could not supply answers.
        return _unfilled(request, event)
    if request.lender_id is None:
        return None
    reason, status = _SUPPLYING[event.kind]
    extra: dict[str, Any] = {"note": str(event.params.get("note") or "")[:500]}
    if event.kind == "shipped":
        status = "CopyCompleted" if request.is_copy else "Loaned"
        extra.update(date_sent=request.shipped_at, item_id=request.tracking_number, due_date=_due(request.due_date))
    elif event.kind == "conditional":
        extra["note"] = f"#Condition# {request.condition_note}".strip()
        if request.proposed_fee_minor is not None:
            extra["offered_amount"] = to_major(request.proposed_fee_minor, request.proposed_currency)
            extra["offered_currency"] = request.proposed_currency
    elif event.kind in ("cancel_answered", "renewal_answered"):
        approved = bool(event.params.get("approved"))
        extra["answer_yes_no"] = "Y" if approved else "N"
        status = ISO_STATUS.get(request.status, "WillSupply")
        if event.kind == "renewal_answered":
            extra["due_date"] = _due(request.due_date)
    elif event.kind == "cancelled":
        extra["answer_yes_no"] = "Y"
    return supplying_message(request, reason, status or "WillSupply", **extra)


def _unfilled(request: Any, event: Any) -> bytes:
    from sharing.models import Agency

    office = Agency.objects.filter(agency_id=event.params.get("last_lender") or "").first()
    return m.build_supplying_message(
        m.OutgoingSupplying(
            supplying=office.agency_id if office else "",
            requesting=request.borrower.agency_id,
            request_id=request.peer_request_id,
            supplying_request_id=request.number,
            reason_for_message="RequestResponse",
            status="Unfilled",
            reason_unfilled=request.reason_unfilled or "NotHeld",
        )
    )


def _requesting_message(request: Any, event: Any, lender: Any) -> bytes | None:
    if event.kind == "sent":
        return m.build_request(outgoing_request(request, lender))
    if event.kind not in _REQUESTING:
        return None
    action, note = _REQUESTING[event.kind]
    text = " ".join(part for part in (note, str(event.params.get("note") or "")) if part)
    return requesting_message(request, lender, action, text)


def requesting_message(request: Any, lender: Any, action: str, note: str = "") -> bytes:
    return m.build_requesting_message(
        m.OutgoingRequesting(
            supplying=lender.agency_id,
            requesting=request.borrower.agency_id,
            request_id=request.number,
            supplying_request_id="",
            action=action,
            note=note[:500],
        )
    )


def outgoing_request(request: Any, lender: Any) -> m.OutgoingRequest:
    return m.OutgoingRequest(
        supplying=lender.agency_id,
        requesting=request.borrower.agency_id,
        request_id=request.number,
        service_type="Copy" if request.is_copy else "Loan",
        title=request.title,
        author=request.author,
        isbn=request.isbn,
        issn=request.issn,
        title_of_component=request.article_title,
        author_of_component=request.article_author,
        volume=request.volume,
        issue=request.issue,
        pages_requested=request.pages,
        publication_date=str(request.year or ""),
        note=request.note[:500],
        requesting_name=request.borrower.name,
    )


def _cancel_lapsed(request: Any, event: Any) -> None:
    """The rota moved on from a partner that did not answer in time: withdraw the request there."""
    from sharing.models import Agency

    partner = Agency.objects.filter(agency_id=event.params.get("lender") or "").first()
    if reachable(partner) and not request.borrower.is_partner:
        body = requesting_message(request, partner, "Cancel", "#Lapsed#")
        write(request, partner, body)


def offered_minor(costs: m.Costs) -> int:
    """An offered cost in minor units of its currency (2 decimals unless the currency says so)."""
    from office.money import exponent

    return int((costs.amount * (Decimal(10) ** exponent(costs.currency))).to_integral_value())
