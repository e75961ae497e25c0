"""MARC import: `marc_import` (the `import_marc` command and the upload job) runs the bulk
importer (`cataloging.importer`), which hands every record that matches something, or cannot
be written in bulk, to `_import_one`: match before create, then update, report unchanged or
skip. Uploads become an `ImportJob` (queued -> running -> succeeded | failed); a running job
whose worker was lost (no progress for STALE_AFTER) is taken over and run again from the start,
at most MAX_TAKEOVERS times, then failed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cataloging import marc, permissions, selectors
from cataloging.actions.records import _write_version, record_create
from cataloging.importer import bulk
from cataloging.importer.rows import ImportResult, ImportRow
from cataloging.models import BibRecord, ImportJob
from office import audit
from office.access import office_of
from office.models import AuditEvent, Organization
from office.queue import enqueue_on_commit
from office.uploads import save_upload

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Named by dotted path: cataloging.tasks imports the actions (office/queue.py resolves it when sending).
IMPORT_JOB_TASK = "cataloging.tasks.import_job_run_task"
PROGRESS_EVERY = 25
# A running job writes its progress, and so `updated_at`, every PROGRESS_EVERY records: every
# second or so. One silent this long lost its worker (kill -9, out of memory, a crashed
# machine): acks late, its task comes back, or the sweep sends it again, and finds it running.
# Ten minutes is far beyond any pause of a live import and well inside the task's 30-minute
# time limit (CELERY_TASK_TIME_LIMIT), which a job that keeps dying runs into anyway.
STALE_AFTER = timedelta(minutes=10)
MAX_TAKEOVERS = 3  # then the file, not the worker, is the likely cause: the job fails
TAKEN_OVER = "cataloging.import.taken_over"


def _import_one(parsed: marc.ParsedRecord, *, organization: Organization, actor: User | None, share: bool) -> ImportRow:
    """Import one record one by one: create it unless it matches (`selectors.record_match_for`),
    else update the office's own editable match, or report it unchanged or skipped."""
    row = ImportRow(number=parsed.number, control_number=parsed.control_number, outcome="error")
    if parsed.error or parsed.record is None:
        row.message = parsed.error
        return row
    warnings = "; ".join(parsed.warnings)
    extracted = marc.extract(parsed.record)
    match = selectors.record_match_for(organization_id=organization.pk, extracted=extracted)
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
    actor: User | None,
    share: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Import every good record of a MARC file; a bad record is reported (number, 001, reason)
    and never stops or undoes the rest. A file-level problem (empty, not MARC, truncated,
    unsafe XML) raises MarcFileError before any write. Runs in `cataloging.importer`: new
    records in bulk, everything that matches through `_import_one` as before."""
    return bulk.marc_import(
        data=data, organization=organization, actor=actor, share=share, progress=progress, import_one=_import_one
    )


@transaction.atomic
def import_job_create(*, actor: User, upload: Any) -> ImportJob:
    """Store an uploaded file and queue its import (the file was checked by the form); refuses
    with StorageFull when the disk is full."""
    office = office_of(actor)
    if office is None or not permissions.can_catalog(actor):
        raise PermissionDenied(_("Only staff of a member office import records."))
    job = ImportJob(organization=office, created_by=actor, original_name=str(upload.name)[:255])
    save_upload(job.file, str(upload.name), upload)  # a full disk: StorageFull, nothing written
    job.save()
    audit.record(actor=actor, verb="cataloging.import.queued", target=job, data={"file": job.original_name})
    enqueue_on_commit(IMPORT_JOB_TASK, job_id=job.pk)
    return job


def import_job_stale(job: ImportJob) -> bool:
    """Running, and silent for STALE_AFTER: the worker that ran it is gone."""
    return job.status == ImportJob.Status.RUNNING and job.updated_at <= timezone.now() - STALE_AFTER


@transaction.atomic
def _import_job_claim(job_id: int) -> ImportJob | None:
    """Mark the job running for this run, under its row lock; None when there is nothing to
    run: finished, or running elsewhere (its progress is recent), or failed here for having
    been taken over MAX_TAKEOVERS times."""
    job = ImportJob.objects.select_for_update().get(pk=job_id)
    if job.status == ImportJob.Status.QUEUED:
        job.status, job.started_at = ImportJob.Status.RUNNING, timezone.now()
        job.save(update_fields=["status", "started_at", "updated_at"])
        return job
    if not import_job_stale(job):
        return None  # finished, or a live run: a redelivered task leaves it alone
    takeovers = AuditEvent.objects.filter(verb=TAKEN_OVER, target_id=str(job.pk)).count()
    silent_since = job.updated_at.isoformat()
    if takeovers >= MAX_TAKEOVERS:
        job.status, job.finished_at = ImportJob.Status.FAILED, timezone.now()
        job.error = _(
            "The import stopped %(count)d times without finishing (the worker running it was lost "
            "each time); upload the file again, or in smaller parts."
        ) % {"count": takeovers + 1}
        job.save(update_fields=["status", "finished_at", "error", "updated_at"])
        audit.record(actor=None, verb="cataloging.import.abandoned", target=job, data={"silent_since": silent_since})
        return None
    # From the start: what the lost run committed matches now and is reported unchanged.
    job.processed = 0
    job.save(update_fields=["processed", "updated_at"])
    audit.record(actor=None, verb=TAKEN_OVER, target=job, data={"silent_since": silent_since})
    return job


def import_job_run(*, job_id: int) -> ImportJob:
    """Run a queued import job. A redelivered task finds it running and leaves it, unless its
    run went silent for STALE_AFTER (its worker was lost mid-import): then this run takes it
    over and imports the whole file again. That is safe because the import matches before it
    creates: records the lost run committed are found and reported unchanged, and a window it
    had not committed was rolled back with its connection."""
    if _import_job_claim(job_id) is None:
        return ImportJob.objects.get(pk=job_id)
    job = ImportJob.objects.select_related("organization", "created_by").get(pk=job_id)

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
