"""The catch-up sweep of union-catalog work whose task never ran (issue 17): a broker outage
loses what `enqueue_on_commit` could not publish, and a Redis restart without persistence
loses what was queued. The database says what is still to do, so the sweep asks it:

- an import job still queued a while after it was created: its task is sent again
  (`import_job_run` runs a job once, so a task that was only late changes nothing);
- an import job running without progress for `actions.imports.STALE_AFTER`: its worker was
  lost mid-import (kill -9, out of memory), and its task may not come back in time to save
  it (the delivery that comes back at once when only the pool process died finds recent
  progress and leaves the job; a Redis that lost its data lost the message): its task is
  sent again, and takes the job over;
- a review decision whose submitter was never told: told now (`record_decision_notify`
  is idempotent per record, version and decision).

Beat runs `cataloging_catch_up_task` (cataloging/apps.py); CELERY_IMPORTS loads this module
in the worker. It is a module of its own, not part of cataloging/actions/ and tasks.py,
because those were being reorganised when it was written; it may move there later.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from celery import shared_task
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cataloging import actions
from cataloging.actions.imports import STALE_AFTER
from cataloging.models import BibRecord, ImportJob
from office.models import AuditEvent, Notification

CATCH_UP_AFTER = timedelta(minutes=2)  # the task's own chance first: a queued job starts within seconds
DECISION_WINDOW = timedelta(days=7)  # older news is stale; the record page shows the decision anyway
DECISIONS = (BibRecord.Status.APPROVED, BibRecord.Status.REJECTED, BibRecord.Status.RETURNED)


def import_jobs_requeue(*, now: datetime | None = None) -> int:
    """Send the task of every import job still queued after CATCH_UP_AFTER, or running without
    progress for STALE_AFTER; returns how many."""
    from cataloging.tasks import import_job_run_task

    now = now or timezone.now()
    queued = Q(status=ImportJob.Status.QUEUED, created_at__lte=now - CATCH_UP_AFTER)
    stale = Q(status=ImportJob.Status.RUNNING, updated_at__lte=now - STALE_AFTER)
    job_ids = list(ImportJob.objects.filter(queued | stale).values_list("pk", flat=True))
    for job_id in job_ids:
        # Sent, not run here: an import can take long, and another worker may be free.
        import_job_run_task.apply_async(kwargs={"job_id": job_id}, ignore_result=True)
    return len(job_ids)


def record_decisions_notify(*, now: datetime | None = None) -> int:
    """Tell each submitter about a decision of the last DECISION_WINDOW that is still the
    record's current state and that they were not told about; returns how many were told.

    The version comes from the decision's audit event, as the task had it: a returned record
    may have been edited (a new version) since."""
    now = now or timezone.now()
    decisions = AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(BibRecord),
        verb__in=[f"cataloging.record.{status}" for status in DECISIONS],
        created_at__gte=now - DECISION_WINDOW,
        created_at__lte=now - CATCH_UP_AFTER,
    ).values_list("target_id", "verb", "data", "created_at")
    records = {
        record.pk: record
        for record in BibRecord.objects.filter(
            pk__in={int(target_id) for target_id, *_rest in decisions}, submitted_by__isnull=False
        ).only("pk", "status", "submitted_by_id")
    }
    told = 0
    for target_id, verb, data, decided_at in decisions:
        record = records.get(int(target_id))
        if record is None or verb != f"cataloging.record.{record.status}" or "version" not in data:
            continue  # a later decision or submission superseded it (or no submitter to tell)
        if _told_since(record, verb, decided_at):
            continue  # the task did its work (the title it wrote may differ since: an edit)
        told += actions.record_decision_notify(record_id=record.pk, version=int(data["version"]))
    return told


def _told_since(record: BibRecord, verb: str, decided_at: datetime) -> bool:
    return Notification.objects.filter(
        recipient_id=record.submitted_by_id,
        verb=verb,
        url=reverse("cataloging:record_detail", kwargs={"pk": record.pk}),
        created_at__gte=decided_at,
    ).exists()


@shared_task
def cataloging_catch_up_task() -> dict[str, int]:
    """Beat: re-send queued or abandoned import jobs and tell submitters about missed decisions."""
    return {"imports_requeued": import_jobs_requeue(), "decisions_told": record_decisions_notify()}
