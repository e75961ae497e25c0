"""A request's timeline as text, rendered from each event's `kind` and `params` when read, in
the reader's language (nothing is stored as a sentence). Unknown kinds (new ISO 18626 message
kinds) show their code."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from office.texts import render
from sharing.models import RequestEvent, SharingRequest

MESSAGES = {
    "created": gettext_noop("Request created"),
    "copyright_declared": gettext_noop("Copyright declaration made"),
    "client_paid": gettext_noop("The client paid the fee"),
    "sent": gettext_noop("Sent to %(lender)s (rota position %(position)s)"),
    "expect_to_supply": gettext_noop("The lender expects to supply"),
    "will_supply": gettext_noop("The lender will supply"),
    "conditional": gettext_noop("The lender proposes a condition: %(fee)s %(note)s"),
    "condition_accepted": gettext_noop("The borrower accepted the condition"),
    "condition_rejected": gettext_noop("The borrower declined the condition of %(lender)s"),
    "unfilled": gettext_noop("%(lender)s cannot supply: %(reason)s"),
    "lapsed": gettext_noop("%(lender)s did not answer in time"),
    "rota_exhausted": gettext_noop("No lender left: unfilled"),
    "shipped": gettext_noop("Shipped (tracking number %(tracking)s)"),
    "delivered": gettext_noop("Delivered electronically: %(name)s"),
    "received": gettext_noop("Received by the borrower"),
    "renewal_asked": gettext_noop("The borrower asks for a renewal"),
    "renewal_answered": gettext_noop("Renewal answered: %(answer)s; due %(due)s"),
    "recalled": gettext_noop("Recalled by the lender: due %(due)s"),
    "overdue": gettext_noop("Overdue (was due %(due)s)"),
    "overdue_reminded": gettext_noop("Overdue reminder sent (was due %(due)s)"),
    "returned": gettext_noop("Sent back by the borrower"),
    "checked_in": gettext_noop("Checked in by the lender"),
    "completed": gettext_noop("Complete"),
    "cancel_asked": gettext_noop("The borrower asks to cancel"),
    "cancel_answered": gettext_noop("Cancellation answered: %(answer)s"),
    "cancelled": gettext_noop("Cancelled"),
    "file_deleted": gettext_noop("Delivered file deleted after %(days)s days"),
    "iso18626_out": gettext_noop("ISO 18626 %(message)s (%(detail)s) sent to %(partner)s"),
    "iso18626_in": gettext_noop("ISO 18626 %(message)s (%(detail)s) received from %(partner)s"),
    "iso18626_ignored": gettext_noop(
        "ISO 18626 %(message)s from %(partner)s changed nothing: it was already taken into account"
    ),
}
YES, NO = gettext_noop("yes"), gettext_noop("no")


@dataclass(frozen=True)
class Line:
    event: RequestEvent
    text: str
    note: str


def _params(params: dict[str, Any]) -> dict[str, Any]:
    values = {k: ("" if v is None else v) for k, v in params.items()}
    if "reason" in params and params["reason"] in SharingRequest.Reason.values:
        values["reason"] = str(SharingRequest.Reason(params["reason"]).label)
    if "approved" in params:
        values["answer"] = _(YES) if params["approved"] else _(NO)
    values.setdefault("tracking", "—")
    return values


def text_of(event: RequestEvent) -> str:
    message = MESSAGES.get(event.kind)
    if message is None:
        return event.kind
    return render(message, _params(event.params or {}))


def timeline(request: SharingRequest) -> list[Line]:
    events = request.events.select_related("actor", "agency").order_by("created_at", "pk")
    return [Line(e, text_of(e), str((e.params or {}).get("note") or "")) for e in events]
