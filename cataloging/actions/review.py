"""The contribution workflow (DESIGN.md §4, `BibRecord.TRANSITIONS`):

    draft -> submitted -> in_review -> approved (shared) | rejected | returned
    returned -> submitted

Approval shares the record with every office and credits the contributing office once; every
decision is told to the submitter after commit (`record_decision_notify`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cataloging import permissions
from cataloging.actions.statements import fee_schedule_current
from cataloging.models import BibRecord, LedgerEntry
from office import audit
from office.actions import notify
from office.exceptions import DomainError
from office.models import Notification
from office.queue import enqueue_on_commit
from office.texts import tr

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Named by dotted path: cataloging.tasks imports the actions (office/queue.py resolves it when sending).
DECISION_NOTIFY_TASK = "cataloging.tasks.record_decision_notify_task"


def _transition(
    *,
    record_id: int,
    actor: User,
    new_status: str,
    allowed: Callable[[User, BibRecord], bool],
    denied: str,
) -> BibRecord:
    record = BibRecord.objects.select_for_update().get(pk=record_id)
    if not allowed(actor, record):
        raise PermissionDenied(denied)
    record.move_to(new_status)
    return record


@transaction.atomic
def record_submit(*, record_id: int, actor: User) -> BibRecord:
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
def record_review_start(*, record_id: int, actor: User) -> BibRecord:
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


def _decide(*, record_id: int, actor: User, new_status: str, note: str) -> BibRecord:
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
    enqueue_on_commit(DECISION_NOTIFY_TASK, record_id=record.pk, version=record.version)
    return record


@transaction.atomic
def record_approve(*, record_id: int, actor: User, note: str = "") -> BibRecord:
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
def record_reject(*, record_id: int, actor: User, note: str) -> BibRecord:
    """Refuse the record for the union catalog for good (it stays in its office's catalog)."""
    return _decide(record_id=record_id, actor=actor, new_status=BibRecord.Status.REJECTED, note=note)


@transaction.atomic
def record_return(*, record_id: int, actor: User, note: str) -> BibRecord:
    """Send the record back for changes; the office edits it and submits again."""
    return _decide(record_id=record_id, actor=actor, new_status=BibRecord.Status.RETURNED, note=note)


def record_decision_notify(*, record_id: int, version: int) -> bool:
    """Tell the submitter about the decision. Idempotent per record version and decision."""
    record = BibRecord.objects.get(pk=record_id)
    if record.submitted_by_id is None:
        return False
    url = reverse("cataloging:record_detail", kwargs={"pk": record.pk})
    verb = f"cataloging.record.{record.status}"
    title = gettext_noop("%(title)s (v%(version)d): %(status)s")
    with translation.override("en"):  # the status label's message id, rendered for the reader
        status = str(record.get_status_display())
    params = {"title": str(record)[:120], "version": version, "status": tr(status), "note": record.review_note}
    with transaction.atomic():
        told = Notification.objects.filter(recipient_id=record.submitted_by_id, verb=verb, url=url)
        if told.filter(title=title, params__version=version).exists():
            return False
        body = "%(note)s" if record.review_note else ""
        notify(recipient_id=record.submitted_by_id, verb=verb, title=title, body=body, params=params, url=url)
    return True
