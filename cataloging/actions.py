"""Every write of the union catalog.

Contribution workflow (DESIGN.md §4, `BibRecord.TRANSITIONS`):

    draft -> submitted -> in_review -> approved (shared) | rejected | returned
    returned -> submitted

Records are edited only while draft or returned; each change is a new immutable
`RecordVersion`. Approval shares the record with every office and credits the contributing
office; copying a shared record adds a holding (馆藏) and charges a fee; a monthly
statement nets fees and credits and is paid online through the payments app
(`statement_pay`; purpose `cataloging.statement`: issued -> paid). MARC import
(`marc_import`) matches before it creates.
"""

from __future__ import annotations

import calendar
import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Case, IntegerField, Q, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from pymarc import Record

from cataloging import marc, permissions, search
from cataloging.models import (
    BibRecord,
    FeeSchedule,
    Holding,
    ImportJob,
    LedgerEntry,
    RecordIdentifier,
    RecordVersion,
    Statement,
)
from office import audit
from office.access import office_of
from office.exceptions import DomainError, InvalidTransition
from office.models import Organization
from office.queue import enqueue_on_commit

logger = logging.getLogger(__name__)

# --- versions ----------------------------------------------------------------------------------


def _write_version(record: BibRecord, raw: bytes, *, actor: Any, note: str) -> RecordVersion:
    """Append a version and re-extract the search columns from it (record must be saved)."""
    parsed = marc.record_from_storage(raw)
    extracted = marc.extract(parsed)
    record.version += 1
    for name, value in extracted["fields"].items():  # type: ignore[union-attr]
        setattr(record, name, value)
    record.save()
    version = RecordVersion.objects.create(
        record=record, number=record.version, marc=raw, note=note[:300], created_by=_user_or_none(actor)
    )
    RecordIdentifier.objects.filter(record=record).delete()
    RecordIdentifier.objects.bulk_create(
        [RecordIdentifier(record=record, scheme=s, value=v) for s, v in extracted["identifiers"]],  # type: ignore[union-attr]
        ignore_conflicts=True,
    )
    search.refresh_search_vector([record.pk])
    return version


def _user_or_none(actor: Any) -> Any:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _storage_bytes(record: Record) -> bytes:
    try:
        return marc.to_storage(record)
    except ValueError as exc:
        raise DomainError(str(exc)) from None


@transaction.atomic
def record_create(
    *,
    organization: Organization,
    actor: Any,
    marc_record: Record | None = None,
    raw: bytes | None = None,
    note: str = "",
    share: bool = False,
) -> BibRecord:
    """Create a draft record (version 1). `share=True` is the catalog operator's bulk load
    (`import_marc --share`): the record is approved and shared at once, without review."""
    if raw is None:
        if marc_record is None:
            raise ValueError("record_create needs marc_record or raw")
        raw = _storage_bytes(marc_record)
    record = BibRecord(organization=organization, created_by=_user_or_none(actor))
    if share:
        record.status = BibRecord.Status.APPROVED
        record.shared_at = timezone.now()
    record.save()
    _write_version(record, raw, actor=actor, note=note or _("Created"))
    audit.record(
        actor=actor,
        verb="cataloging.record.created",
        target=record,
        organization=organization,
        data={"shared": share, "note": note},
    )
    return record


@transaction.atomic
def record_update(*, record_id: int, actor: Any, marc_record: Record, note: str = "") -> BibRecord:
    """Save an edited record as a new version; refuses unless draft/returned and own office."""
    record = BibRecord.objects.select_for_update().get(pk=record_id)
    if not permissions.can_edit(actor, record):
        raise PermissionDenied(_("You cannot edit this record."))
    current = record.versions.order_by("-number").first()
    raw = _storage_bytes(marc_record)
    if current is not None and marc.fields_equal(marc.record_from_storage(current.marc), marc_record):
        raise DomainError(_("Nothing changed: the record is the same as version %(n)d.") % {"n": current.number})
    _write_version(record, raw, actor=actor, note=note or _("Edited"))
    audit.record(actor=actor, verb="cataloging.record.updated", target=record, data={"version": record.version})
    return record


# --- the contribution workflow ----------------------------------------------------------------------


def _transition(
    *,
    record_id: int,
    actor: Any,
    new_status: str,
    allowed: Callable[[Any, BibRecord], bool],
    denied: str,
) -> BibRecord:
    record = BibRecord.objects.select_for_update().get(pk=record_id)
    if not allowed(actor, record):
        raise PermissionDenied(denied)
    if not record.can_move_to(new_status):
        raise InvalidTransition(record, BibRecord.Status(new_status).label)
    record.status = new_status
    return record


@transaction.atomic
def record_submit(*, record_id: int, actor: Any) -> BibRecord:
    """Offer a draft or returned record to the union catalog; reviewers see it in their queue."""
    record = _transition(
        record_id=record_id,
        actor=actor,
        new_status=BibRecord.Status.SUBMITTED,
        allowed=permissions.can_submit,
        denied=_("You cannot submit this record."),
    )
    record.submitted_by, record.submitted_at = actor, timezone.now()
    record.save(update_fields=["status", "submitted_by", "submitted_at", "updated_at"])
    audit.record(actor=actor, verb="cataloging.record.submitted", target=record, data={"version": record.version})
    return record


@transaction.atomic
def record_review_start(*, record_id: int, actor: Any) -> BibRecord:
    """A reviewer takes a submitted record; from now on only a decision moves it."""
    record = _transition(
        record_id=record_id,
        actor=actor,
        new_status=BibRecord.Status.IN_REVIEW,
        allowed=permissions.can_review,
        denied=_("You cannot review this record."),
    )
    record.reviewed_by = actor
    record.save(update_fields=["status", "reviewed_by", "updated_at"])
    audit.record(actor=actor, verb="cataloging.record.review_started", target=record)
    return record


def _decide(*, record_id: int, actor: Any, new_status: str, note: str) -> BibRecord:
    record = _transition(
        record_id=record_id,
        actor=actor,
        new_status=new_status,
        allowed=permissions.can_review,
        denied=_("You cannot review this record."),
    )
    if new_status != BibRecord.Status.APPROVED and not note.strip():
        raise DomainError(_("Tell the contributing office why (a note is required)."))
    record.reviewed_by, record.reviewed_at, record.review_note = actor, timezone.now(), note.strip()
    fields = ["status", "reviewed_by", "reviewed_at", "review_note", "updated_at"]
    if new_status == BibRecord.Status.APPROVED:
        record.shared_at = timezone.now()
        fields.append("shared_at")
    record.save(update_fields=fields)
    audit.record(
        actor=actor,
        verb=f"cataloging.record.{new_status}",
        target=record,
        data={"note": note, "version": record.version},
    )
    from cataloging.tasks import record_decision_notify_task

    enqueue_on_commit(record_decision_notify_task, record_id=record.pk, version=record.version)
    return record


@transaction.atomic
def record_approve(*, record_id: int, actor: Any, note: str = "") -> BibRecord:
    """Share the record with every office and credit the contributing office once."""
    record = _decide(record_id=record_id, actor=actor, new_status=BibRecord.Status.APPROVED, note=note)
    schedule = fee_schedule_current()
    LedgerEntry.objects.get_or_create(
        organization_id=record.organization_id,
        record=record,
        kind=LedgerEntry.Kind.CONTRIBUTION_CREDIT,
        defaults={
            "amount_minor": -schedule.contribution_credit_minor,
            "currency": schedule.currency,
            "created_by": actor,
        },
    )
    return record


@transaction.atomic
def record_reject(*, record_id: int, actor: Any, note: str) -> BibRecord:
    """Refuse the record for the union catalog for good (it stays in its office's catalog)."""
    return _decide(record_id=record_id, actor=actor, new_status=BibRecord.Status.REJECTED, note=note)


@transaction.atomic
def record_return(*, record_id: int, actor: Any, note: str) -> BibRecord:
    """Send the record back for changes; the office edits it and submits again."""
    return _decide(record_id=record_id, actor=actor, new_status=BibRecord.Status.RETURNED, note=note)


def record_decision_notify(*, record_id: int, version: int) -> bool:
    """Tell the submitter about the decision. Idempotent per record version and decision."""
    from office.actions import notify
    from office.models import Notification

    record = BibRecord.objects.get(pk=record_id)
    if record.submitted_by_id is None:
        return False
    from django.urls import reverse

    url = reverse("cataloging:record_detail", kwargs={"pk": record.pk})
    verb = f"cataloging.record.{record.status}"
    title = _("%(title)s (v%(version)d): %(status)s") % {
        "title": str(record)[:120],
        "version": version,
        "status": record.get_status_display(),
    }
    with transaction.atomic():
        if Notification.objects.filter(recipient_id=record.submitted_by_id, verb=verb, url=url, title=title).exists():
            return False
        notify(recipient_id=record.submitted_by_id, verb=verb, title=title, body=record.review_note, url=url)
    return True


# --- copy cataloging and holdings ----------------------------------------------------------------


def fee_schedule_current() -> FeeSchedule:
    schedule = FeeSchedule.objects.filter(valid_from__lte=timezone.localdate()).first()
    if schedule is None:
        raise DomainError(_("No cataloging fee schedule is in force; ask the catalog operator."))
    return schedule


@transaction.atomic
def record_copy(
    *,
    record_id: int,
    actor: Any,
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
    *, holding_id: int, actor: Any, call_number: str, location: str, copies: int, lendable: bool, note: str = ""
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


# --- fees and statements ---------------------------------------------------------------------------


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.datetime]:
    """First day of the month and the (aware) start of the next month."""
    first = datetime.date(year, month, 1)
    last_day = calendar.monthrange(year, month)[1]
    next_start = datetime.datetime.combine(first + datetime.timedelta(days=last_day), datetime.time.min)
    return first, timezone.make_aware(next_start)


@transaction.atomic
def statement_close(*, actor: Any, year: int, month: int) -> Statement:
    """Net every unbilled fee and credit of the actor's office up to the end of a finished
    month into that month's statement. Refuses the current or a future month, and twice."""
    if not permissions.can_close_statement(actor):
        raise PermissionDenied(_("Only the office's leadership and department heads close statements."))
    office = office_of(actor)
    assert office is not None
    # One office closes one month at a time: the lock orders concurrent attempts.
    Organization.objects.select_for_update().get(pk=office.pk)
    period_start, next_start = month_bounds(year, month)
    today = timezone.localdate()
    if period_start >= today.replace(day=1):
        raise DomainError(_("Only a finished month can be closed."))
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


# --- paying a statement online (payments app, purpose "cataloging.statement") -------------------

STATEMENT_PURPOSE = "cataloging.statement"


def statement_pay(*, statement_id: int, actor: Any) -> Any:
    """Start (or resume) paying a debit statement online; returns its `payments.Payment`.
    The payer is the statement's office, the payee the home office (the catalog operator);
    the amount is the statement's net from the database. A second call returns the same
    payment. Refuses people who do not pay for the office, credits, paid statements and
    the operator's own statement (it would pay itself)."""
    from payments.actions import payment_create

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


def statement_paid(statement: Statement, payment: Any) -> None:
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


# --- MARC import -----------------------------------------------------------------------------------


@dataclass
class ImportRow:
    number: int
    control_number: str
    outcome: str  # created, updated, unchanged, skipped, error
    record_id: int | None = None
    message: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "control_number": self.control_number,
            "outcome": self.outcome,
            "record_id": self.record_id,
            "message": self.message,
        }


@dataclass
class ImportResult:
    rows: list[ImportRow] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)


def _find_match(organization_id: int, extracted: dict[str, Any]) -> BibRecord | None:
    """001 within the office (control numbers are local), 035 system numbers anywhere
    visible, then ISBN, then the title/author/year key; the office's own record wins."""
    identifiers: list[tuple[str, str]] = extracted["identifiers"]
    visible = BibRecord.objects.filter(Q(organization_id=organization_id) | Q(status=BibRecord.Status.APPROVED))
    own_first = visible.annotate(
        _own=Case(When(organization_id=organization_id, then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by("_own", "pk")
    ctl = [v for s, v in identifiers if s == "ctl"]
    sys = [v for s, v in identifiers if s == "sys"]
    isbns = [v for s, v in identifiers if s == "isbn"]
    candidates = []
    if ctl:
        candidates.append(
            own_first.filter(organization_id=organization_id, identifiers__scheme="ctl", identifiers__value__in=ctl)
        )
    if sys:
        candidates.append(own_first.filter(identifiers__scheme="sys", identifiers__value__in=sys))
    if isbns:
        candidates.append(own_first.filter(identifiers__scheme="isbn", identifiers__value__in=isbns))
    key = extracted["fields"]["match_key"]
    if key:
        candidates.append(own_first.filter(match_key=key))
    for qs in candidates:
        found = qs.first()
        if found is not None:
            return found
    return None


def _import_one(parsed: marc.ParsedRecord, *, organization: Organization, actor: Any, share: bool) -> ImportRow:
    row = ImportRow(number=parsed.number, control_number=parsed.control_number, outcome="error")
    if parsed.error or parsed.record is None:
        row.message = parsed.error
        return row
    warnings = "; ".join(parsed.warnings)
    extracted = marc.extract(parsed.record)
    match = _find_match(organization.pk, extracted)
    if match is None:
        record = record_create(organization=organization, actor=actor, raw=parsed.raw, note=_("Imported"), share=share)
        row.outcome, row.record_id, row.message = "created", record.pk, warnings
        return row
    row.record_id = match.pk
    current = match.versions.order_by("-number").first()
    if current is not None and marc.fields_equal(marc.record_from_storage(current.marc), parsed.record):
        row.outcome, row.message = "unchanged", _("Same as record %(pk)d.") % {"pk": match.pk}
        return row
    if match.organization_id != organization.pk:
        row.outcome = "skipped"
        row.message = _("Already in the union catalog as record %(pk)d of %(office)s; copy it instead.") % {
            "pk": match.pk,
            "office": match.organization,
        }
        return row
    if match.status not in BibRecord.EDITABLE and not share:
        row.outcome = "skipped"
        row.message = _("Matches record %(pk)d, which is %(status)s: changes go through review.") % {
            "pk": match.pk,
            "status": match.get_status_display(),
        }
        return row
    locked = BibRecord.objects.select_for_update().get(pk=match.pk)
    _write_version(locked, parsed.raw, actor=actor, note=_("Re-imported"))
    row.outcome, row.message = "updated", warnings
    return row


def marc_import(
    *,
    data: bytes,
    organization: Organization,
    actor: Any,
    share: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Import every good record of a MARC file; a bad record is reported (number, 001, reason)
    and never stops or undoes the rest. A file-level problem (empty, not MARC, truncated,
    unsafe XML) raises MarcFileError before any write. Runs in `cataloging.importer`: new
    records in bulk, everything that matches through `_import_one` as before."""
    from cataloging import importer

    return importer.marc_import(data=data, organization=organization, actor=actor, share=share, progress=progress)


@transaction.atomic
def import_job_create(*, actor: Any, upload: Any) -> ImportJob:
    """Store an uploaded file and queue its import (the file was checked by the form)."""
    office = office_of(actor)
    if office is None or not permissions.can_catalog(actor):
        raise PermissionDenied(_("Only staff of a member office import records."))
    job = ImportJob.objects.create(
        organization=office, created_by=actor, file=upload, original_name=str(upload.name)[:255]
    )
    audit.record(actor=actor, verb="cataloging.import.queued", target=job, data={"file": job.original_name})
    from cataloging.tasks import import_job_run_task

    enqueue_on_commit(import_job_run_task, job_id=job.pk)
    return job


PROGRESS_EVERY = 25


def import_job_run(*, job_id: int) -> ImportJob:
    """Run a queued import job once; a redelivered task finds it no longer queued."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.status != ImportJob.Status.QUEUED:
            return job
        job.status, job.started_at = ImportJob.Status.RUNNING, timezone.now()
        job.save(update_fields=["status", "started_at", "updated_at"])

    def progress(done: int, total: int) -> None:
        if done == total or done % PROGRESS_EVERY == 0:
            ImportJob.objects.filter(pk=job_id).update(processed=done, total=total, updated_at=timezone.now())

    try:
        with job.file.open("rb") as handle:
            data = handle.read()
        result = marc_import(data=data, organization=job.organization, actor=job.created_by, progress=progress)
    except marc.MarcFileError as exc:
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.FAILED, error=str(exc), finished_at=timezone.now()
        )
    else:
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.SUCCEEDED,
            total=len(result.rows),
            processed=len(result.rows),
            created_count=result.count("created"),
            updated_count=result.count("updated"),
            unchanged_count=result.count("unchanged"),
            skipped_count=result.count("skipped"),
            error_count=result.count("error"),
            report=[row.as_dict() for row in result.rows],
            finished_at=timezone.now(),
        )
    job.refresh_from_db()
    return job
