"""Cataloging chores beat runs (issue 19 item 4): last month's statements on the 1st, and the
removal of MARC files of imports finished long ago. Both idempotent."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cataloging import actions
from cataloging.actions.chores import last_month
from cataloging.models import ImportJob, LedgerEntry, Statement
from cataloging.tasks import import_files_remove_task, statements_close_month_task
from office.exceptions import DomainError
from office.models import AuditEvent, Notification
from tests.cataloging.factories import make_raw

pytestmark = pytest.mark.django_db


def _unbilled_offices() -> set[int]:
    return set(LedgerEntry.objects.filter(statement__isnull=True).values_list("organization_id", flat=True))


# --- statements ---------------------------------------------------------------------------------------


def test_last_month_is_the_month_before_today():
    assert last_month(datetime.date(2026, 1, 1)) == (2025, 12)
    assert last_month(datetime.date(2026, 3, 31)) == (2026, 2)


def test_month_close_issues_last_month_for_every_office_with_entries_once(demo):
    year, month = last_month()
    offices = _unbilled_offices()  # the demo dates its fees and credits into last month
    assert len(offices) >= 2
    ids = statements_close_month_task.delay().get()
    made = Statement.objects.filter(pk__in=ids)
    assert {s.organization_id for s in made} == offices
    assert {s.period_start for s in made} == {datetime.date(year, month, 1)}
    assert all(s.created_by_id is None for s in made)
    assert not LedgerEntry.objects.filter(statement__isnull=True).exists()
    for statement in made:
        entries = LedgerEntry.objects.filter(statement=statement)
        assert statement.net_minor == sum(e.amount_minor for e in entries)
    audits = AuditEvent.objects.filter(verb="cataloging.statement.closed", actor__isnull=True)
    assert audits.count() == len(ids)
    told = Notification.objects.filter(verb="cataloging.statement.closed")
    assert told.filter(recipient=demo.director).count() == 1  # the home office's leadership is told
    url = reverse("cataloging:statement_detail", args=[made.get(organization__code="home").pk])
    assert told.get(recipient=demo.director).url == url
    assert not told.filter(recipient=demo.staff_infodev).exists()  # plain staff do not pay

    # A second run (beat delivering twice, or a restart) changes nothing.
    before = (Statement.objects.count(), audits.count(), told.count())
    assert actions.statements_close_month() == []
    assert (Statement.objects.count(), audits.count(), told.count()) == before


def test_month_close_leaves_a_month_closed_by_hand_alone(demo, home):
    year, month = last_month()
    by_hand = actions.statement_close(actor=demo.head_infodev, year=year, month=month)
    offices = _unbilled_offices()
    made = actions.statements_close_month()
    assert {s.organization_id for s in made} == offices and home.pk not in offices
    by_hand.refresh_from_db()
    assert by_hand.created_by == demo.head_infodev
    assert Statement.objects.filter(organization=home).count() == 1


def test_the_page_still_closes_what_beat_did_not(demo, home):
    """Beat closes last month only; an earlier month (a correction) is still closed by hand."""
    actions.statements_close_month()
    year, month = last_month()
    earlier = datetime.date(year, month, 1) - datetime.timedelta(days=1)
    statement = actions.statement_close(actor=demo.head_infodev, year=earlier.year, month=earlier.month)
    assert statement.organization == home and statement.period_start == earlier.replace(day=1)
    with pytest.raises(DomainError):
        actions.statement_close(actor=demo.head_infodev, year=year, month=month)  # beat closed it


def test_month_close_refuses_the_current_month(demo):
    today = timezone.localdate()
    before = Statement.objects.count()
    with pytest.raises(DomainError):
        actions.statements_close_month(year=today.year, month=today.month)
    assert Statement.objects.count() == before


# --- import files -------------------------------------------------------------------------------------


@pytest.fixture
def jobs(demo, settings, tmp_path):
    """Four import jobs of the east office with their uploaded files, in different states."""
    settings.MEDIA_ROOT = tmp_path / "media"
    now = timezone.now()
    made = {}
    states = {
        "old_done": (ImportJob.Status.SUCCEEDED, 31),
        "old_failed": (ImportJob.Status.FAILED, 45),
        "recent_done": (ImportJob.Status.SUCCEEDED, 29),
        "queued": (ImportJob.Status.QUEUED, None),
    }
    for key, (status, days) in states.items():
        upload = SimpleUploadedFile(f"{key}.mrc", make_raw(control=key, isbn=None))
        job = actions.import_job_create(actor=demo.staff_east, upload=upload)
        finished = now - datetime.timedelta(days=days) if days else None
        ImportJob.objects.filter(pk=job.pk).update(status=status, finished_at=finished)
        job.refresh_from_db()
        made[key] = job
    return made


def test_import_files_of_imports_finished_a_month_ago_are_removed(demo, jobs):
    names = {key: job.file.name for key, job in jobs.items()}
    assert all(default_storage.exists(name) for name in names.values())
    assert import_files_remove_task.delay().get() == 2
    for key, job in jobs.items():
        job.refresh_from_db()
        gone = key in ("old_done", "old_failed")
        assert default_storage.exists(names[key]) is not gone, key
        assert (job.file.name or "") == ("" if gone else names[key]), key
    audits = AuditEvent.objects.filter(verb="cataloging.import.file_removed")
    assert sorted(a.data["file"] for a in audits) == sorted([names["old_done"], names["old_failed"]])
    # The job's page and report stay.
    client = demo.client("staff_east")
    assert client.get(reverse("cataloging:import_job_detail", kwargs={"pk": jobs["old_done"].pk})).status_code == 200
    assert client.get(reverse("cataloging:import_job_report", kwargs={"pk": jobs["old_done"].pk})).status_code == 200
    # Nothing left to do the second time.
    assert actions.import_files_remove() == 0
    assert audits.count() == 2


def test_import_file_already_missing_from_storage_is_still_cleared(demo, jobs):
    default_storage.delete(jobs["old_done"].file.name)
    assert actions.import_files_remove() == 2
    jobs["old_done"].refresh_from_db()
    assert not jobs["old_done"].file
