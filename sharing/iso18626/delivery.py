"""Sending the outbox: each outgoing ISO 18626 message (a `RequestEvent` with direction "out")
is posted to its partner's address until the partner confirms it.

* In order: a message is sent only after every earlier undelivered message of the same
  request to the same partner (a Cancel must not overtake the request it cancels), so sending
  one sends the queue up to it.
* At least once, idempotent: a delivered message (delivered_at set) is never sent again; the
  attempt is counted under a short row lock (skip_locked: a second worker leaves it), the HTTP
  call holds no lock. A message that reached the partner but whose confirmation was lost may
  be sent twice; ISO 18626 partners recognise a repeated request id and status.
* Errors that clear by themselves (`TransportError`) are raised for the task to retry with
  back-off, then the sweep tries again every few minutes up to MAX_ATTEMPTS; a partner's
  refusal (`PartnerRefused`: HTTP 4xx, messageStatus ERROR) is final, recorded and audited.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from office import audit
from sharing.iso18626 import transport
from sharing.models import RequestEvent
from sharing.outbox import reachable

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 20
SWEEP_GRACE = timedelta(minutes=2)  # younger messages are still with their first task
SWEEP_BATCH = 50

OUT = RequestEvent.Direction.OUT


def _pending() -> object:
    return RequestEvent.objects.filter(direction=OUT, delivered_at__isnull=True, attempts__lt=MAX_ATTEMPTS)


def message_send(*, event_id: int) -> str:
    """Send message `event_id` (and the undelivered ones before it to the same partner).
    Returns "delivered", "done" (nothing to do), "refused" or "busy"; raises TransportError."""
    row = RequestEvent.objects.filter(pk=event_id, direction=OUT).first()
    if row is None or row.delivered_at is not None or row.attempts >= MAX_ATTEMPTS:
        return "done"
    queue = list(
        _pending()
        .filter(request_id=row.request_id, agency_id=row.agency_id, pk__lte=row.pk)  # type: ignore[attr-defined]
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    outcome = "done"
    for pk in queue:
        outcome = _send_one(pk)
        if outcome == "busy":
            return outcome
    return outcome


def _claim(event_id: int) -> RequestEvent | None:
    with transaction.atomic():
        row = (
            RequestEvent.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("agency")
            .filter(pk=event_id, direction=OUT, delivered_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
            .first()
        )
        if row is not None:
            row.attempts += 1
            row.save(update_fields=["attempts"])
        return row


def _send_one(event_id: int) -> str:
    row = _claim(event_id)
    if row is None:
        delivered = RequestEvent.objects.filter(pk=event_id, delivered_at__isnull=False).exists()
        return "done" if delivered else "busy"
    if not reachable(row.agency):
        _failed(row, "the partner has no ISO 18626 address or is inactive", final=True)
        return "refused"
    try:
        transport.post(row.agency.iso_address, row.payload.encode("utf-8"), security_code=row.agency.iso_secret)
    except transport.PartnerRefused as exc:
        _failed(row, str(exc), final=True)
        return "refused"
    except transport.TransportError as exc:
        _failed(row, str(exc), final=False)
        raise
    RequestEvent.objects.filter(pk=row.pk, delivered_at__isnull=True).update(delivered_at=timezone.now(), last_error="")
    return "delivered"


def _failed(row: RequestEvent, error: str, *, final: bool) -> None:
    update: dict[str, object] = {"last_error": error[:500]}
    if final:
        update["attempts"] = MAX_ATTEMPTS  # the sweep leaves it; staff see the error on the timeline
    with transaction.atomic():
        RequestEvent.objects.filter(pk=row.pk).update(**update)
        if final:
            audit.record(
                actor=None,
                target=row.request,
                verb="sharing.request.iso_message_refused",
                organization=None,
                data={"event": row.pk, "partner": row.agency.agency_id if row.agency else "", "error": error[:200]},
            )
    logger.warning("ISO 18626 message %s to %s not delivered: %s", row.pk, row.agency_id, error)


def outbox_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Beat: send the undelivered messages whose task was lost or gave up (broker outage,
    partner down): one pass over each (request, partner) queue per run, in order."""
    cutoff = (now or timezone.now()) - SWEEP_GRACE
    rows = _pending().filter(created_at__lt=cutoff).order_by("pk")  # type: ignore[attr-defined]
    latest: dict[tuple[int, int | None], int] = {}
    for pk, request_id, agency_id in rows.values_list("pk", "request_id", "agency_id")[: SWEEP_BATCH * 4]:
        latest[(request_id, agency_id)] = pk  # ascending: the last one wins
    counts = {"delivered": 0, "failed": 0, "refused": 0}
    for target in sorted(latest.values())[:SWEEP_BATCH]:
        try:
            outcome = message_send(event_id=target)
        except transport.TransportError:
            counts["failed"] += 1
            continue
        if outcome in counts:
            counts[outcome] += 1
    return counts
