"""A MARC import job whose worker was lost mid-run (RELIABILITY.md F3, issue 17).

The bug: a job killed mid-run stayed RUNNING for ever. Acks late, its task came back (or
the sweep sent it again) and found it running, so it returned; the sweep only looked at
queued jobs. Now a running job without progress for `STALE_AFTER` is taken over: imported
again from the start, which the import's match-before-create makes safe, at most
`MAX_TAKEOVERS` times. `test_worker_killed_mid_task.py` does it with a real worker killed
with SIGKILL; these tests pin the rules on the action and the sweep.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from cataloging import actions, sweeps
from cataloging.actions import imports
from cataloging.models import BibRecord, ImportJob
from office.models import AuditEvent, Organization
from tests.cataloging.factories import make_raw

pytestmark = pytest.mark.django_db

RECORDS = 8


def marc_file(prefix: str, count: int = RECORDS) -> bytes:
    """`count` distinct records: each its own 001 and title, no ISBN (they would all match)."""
    return b"".join(make_raw(control=f"{prefix}{n:05d}", title=f"{prefix} record {n}", isbn=None) for n in range(count))


def job_lost_mid_run(demo: Any, prefix: str, *, silent_for: timedelta) -> ImportJob:
    """A job whose lost run committed the first half of its file, then went silent."""
    office = Organization.objects.get(code="east")
    data = marc_file(prefix)
    job = ImportJob.objects.create(organization=office, created_by=demo.staff_east, original_name=f"{prefix}.mrc")
    job.file.save(f"{prefix}.mrc", ContentFile(data))
    half = marc_file(prefix, RECORDS // 2)
    actions.marc_import(data=half, organization=office, actor=demo.staff_east)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING,
        started_at=timezone.now() - silent_for,
        processed=RECORDS // 2,
        total=RECORDS,
        updated_at=timezone.now() - silent_for,
    )
    return job


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def _records(prefix: str) -> int:
    return BibRecord.objects.filter(title__startswith=f"{prefix} record").count()


def test_a_running_job_with_recent_progress_is_left_to_its_run(demo: Any, media: None) -> None:
    job = job_lost_mid_run(demo, "LIVE", silent_for=timedelta(minutes=1))
    assert actions.import_job_run(job_id=job.pk).status == ImportJob.Status.RUNNING  # a redelivered task
    assert _records("LIVE") == RECORDS // 2
    assert sweeps.import_jobs_requeue() == 0


def test_a_silent_running_job_is_taken_over_and_imported_once(demo: Any, media: None) -> None:
    job = job_lost_mid_run(demo, "LOST", silent_for=imports.STALE_AFTER + timedelta(seconds=1))

    job = actions.import_job_run(job_id=job.pk)

    assert job.status == ImportJob.Status.SUCCEEDED
    assert _records("LOST") == RECORDS  # nothing twice
    assert (job.created_count, job.unchanged_count, job.error_count) == (RECORDS // 2, RECORDS // 2, 0)
    assert job.processed == job.total == RECORDS
    taken_over = AuditEvent.objects.get(verb=imports.TAKEN_OVER, target_id=str(job.pk))
    assert taken_over.actor is None and taken_over.organization is not None
    # Its task again (a duplicate delivery): finished, nothing more.
    assert actions.import_job_run(job_id=job.pk).status == ImportJob.Status.SUCCEEDED
    assert _records("LOST") == RECORDS


def test_the_sweep_sends_a_silent_running_job_again(demo: Any, media: None) -> None:
    job = job_lost_mid_run(demo, "SWEPT", silent_for=imports.STALE_AFTER + timedelta(minutes=1))
    fresh = job_lost_mid_run(demo, "FRESH", silent_for=timedelta(minutes=2))

    assert sweeps.import_jobs_requeue() == 1  # runs inline here (eager), as the worker would

    job.refresh_from_db()
    fresh.refresh_from_db()
    assert job.status == ImportJob.Status.SUCCEEDED and _records("SWEPT") == RECORDS
    assert fresh.status == ImportJob.Status.RUNNING and _records("FRESH") == RECORDS // 2
    assert sweeps.import_jobs_requeue() == 0


def test_a_job_lost_again_and_again_fails_with_a_reason(demo: Any, media: None) -> None:
    job = job_lost_mid_run(demo, "POISON", silent_for=imports.STALE_AFTER + timedelta(minutes=1))
    for _attempt in range(imports.MAX_TAKEOVERS):
        AuditEvent.objects.create(verb=imports.TAKEN_OVER, target_id=str(job.pk), data={})

    job = actions.import_job_run(job_id=job.pk)

    assert job.status == ImportJob.Status.FAILED and job.finished_at is not None
    assert f"{imports.MAX_TAKEOVERS + 1} times" in job.error
    assert _records("POISON") == RECORDS // 2  # not run again
    assert AuditEvent.objects.filter(verb="cataloging.import.abandoned", target_id=str(job.pk)).count() == 1
    assert sweeps.import_jobs_requeue() == 0  # failed: nothing left to send
