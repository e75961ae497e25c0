"""The lender's answers and the borrower's answer to a condition (ISO 18626 supplying side):

    sent -> expect_to_supply -> will_supply -> shipped (loan, or a copy by post)
      |            |               \\-> delivered (a copy, electronically: delivery.request_deliver)
      |            +-> conditional (a fee or a condition) -> will_supply (borrower accepts)
      |                                                   \\-> next lender (borrower rejects)
      +------------+---------------+-> unfilled with a reason -> next lender | unfilled (rota exhausted)
    a cancellation the borrower asked for -> cancelled (yes) | as it was (no)

Every action: the row lock, the acting agency (staff of the lender, or the partner itself
for ISO 18626 messages: actor None, agency given), the state, audit + timeline, then notices.
Two lenders answering at once: the lock serialises them and only the current lender passes.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from office.exceptions import DomainError, InvalidTransition
from office.money import check_amount
from office.texts import money, when
from sharing.actions.common import (
    BORROWER,
    LENDER,
    acting,
    ask_next,
    close_entry,
    lock,
    record,
    tell_borrower,
    tell_lender,
    transition,
)
from sharing.models import Agency, RotaEntry, SharingRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Status = SharingRequest.Status
Outcome = RotaEntry.Outcome


def _lender_lock(request_id: int, actor: User | None, agency: Agency | None) -> tuple[SharingRequest, Agency]:
    request = lock(request_id)
    return request, acting(request, LENDER, actor, agency)


def _must_be(request: SharingRequest, states: tuple[str, ...], target: str) -> None:
    if request.status not in states:
        raise InvalidTransition(request, target)


@transaction.atomic
def request_expect_to_supply(
    *, request_id: int, actor: User | None = None, agency: Agency | None = None, note: str = ""
) -> SharingRequest:
    """The lender has the item on its list and expects to supply it (no commitment yet)."""
    request, who = _lender_lock(request_id, actor, agency)
    _must_be(request, (Status.SENT,), Status.EXPECT_TO_SUPPLY)
    transition(request, Status.EXPECT_TO_SUPPLY, "expect_to_supply", actor=actor, agency=who, params={"note": note})
    tell_borrower(request, "expect_to_supply", gettext_noop("%(lender)s expects to supply %(number)s"), _lender(who))
    return request


def _lender(agency: Agency) -> dict[str, str]:
    return {"lender": agency.agency_id}


@transaction.atomic
def request_will_supply(
    *, request_id: int, actor: User | None = None, agency: Agency | None = None, note: str = ""
) -> SharingRequest:
    """The lender commits to supply, on its fee schedule; it ships or delivers next."""
    request, who = _lender_lock(request_id, actor, agency)
    _must_be(request, (Status.SENT, Status.EXPECT_TO_SUPPLY), Status.WILL_SUPPLY)
    close_entry(request, Outcome.SUPPLIED)
    request.deadline = None
    transition(
        request, Status.WILL_SUPPLY, "will_supply", actor=actor, agency=who, params={"note": note}, fields=["deadline"]
    )
    tell_borrower(request, "will_supply", gettext_noop("%(lender)s will supply %(number)s"), _lender(who))
    return request


@transaction.atomic
def request_propose_condition(
    *,
    request_id: int,
    actor: User | None = None,
    agency: Agency | None = None,
    fee_minor: int | None = None,
    currency: str = "",
    note: str = "",
) -> SharingRequest:
    """The lender supplies on a condition: a fee (in its own currency) and/or a note. The
    borrower accepts or rejects it. Refuses an empty condition, a bad amount or currency."""
    request, who = _lender_lock(request_id, actor, agency)
    _must_be(request, (Status.SENT, Status.EXPECT_TO_SUPPLY), Status.CONDITIONAL)
    note = note.strip()
    if fee_minor is None and not note:
        raise DomainError(_("Give the fee or the condition you propose."))
    currency = (currency or who.currency).upper()
    if fee_minor is not None:
        if currency != who.currency:
            raise DomainError(
                _("Propose the fee in %(currency)s, the currency of your fee schedule.") % {"currency": who.currency}
            )
        check_amount(fee_minor, currency, allow_zero=True)
    request.proposed_fee_minor = fee_minor
    request.proposed_currency = currency if fee_minor is not None else ""
    request.condition_note = note
    request.deadline = None
    params = {"note": note, "fee": money(fee_minor, currency) if fee_minor is not None else None}
    fields = ["proposed_fee_minor", "proposed_currency", "condition_note", "deadline"]
    transition(request, Status.CONDITIONAL, "conditional", actor=actor, agency=who, params=params, fields=fields)
    tell_borrower(request, "conditional", gettext_noop("%(lender)s proposes a condition for %(number)s"), _lender(who))
    return request


@transaction.atomic
def request_accept_condition(
    *, request_id: int, actor: User | None = None, agency: Agency | None = None
) -> SharingRequest:
    """The borrower accepts the lender's condition: the proposed fee becomes the agreed fee."""
    request = lock(request_id)
    who = acting(request, BORROWER, actor, agency)
    _must_be(request, (Status.CONDITIONAL,), Status.WILL_SUPPLY)
    close_entry(request, Outcome.SUPPLIED)
    request.agreed_fee_minor = request.proposed_fee_minor
    fee = money(request.agreed_fee_minor, request.proposed_currency) if request.agreed_fee_minor is not None else None
    transition(
        request,
        Status.WILL_SUPPLY,
        "condition_accepted",
        actor=actor,
        agency=who,
        params={"fee": fee},
        fields=["agreed_fee_minor"],
    )
    tell_lender(request, "condition_accepted", gettext_noop("The borrower accepted your condition for %(number)s"))
    return request


@transaction.atomic
def request_reject_condition(
    *, request_id: int, actor: User | None = None, agency: Agency | None = None, note: str = ""
) -> SharingRequest:
    """The borrower rejects the condition; the request goes to the next lender."""
    request = lock(request_id)
    who = acting(request, BORROWER, actor, agency)
    _must_be(request, (Status.CONDITIONAL,), Status.SENT)
    close_entry(request, Outcome.DECLINED)
    record(request, "condition_rejected", actor=actor, agency=who, params={"lender": request.lender.agency_id})
    tell_lender(request, "condition_rejected", gettext_noop("The borrower declined your condition for %(number)s"))
    return ask_next(request, actor=actor, agency=who)


@transaction.atomic
def request_unfilled(
    *, request_id: int, reason: str, actor: User | None = None, agency: Agency | None = None, note: str = ""
) -> SharingRequest:
    """The lender cannot supply (NotHeld, NotOnShelf, NonCirculating, NotAvailableForILL,
    PolicyProblem, PoorCondition): the request goes to the next lender, or ends unfilled."""
    request, who = _lender_lock(request_id, actor, agency)
    if reason not in SharingRequest.Reason.values:
        raise DomainError(_("Choose why you cannot supply it."))
    _must_be(request, (Status.SENT, Status.EXPECT_TO_SUPPLY, Status.WILL_SUPPLY), Status.UNFILLED)
    close_entry(request, Outcome.UNFILLED, reason)
    request.reason_unfilled = reason
    request.save(update_fields=["reason_unfilled"])
    record(
        request, "unfilled", actor=actor, agency=who, params={"lender": who.agency_id, "reason": reason, "note": note}
    )
    return ask_next(request, actor=actor, agency=who)


@transaction.atomic
def request_ship(
    *,
    request_id: int,
    actor: User | None = None,
    agency: Agency | None = None,
    tracking_number: str = "",
    due_date: date | None = None,
) -> SharingRequest:
    """The lender ships the item (a loan, or a copy by post) with its tracking number; a loan
    is due on `due_date` (default: today plus the lender's loan period)."""
    request, who = _lender_lock(request_id, actor, agency)
    _must_be(request, (Status.SENT, Status.EXPECT_TO_SUPPLY, Status.WILL_SUPPLY), Status.SHIPPED)
    today = timezone.localdate()
    if request.is_copy:
        due_date = None
    else:
        due_date = due_date or today + timedelta(days=who.loan_days)
        if due_date <= today:
            raise DomainError(_("The due date must be after today."))
    close_entry(request, Outcome.SUPPLIED)
    request.tracking_number, request.due_date = tracking_number.strip()[:60], due_date
    request.shipped_at, request.deadline = timezone.now(), None
    params = {"tracking": request.tracking_number, "due": when(due_date) if due_date else None}
    fields = ["tracking_number", "due_date", "shipped_at", "deadline"]
    transition(request, Status.SHIPPED, "shipped", actor=actor, agency=who, params=params, fields=fields)
    tell_borrower(request, "shipped", gettext_noop("%(lender)s shipped %(number)s"), _lender(who))
    return request


@transaction.atomic
def request_answer_cancel(
    *, request_id: int, approve: bool, actor: User | None = None, agency: Agency | None = None
) -> SharingRequest:
    """The lender answers the borrower's cancellation: yes cancels, no keeps the request."""
    from sharing.actions.requests import cancel_now

    request, who = _lender_lock(request_id, actor, agency)
    if request.pending != SharingRequest.Pending.CANCEL:
        raise DomainError(_("The borrower has not asked to cancel this request."))
    if approve:
        cancel_now(request, actor=actor, agency=who)
    else:
        request.pending = ""
        request.save(update_fields=["pending", "updated_at"])
        record(request, "cancel_answered", actor=actor, agency=who, params={"approved": False})
    title = gettext_noop("%(lender)s answered your cancellation of %(number)s")
    tell_borrower(request, "cancel_answered", title, _lender(who))
    return request
