"""What a lender charges a borrower for one request (its fee schedule, or nothing under a
reciprocity agreement), and deadlines in working days. Pure reads; no writes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from sharing.models import Agency, Reciprocity, SharingRequest


@dataclass(frozen=True)
class Fee:
    amount_minor: int
    currency: str
    free_reason: str = ""  # "reciprocity" when an agreement makes it free


def reciprocal(a_id: int, b_id: int, on: dt.date | None = None) -> bool:
    """Do the two agencies have a reciprocity agreement in force on `on` (today)?"""
    on = on or timezone.localdate()
    first, second = sorted((a_id, b_id))
    return (
        Reciprocity.objects.filter(first_id=first, second_id=second, starts_on__lte=on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .exists()
    )


def schedule_fee(lender: Agency, service_type: str, page_count: int | None, urgent: bool) -> int:
    """The lender's list price for a loan or a copy of `page_count` pages."""
    if service_type == SharingRequest.ServiceType.LOAN:
        amount = lender.loan_fee_minor
    else:
        amount = lender.copy_fee_minor + lender.page_fee_minor * (page_count or 0)
    return amount + (lender.urgent_fee_minor if urgent else 0)


def fee_for(lender: Agency, borrower: Agency, request: SharingRequest) -> Fee:
    """What `borrower` owes `lender` for `request`: free under reciprocity, else the schedule."""
    if reciprocal(lender.pk, borrower.pk):
        return Fee(0, lender.currency, "reciprocity")
    return Fee(schedule_fee(lender, request.service_type, request.page_count, request.urgent), lender.currency)


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    """`start` plus `days` working days (Monday to Friday); a weekend start counts from Monday."""
    result = start
    added = 0
    while added < days:
        result += dt.timedelta(days=1)
        if result.weekday() < 5:
            added += 1
    return result
