"""The lender's deadline: a request the current lender has not answered in time (its
`answer_days` working days) lapses and goes to the next lender of the rota, or ends
unfilled when none is left. Run by the sweep (sharing/sweeps.py) for each lapsed request;
idempotent under the row lock (a request answered or moved on meanwhile is left alone).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from sharing.actions.common import ask_next, close_entry, lock, record, tell_borrower
from sharing.models import RotaEntry, SharingRequest

LAPSING = (SharingRequest.Status.SENT,)  # not answered at all; an answer stops the clock


def request_lapse(request_id: int, *, now: dt.datetime | None = None) -> bool:
    """Move one lapsed request on; True if it was lapsed now."""
    now = now or timezone.now()
    with transaction.atomic():
        request = lock(request_id)
        if request.status not in LAPSING or request.deadline is None or request.deadline > now:
            return False
        lender = request.lender
        close_entry(request, RotaEntry.Outcome.LAPSED)
        record(request, "lapsed", actor=None, agency=None, params={"lender": lender.agency_id if lender else ""})
        ask_next(request, actor=None, agency=None)
        if request.status == SharingRequest.Status.SENT:
            title = gettext_noop("%(lender)s did not answer %(number)s in time; it went to the next office")
            tell_borrower(request, "lapsed", title, {"lender": lender.agency_id if lender else ""})
        return True
