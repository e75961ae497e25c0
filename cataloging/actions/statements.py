"""Fees and statements: the fee schedule in force, the monthly statement that nets an
office's copy fees and contribution credits, and paying a debit statement online through
the payments app (purpose `cataloging.statement`: issued -> paid)."""

from __future__ import annotations

import calendar
import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from cataloging import permissions
from cataloging.models import FeeSchedule, LedgerEntry, Statement
from office import audit
from office.access import office_of
from office.exceptions import DomainError
from office.models import Organization
from payments.actions import payment_create

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from payments.models import Payment

STATEMENT_PURPOSE = "cataloging.statement"
FIRST_STATEMENT_YEAR = 2000  # no statement before; the close form refuses earlier months too


def fee_schedule_current() -> FeeSchedule:
    schedule = FeeSchedule.objects.filter(valid_from__lte=timezone.localdate()).first()
    if schedule is None:
        raise DomainError(_("No cataloging fee schedule is in force; ask the catalog operator."))
    return schedule


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.datetime]:
    """First day of the month and the (aware) start of the next month."""
    first = datetime.date(year, month, 1)
    last_day = calendar.monthrange(year, month)[1]
    next_start = datetime.datetime.combine(first + datetime.timedelta(days=last_day), datetime.time.min)
    return first, timezone.make_aware(next_start)


def _check_finished_month(year: int, month: int) -> None:
    """What the close form accepts (a finished month, from FIRST_STATEMENT_YEAR on), checked
    before any date arithmetic: month 13 or year 0 is a ValueError and 9999-12 ends in year
    10000 (an OverflowError) for a caller other than the form."""
    today = timezone.localdate()
    valid = all(isinstance(n, int) and not isinstance(n, bool) for n in (year, month)) and 1 <= month <= 12
    if not valid or not FIRST_STATEMENT_YEAR <= year or (year, month) >= (today.year, today.month):
        raise DomainError(_("Enter a finished month, from 2000 on."))


@transaction.atomic
def statement_close(*, actor: User, year: int, month: int) -> Statement:
    """Net every unbilled fee and credit of the actor's office up to the end of a finished
    month into that month's statement. Refuses the current or a future month, and twice.
    (Beat closes last month for every office on the 1st: `statements_close_month`; this page
    stays for the months it did not close.)"""
    if not permissions.can_close_statement(actor):
        raise PermissionDenied(_("Only the office's leadership and department heads close statements."))
    office = office_of(actor)
    assert office is not None
    return statement_close_for(office=office, year=year, month=month, actor=actor)


@transaction.atomic
def statement_close_for(*, office: Organization, year: int, month: int, actor: User | None) -> Statement:
    """The write of `statement_close` for one office, by a person or (actor None) by beat; the
    caller checked who may. Refuses the current or a future month, and a month closed before."""
    # One office closes one month at a time: the lock orders concurrent attempts.
    Organization.objects.select_for_update().get(pk=office.pk)
    _check_finished_month(year, month)
    period_start, next_start = month_bounds(year, month)
    if Statement.objects.filter(organization=office, period_start=period_start).exists():
        raise DomainError(_("That month already has a statement."))
    entries = LedgerEntry.objects.filter(organization=office, statement__isnull=True, created_at__lt=next_start)
    totals = entries.aggregate(
        charges=Sum("amount_minor", filter=Q(amount_minor__gt=0)),
        credits=Sum("amount_minor", filter=Q(amount_minor__lt=0)),
    )
    charges, credits = totals["charges"] or 0, -(totals["credits"] or 0)
    statement = Statement.objects.create(
        organization=office,
        period_start=period_start,
        charges_minor=charges,
        credits_minor=credits,
        net_minor=charges - credits,
        created_by=actor,
    )
    entries.update(statement=statement)
    audit.record(
        actor=actor,
        verb="cataloging.statement.closed",
        target=statement,
        data={"charges_minor": charges, "credits_minor": credits},
    )
    return statement


def statement_pay(*, statement_id: int, actor: User) -> Payment:
    """Start (or resume) paying a debit statement online; returns its `payments.Payment`.
    The payer is the statement's office, the payee the home office (the catalog operator);
    the amount is the statement's net from the database. A second call returns the same
    payment. Refuses people who do not pay for the office, credits, paid statements and
    the operator's own statement (it would pay itself)."""
    statement = Statement.objects.select_related("organization").get(pk=statement_id)
    if not permissions.can_view_statement(actor, statement) or not permissions.can_pay_statements(actor):
        raise PermissionDenied(_("Only the office's leadership and department heads pay its statements."))
    if statement.status == Statement.Status.PAID:
        raise DomainError(_("This statement has been paid."))
    if statement.net_minor <= 0:
        raise DomainError(_("This statement is a credit: there is nothing to pay."))
    operator = Organization.objects.filter(is_home=True).first()
    if operator is None or operator.pk == statement.organization_id:
        raise DomainError(_("The catalog operator settles its own statement internally."))
    return payment_create(
        purpose_type=STATEMENT_PURPOSE,
        purpose_id=statement.pk,
        amount_minor=statement.net_minor,
        currency=statement.currency,
        description=_("Cataloging statement %(month)s – %(office)s")
        % {"month": f"{statement.period_start:%Y-%m}", "office": statement.organization},
        payer_user=actor,
        payer_organization=statement.organization,
        payee_organization=operator,
        created_by=actor,
    )


def statement_paid(statement: Statement, payment: Payment) -> None:
    """On-paid handler of the "cataloging.statement" payable (`cataloging.payables`): the
    statement is paid. The payments app has checked that it was open and the amount is its net."""
    statement.status = Statement.Status.PAID
    statement.paid_at = payment.succeeded_at or timezone.now()
    statement.save(update_fields=["status", "paid_at", "updated_at"])
    audit.record(
        actor=None,
        verb="cataloging.statement.paid",
        target=statement,
        data={"payment": payment.pk, "receipt": payment.receipt_number or ""},
    )
