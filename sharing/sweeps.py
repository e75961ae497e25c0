"""Periodic sweeps of resource sharing (beat, sharing/apps.py). The database says what is due,
so a broker outage loses nothing: the next run finds it. Each step is idempotent under the
request's row lock, so two runs at once, or a re-run, change nothing twice.

- lapsed lenders: a request not answered by its deadline goes to the next lender, or unfilled;
- overdue loans: past the due date they become overdue, with a notice (weekly reminders);
- delivered files: deleted after SHARING_FILE_DAYS (audited);
- monthly settlement: last month's charges into netted statements (idempotent; run daily
  in the first days of the month so a missed run is made up).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone

from sharing import actions
from sharing.actions.delivery import file_days
from sharing.models import DeliveredFile, SharingRequest

logger = logging.getLogger(__name__)
BATCH = 500


def lapse_due(*, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    due = SharingRequest.objects.filter(status__in=actions.deadlines.LAPSING, deadline__lte=now).order_by("deadline")
    return sum(actions.request_lapse(pk, now=now) for pk in due.values_list("pk", flat=True)[:BATCH])


def overdue_due() -> int:
    today = timezone.localdate()
    due = SharingRequest.objects.filter(
        service_type=SharingRequest.ServiceType.LOAN,
        status__in=(SharingRequest.Status.RECEIVED, SharingRequest.Status.RECALLED, SharingRequest.Status.OVERDUE),
        due_date__lt=today,
    )
    return sum(actions.mark_overdue(pk) for pk in due.values_list("pk", flat=True)[:BATCH])


def files_due(*, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    old = DeliveredFile.objects.filter(deleted_at__isnull=True, created_at__lte=now - dt.timedelta(days=file_days()))
    return sum(actions.file_delete(pk, now=now) for pk in old.values_list("pk", flat=True)[:BATCH])


def sharing_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """One pass of every time-driven step; returns how many of each were done."""
    return {"lapsed": lapse_due(now=now), "overdue": overdue_due(), "files_deleted": files_due(now=now)}
