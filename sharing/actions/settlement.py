"""Monthly inter-office settlement of sharing charges:

    charges of the month -> one netted Settlement per pair of member agencies and currency
    (what the first owes the second minus what the second owes the first):
    issued (the debtor pays `amount_minor`) -> paid (payment handler) | settled (nothing to pay)

`settlement_close_month` is the monthly beat job; it is idempotent (one statement per pair,
month and currency; a statement no payment has started is recomputed with late charges)
and safe to run again after a broker outage. The debtor pays through `payments` (the
"sharing.settlement" payable): to the creditor office, by Stripe Connect where it has an account.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from office import audit
from office.access import LEADERSHIP, Role
from office.dates import add_months
from office.exceptions import DomainError
from office.texts import money
from payments.actions import payment_create
from payments.models import Payment
from sharing import permissions
from sharing.actions.common import notify_users
from sharing.models import Charge, Settlement

if TYPE_CHECKING:
    from django.contrib.auth.models import User

SETTLEMENT_PURPOSE = "sharing.settlement"


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _month_end(period_start: dt.date) -> dt.datetime:
    end = add_months(period_start, 1)
    return timezone.make_aware(dt.datetime.combine(end, dt.time.min))


def settlement_close_month(*, period_start: dt.date | None = None) -> list[int]:
    """Close `period_start`'s month (default: last month): every member pair's open charges
    up to its end go into their netted statement. Returns the statements' ids."""
    period_start = month_start(period_start or add_months(timezone.localdate(), -1))
    end = _month_end(period_start)
    open_charges = Charge.objects.filter(
        settlement__isnull=True,
        created_at__lt=end,
        debtor__is_partner=False,
        creditor__is_partner=False,
    )
    pairs: set[tuple[int, int, str]] = set()
    for debtor, creditor, currency in open_charges.values_list("debtor_id", "creditor_id", "currency").distinct():
        first, second = sorted((debtor, creditor))
        pairs.add((first, second, currency))
    ids = [_close_pair(period_start, end, *pair) for pair in sorted(pairs)]
    return [pk for pk in ids if pk]


@transaction.atomic
def _close_pair(period_start: dt.date, end: dt.datetime, first: int, second: int, currency: str) -> int | None:
    statement, created = Settlement.objects.select_for_update().get_or_create(
        period_start=period_start, first_id=first, second_id=second, currency=currency
    )
    if not created and (statement.status == Settlement.Status.PAID or statement.payment_id):
        return None  # paid or being paid: late charges wait for next month's statement
    pair = Q(debtor_id=first, creditor_id=second) | Q(debtor_id=second, creditor_id=first)
    charges = Charge.objects.select_for_update().filter(pair, currency=currency, created_at__lt=end)
    charges.filter(settlement__isnull=True).update(settlement=statement)
    before = (statement.first_owes_minor, statement.second_owes_minor, statement.status)
    owed: dict[int, int] = defaultdict(int)
    for debtor_id, amount in statement.charges.values_list("debtor_id", "amount_minor"):
        owed[debtor_id] += amount
    statement.first_owes_minor, statement.second_owes_minor = owed[first], owed[second]
    net = statement.first_owes_minor - statement.second_owes_minor
    statement.amount_minor = abs(net)
    statement.debtor_id = first if net > 0 else second if net < 0 else None
    statement.creditor_id = second if net > 0 else first if net < 0 else None
    statement.status = Settlement.Status.ISSUED if net else Settlement.Status.SETTLED
    if not created and before == (statement.first_owes_minor, statement.second_owes_minor, statement.status):
        return statement.pk  # a re-run found nothing new
    statement.save()
    audit.record(
        actor=None,
        target=statement,
        verb="sharing.settlement.issued",
        data={"month": f"{period_start:%Y-%m}", "amount": statement.amount_minor, "currency": currency},
    )
    if created and net:
        _tell_debtor(statement)
    return statement.pk


def _tell_debtor(statement: Settlement) -> None:
    from office.models import StaffProfile

    payers = StaffProfile.objects.filter(
        organization_id=statement.debtor.organization_id, position__role__in=[*LEADERSHIP, Role.HEAD]
    ).values_list("user_id", flat=True)
    from django.urls import reverse

    notify_users(
        set(payers),
        "sharing.settlement.issued",
        gettext_noop("Resource-sharing statement %(month)s: %(amount)s to pay to %(creditor)s"),
        {
            "month": f"{statement.period_start:%Y-%m}",
            "amount": money(statement.amount_minor, statement.currency),
            "creditor": statement.creditor.agency_id,
        },
        reverse("sharing:settlement_detail", kwargs={"pk": statement.pk}),
    )


def settlement_pay(*, settlement_id: int, actor: User) -> Payment:
    """The debtor office starts (or resumes) paying a statement online; returns the payment.
    Refuses other offices, people who do not pay for the office, and nothing-to-pay statements."""
    statement = Settlement.objects.select_related("debtor__organization", "creditor__organization").get(
        pk=settlement_id
    )
    agency = permissions.agency_of(actor)
    if agency is None or agency.pk not in (statement.first_id, statement.second_id):
        raise PermissionDenied
    if statement.status == Settlement.Status.PAID:
        raise DomainError(_("This statement has been paid."))
    if not statement.is_payable:
        raise DomainError(_("There is nothing to pay on this statement."))
    if not permissions.can_pay_settlement(actor, statement):
        raise PermissionDenied(_("Only the debtor office's leadership and department heads pay its statements."))
    payment = payment_create(
        purpose_type=SETTLEMENT_PURPOSE,
        purpose_id=statement.pk,
        amount_minor=statement.amount_minor,
        currency=statement.currency,
        description=_("Resource-sharing statement %(month)s: %(debtor)s to %(creditor)s")
        % {
            "month": f"{statement.period_start:%Y-%m}",
            "debtor": statement.debtor.agency_id,
            "creditor": statement.creditor.agency_id,
        },
        payer_user=actor,
        payer_organization=statement.debtor.organization,
        payee_organization=statement.creditor.organization,
        created_by=actor,
    )
    if statement.payment_id != payment.pk:
        Settlement.objects.filter(pk=statement.pk).update(payment=payment)
    return payment


def settlement_paid(statement: Settlement, payment: Payment) -> None:
    """On-paid handler of "sharing.settlement": the statement is paid (checked by payments)."""
    statement.status = Settlement.Status.PAID
    statement.paid_at = payment.succeeded_at or timezone.now()
    statement.payment = payment
    statement.save(update_fields=["status", "paid_at", "payment", "updated_at"])
    audit.record(
        actor=None,
        target=statement,
        verb="sharing.settlement.paid",
        data={"payment": payment.pk, "amount": statement.amount_minor},
    )


def lock_settlement(pk: str) -> Settlement | None:
    try:
        return Settlement.objects.select_for_update(of=("self",)).select_related("debtor").filter(pk=int(pk)).first()
    except ValueError:
        return None
