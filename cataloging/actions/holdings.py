"""Copy cataloging and holdings: an office copies a shared record into its catalog as a
holding (馆藏), charged the copy fee unless the record is its own contribution, and keeps its
local holding data (call number, location, copies) up to date."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from cataloging import permissions
from cataloging.actions.statements import fee_schedule_current
from cataloging.models import BibRecord, Holding, LedgerEntry
from office import audit
from office.access import office_of
from office.exceptions import DomainError

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@transaction.atomic
def record_copy(
    *,
    record_id: int,
    actor: User,
    call_number: str = "",
    location: str = "",
    copies: int = 1,
    lendable: bool = True,
) -> Holding:
    """Copy-catalog a shared record: add a holding for the actor's office and charge the copy
    fee (not for the contributing office's own record). Refuses a second holding."""
    record = BibRecord.objects.select_for_update().get(pk=record_id)
    if not permissions.can_copy(actor, record):
        raise PermissionDenied(_("Only shared records can be copied."))
    office = office_of(actor)
    assert office is not None  # can_copy requires a staff profile
    if Holding.objects.filter(record=record, organization=office).exists():
        raise DomainError(_("Your office already holds this record."))
    holding = Holding.objects.create(
        record=record,
        organization=office,
        call_number=call_number or record.clc,
        location=location,
        copies=copies,
        lendable=lendable,
        created_by=actor,
    )
    fee = 0
    if record.organization_id != office.pk:
        schedule = fee_schedule_current()
        fee = schedule.copy_fee_minor
        LedgerEntry.objects.create(
            organization=office,
            kind=LedgerEntry.Kind.COPY_FEE,
            amount_minor=fee,
            currency=schedule.currency,
            record=record,
            created_by=actor,
        )
    audit.record(
        actor=actor,
        verb="cataloging.record.copied",
        target=holding,
        organization=office,
        data={"record": record.pk, "fee_minor": fee},
    )
    return holding


@transaction.atomic
def holding_update(
    *, holding_id: int, actor: User, call_number: str, location: str, copies: int, lendable: bool, note: str = ""
) -> Holding:
    """Change an office's local holding data (call number, location, copies, note)."""
    holding = Holding.objects.select_for_update().get(pk=holding_id)
    if not permissions.can_edit_holding(actor, holding):
        raise PermissionDenied(_("You cannot change another office's holdings."))
    holding.call_number, holding.location, holding.copies = call_number, location, copies
    holding.lendable, holding.note = lendable, note
    holding.save()
    audit.record(actor=actor, verb="cataloging.holding.updated", target=holding)
    return holding
