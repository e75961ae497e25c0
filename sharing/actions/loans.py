"""After the item left the lender (ISO 18626 loan cycle):

    shipped -> received (borrower) -> returned (borrower ships it back) -> checked_in (lender) -> complete
    delivered | shipped copy -> received -> complete (a copy is kept: no return)
    received -> overdue (sweep, past the due date; a notice, again weekly) -> returned
    received | overdue -> recalled (lender wants it back sooner) -> returned
    renewal: the borrower asks (pending "renew"), the lender answers yes (new due date) or no

Completion records the charge (sharing.actions.charges.record_charge).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from office.exceptions import DomainError, InvalidTransition
from office.texts import when
from sharing.actions.charges import record_charge
from sharing.actions.common import BORROWER, LENDER, acting, lock, record, tell_borrower, tell_lender, transition
from sharing.models import Agency, SharingRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Status = SharingRequest.Status
RECALL_DAYS = 7  # a recalled loan is due back within a week at most
OVERDUE_REPEAT_DAYS = 7  # an overdue loan gets a reminder every week


@transaction.atomic
def request_mark_received(
    *, request_id: int, actor: User | None = None, agency: Agency | None = None
) -> SharingRequest:
    """The borrower received the item (or fetched the copy); a copy is complete at once."""
    request = lock(request_id)
    who = acting(request, BORROWER, actor, agency)
    if request.status not in (Status.SHIPPED, Status.DELIVERED):
        raise InvalidTransition(request, Status.RECEIVED)
    request.received_at = timezone.now()
    if request.status == Status.DELIVERED:
        transition(request, Status.COMPLETE, "received", actor=actor, agency=who, fields=["received_at"])
        complete(request, actor=actor, agency=who, already_moved=True)
    else:
        transition(request, Status.RECEIVED, "received", actor=actor, agency=who, fields=["received_at"])
        if request.is_copy:
            complete(request, actor=actor, agency=who)
    tell_lender(request, "received", gettext_noop("The borrower received %(number)s"))
    return request


def complete(
    request: SharingRequest, *, actor: User | None, agency: Agency | None, already_moved: bool = False
) -> None:
    """Close the request and record what the borrower owes the lender."""
    request.completed_at = timezone.now()
    if already_moved:
        request.save(update_fields=["completed_at"])
    else:
        request.move_to(Status.COMPLETE)
        request.save(update_fields=["status", "completed_at", "updated_at"])
    charge = record_charge(request)
    params = {"charge": charge.amount_minor if charge else 0, "currency": charge.currency if charge else ""}
    record(request, "completed", actor=actor, agency=agency, params=params)


@transaction.atomic
def request_ask_renewal(*, request_id: int, actor: User | None = None, agency: Agency | None = None) -> SharingRequest:
    """The borrower asks to keep a loan longer (not a recalled one; within the lender's limit)."""
    request = lock(request_id)
    who = acting(request, BORROWER, actor, agency)
    if request.is_copy or request.status not in (Status.RECEIVED, Status.OVERDUE):
        raise DomainError(_("Only a loan you hold, not recalled, can be renewed."))
    if request.pending:
        raise DomainError(_("The lender has not answered the last question yet."))
    if request.renewals >= request.lender.max_renewals:
        raise DomainError(_("The lender allows no more renewals of this loan."))
    request.pending = SharingRequest.Pending.RENEW
    request.save(update_fields=["pending", "updated_at"])
    record(request, "renewal_asked", actor=actor, agency=who, params={"due": when(request.due_date)})
    tell_lender(request, "renewal_asked", gettext_noop("The borrower asks to renew %(number)s"))
    return request


@transaction.atomic
def request_answer_renewal(
    *,
    request_id: int,
    approve: bool,
    actor: User | None = None,
    agency: Agency | None = None,
    due_date: date | None = None,
) -> SharingRequest:
    """The lender answers a renewal: yes moves the due date (default: a loan period from
    the old one) and makes an overdue loan current again; no leaves it as it was."""
    request = lock(request_id)
    who = acting(request, LENDER, actor, agency)
    if request.pending != SharingRequest.Pending.RENEW:
        raise DomainError(_("The borrower has not asked to renew this loan."))
    request.pending = ""
    fields = ["pending"]
    if approve:
        due_date = due_date or max(request.due_date, timezone.localdate()) + timedelta(days=who.loan_days)
        if due_date <= timezone.localdate():
            raise DomainError(_("The due date must be after today."))
        request.due_date, request.renewals = due_date, request.renewals + 1
        request.overdue_noticed_on = None
        fields += ["due_date", "renewals", "overdue_noticed_on"]
    params = {"approved": approve, "due": when(request.due_date)}
    if approve and request.status == Status.OVERDUE:
        transition(request, Status.RECEIVED, "renewal_answered", actor=actor, agency=who, params=params, fields=fields)
    else:
        request.save(update_fields=[*fields, "updated_at"])
        record(request, "renewal_answered", actor=actor, agency=who, params=params)
    tell_borrower(request, "renewal_answered", gettext_noop("%(lender)s answered your renewal of %(number)s"), _l(who))
    return request


def _l(agency: Agency) -> dict[str, str]:
    return {"lender": agency.agency_id}


@transaction.atomic
def request_recall(
    *, request_id: int, actor: User | None = None, agency: Agency | None = None, note: str = ""
) -> SharingRequest:
    """The lender wants the loan back: due within RECALL_DAYS at most; a pending renewal is refused."""
    request = lock(request_id)
    who = acting(request, LENDER, actor, agency)
    if request.is_copy or request.status not in (Status.RECEIVED, Status.OVERDUE):
        raise InvalidTransition(request, Status.RECALLED)
    request.due_date = min(request.due_date or date.max, timezone.localdate() + timedelta(days=RECALL_DAYS))
    request.pending = ""
    params = {"due": when(request.due_date), "note": note}
    transition(
        request, Status.RECALLED, "recalled", actor=actor, agency=who, params=params, fields=["due_date", "pending"]
    )
    tell_borrower(
        request, "recalled", gettext_noop("%(lender)s recalls %(number)s: return it by %(due)s"), params | _l(who)
    )
    return request


@transaction.atomic
def request_return(
    *, request_id: int, actor: User | None = None, agency: Agency | None = None, tracking_number: str = ""
) -> SharingRequest:
    """The borrower sends the loan back (ISO 18626 "ShippedReturn")."""
    request = lock(request_id)
    who = acting(request, BORROWER, actor, agency)
    if request.is_copy or request.status not in (Status.RECEIVED, Status.OVERDUE, Status.RECALLED):
        raise InvalidTransition(request, Status.RETURNED)
    request.returned_at, request.pending = timezone.now(), ""
    params = {"tracking": tracking_number.strip()[:60]}
    transition(
        request, Status.RETURNED, "returned", actor=actor, agency=who, params=params, fields=["returned_at", "pending"]
    )
    tell_lender(request, "returned", gettext_noop("The borrower sent %(number)s back"))
    return request


@transaction.atomic
def request_check_in(*, request_id: int, actor: User | None = None, agency: Agency | None = None) -> SharingRequest:
    """The lender has the loan back on its shelf: checked in, then complete (charged)."""
    request = lock(request_id)
    who = acting(request, LENDER, actor, agency)
    if request.status != Status.RETURNED:
        raise InvalidTransition(request, Status.CHECKED_IN)
    request.checked_in_at = timezone.now()
    transition(request, Status.CHECKED_IN, "checked_in", actor=actor, agency=who, fields=["checked_in_at"])
    complete(request, actor=actor, agency=who)
    tell_borrower(request, "completed", gettext_noop("%(lender)s checked %(number)s in: the loan is complete"), _l(who))
    return request


def mark_overdue(request_id: int) -> bool:
    """Sweep step for one loan: past its due date it becomes overdue and the borrower is told,
    then reminded weekly. Idempotent within a day (overdue_noticed_on). Returns True if told."""
    with transaction.atomic():
        request = lock(request_id)
        today = timezone.localdate()
        if request.is_copy or request.due_date is None or request.due_date >= today:
            return False
        if request.status in (Status.RECEIVED, Status.RECALLED):
            request.overdue_noticed_on = today
            transition(
                request,
                Status.OVERDUE,
                "overdue",
                actor=None,
                agency=None,
                params={"due": when(request.due_date)},
                fields=["overdue_noticed_on"],
            )
        elif request.status == Status.OVERDUE and (
            request.overdue_noticed_on is None
            or request.overdue_noticed_on <= today - timedelta(days=OVERDUE_REPEAT_DAYS)
        ):
            request.overdue_noticed_on = today
            request.save(update_fields=["overdue_noticed_on", "updated_at"])
            record(request, "overdue_reminded", actor=None, agency=None, params={"due": when(request.due_date)})
        else:
            return False
        title = gettext_noop("%(number)s is overdue: it was due on %(due)s")
        tell_borrower(request, "overdue", title, {"due": when(request.due_date)})
        return True
