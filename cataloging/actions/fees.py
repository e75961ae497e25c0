"""The cataloging fee schedule, edited in the intranet by its owners (issue 16).

A schedule is never changed once in force (statements were computed from it): a change is a
new schedule from a date today or later; one not yet in force may be withdrawn."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cataloging import permissions
from cataloging.models import FeeSchedule
from office import audit
from office.exceptions import DomainError
from office.money import check_amount


@transaction.atomic
def fee_schedule_add(
    *, actor: Any, name: str, valid_from: datetime.date, currency: str, copy_fee_minor: int,
    contribution_credit_minor: int,
) -> FeeSchedule:  # fmt: skip
    if not permissions.can_edit_fee_schedule(actor):
        raise PermissionDenied(_("Only the catalog operator's leadership and review heads set the fees."))
    if valid_from < timezone.localdate():
        raise DomainError(_("A new fee schedule starts today or later: past statements keep their fees."))
    if FeeSchedule.objects.select_for_update().filter(valid_from=valid_from).exists():
        raise DomainError(_("A fee schedule already starts on this day."))
    for amount in (copy_fee_minor, contribution_credit_minor):
        check_amount(amount, currency, allow_zero=True)
    schedule = FeeSchedule.objects.create(
        name=name.strip(), valid_from=valid_from, currency=currency, copy_fee_minor=copy_fee_minor,
        contribution_credit_minor=contribution_credit_minor,
    )  # fmt: skip
    audit.record(
        actor=actor, target=schedule, verb="cataloging.fee_schedule.added",
        data={"from": str(valid_from), "copy_fee": copy_fee_minor, "credit": contribution_credit_minor,
              "currency": currency},
    )  # fmt: skip
    return schedule


@transaction.atomic
def fee_schedule_withdraw(*, actor: Any, schedule_id: int) -> None:
    if not permissions.can_edit_fee_schedule(actor):
        raise PermissionDenied(_("Only the catalog operator's leadership and review heads set the fees."))
    schedule = FeeSchedule.objects.select_for_update().filter(pk=schedule_id).first()
    if schedule is None or schedule.valid_from <= timezone.localdate():
        raise DomainError(_("Only a fee schedule not yet in force can be withdrawn."))
    audit.record(actor=actor, target=schedule, verb="cataloging.fee_schedule.withdrawn",
                 data={"from": str(schedule.valid_from)})  # fmt: skip
    schedule.delete()
