"""Month-end and clean-up chores of the union catalog that beat runs (issue 19 item 4); the
schedules are declared in cataloging/apps.py, the thin tasks are in cataloging/tasks.py.

    statements_close_month  on the 1st: last month's statement of every office with unbilled
                            fees or credits (the fee ledger's "close" page stays for the rest)
    import_files_remove     daily: the stored MARC file of imports finished IMPORT_FILE_KEEP ago

Both are idempotent: a second run finds nothing left to do.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cataloging.actions.statements import month_bounds, statement_close_for
from cataloging.models import ImportJob, LedgerEntry, Statement
from cataloging.permissions import STATEMENT_ROLES
from office import audit
from office.actions import notify
from office.exceptions import DomainError
from office.models import Organization, StaffProfile

# The report and the records stay; the file itself is served by no view. The schedule page's
# description (cataloging/apps.py) names this period: change both.
IMPORT_FILE_KEEP = datetime.timedelta(days=30)


def last_month(today: datetime.date | None = None) -> tuple[int, int]:
    first = (today or timezone.localdate()).replace(day=1)
    previous = first - datetime.timedelta(days=1)
    return previous.year, previous.month


def statements_close_month(*, year: int | None = None, month: int | None = None) -> list[Statement]:
    """Close a finished month (default: last month) for every office that has fees or credits
    not yet on a statement from before its end, as the page does, with no actor; tell the
    office's leadership and heads. An office whose month has a statement already (closed by
    hand or by an earlier run) is left alone. Returns the statements made; refuses (DomainError)
    the current or a future month."""
    if year is None or month is None:
        year, month = last_month()
    period_start, next_start = month_bounds(year, month)
    if period_start >= timezone.localdate().replace(day=1):
        raise DomainError(_("Only a finished month can be closed."))
    closed = Statement.objects.filter(period_start=period_start).values("organization_id")
    offices = (
        Organization.objects.filter(
            pk__in=LedgerEntry.objects.filter(statement__isnull=True, created_at__lt=next_start).values(
                "organization_id"
            )
        )
        .exclude(pk__in=closed)
        .order_by("pk")
    )
    made = []
    for office in offices:
        try:
            with transaction.atomic():
                statement = statement_close_for(office=office, year=year, month=month, actor=None)
                _notify_statement(statement)
        except DomainError:  # closed by hand in the meantime: nothing to do
            continue
        made.append(statement)
    return made


def _notify_statement(statement: Statement) -> None:
    title = gettext_noop("Cataloging statement %(month)s issued")
    params = {"month": f"{statement.period_start:%Y-%m}"}
    url = reverse("cataloging:statement_detail", args=[statement.pk])
    people = StaffProfile.objects.filter(
        organization_id=statement.organization_id, position__role__in=STATEMENT_ROLES, user__is_active=True
    ).values_list("user_id", flat=True)
    for user_id in people.distinct():
        notify(recipient_id=user_id, verb="cataloging.statement.closed", title=title, params=params, url=url)


def import_files_remove(*, now: datetime.datetime | None = None) -> int:
    """Delete the stored file of every import that finished (or failed) more than
    IMPORT_FILE_KEEP ago and empty its name; returns how many. Audited per job."""
    cutoff = (now or timezone.now()) - IMPORT_FILE_KEEP
    done = (ImportJob.Status.SUCCEEDED, ImportJob.Status.FAILED)
    candidates = (
        ImportJob.objects.filter(status__in=done, finished_at__lt=cutoff).exclude(file="").values_list("pk", flat=True)
    )
    removed = 0
    for job_id in list(candidates):
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().get(pk=job_id)
            if not job.file:
                continue
            name = job.file.name
            # Storage first: if the save below fails, the next run deletes again (a no-op) and saves.
            job.file.delete(save=False)
            job.save(update_fields=["file", "updated_at"])
            audit.record(actor=None, verb="cataloging.import.file_removed", target=job, data={"file": name})
        removed += 1
    return removed
