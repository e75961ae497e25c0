"""Private helpers every sharing topic uses: the row lock, who acts for which side, the one
way a request changes status (move + save + audit + timeline event + outbox), notifications
and the rota's next step."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from office import audit
from office.actions import notify
from office.exceptions import DomainError
from sharing import outbox, permissions
from sharing.fees import add_working_days
from sharing.models import Agency, RequestEvent, RotaEntry, SharingRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Status = SharingRequest.Status
BORROWER, LENDER = "borrower", "lender"


def lock(request_id: int) -> SharingRequest:
    """The request, row-locked. Its agencies are read after the lock, not joined into the
    locking query: a join read before waiting for the lock could be a lender the request has
    just left (PostgreSQL re-reads the locked row, not what it was joined to)."""
    request = SharingRequest.objects.select_for_update(of=("self",)).filter(pk=request_id).first()
    if request is None:
        raise DomainError(_("This request does not exist."))
    return request


def acting(request: SharingRequest, side: str, actor: User | None, agency: Agency | None) -> Agency:
    """The agency acting on `side` of `request`: the actor's office, or (a message from a
    partner, actor None) `agency` itself. Anybody else is refused."""
    expected = request.borrower_id if side == BORROWER else request.lender_id
    if actor is not None:
        mine = permissions.agency_of(actor)
        if mine is None or expected is None or mine.pk != expected:
            if side == BORROWER:
                raise PermissionDenied(_("Only the borrowing office can do this."))
            raise PermissionDenied(_("Only the office this request is with can do this."))
        return mine
    if agency is None or expected is None or agency.pk != expected:
        raise PermissionDenied(_("This agency is not a party to this request."))
    return agency


def event(
    request: SharingRequest,
    kind: str,
    params: dict[str, Any] | None = None,
    *,
    actor: User | None = None,
    agency: Agency | None = None,
) -> RequestEvent:
    """Append one timeline event and hand it to the outbox (ISO 18626 to partners)."""
    row = RequestEvent.objects.create(
        request=request,
        kind=kind,
        params=params or {},
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        agency=agency,
        direction=RequestEvent.Direction.INTERNAL,
    )
    outbox.after_transition(request, row)
    return row


def transition(
    request: SharingRequest,
    new_status: str,
    kind: str,
    *,
    actor: User | None,
    agency: Agency | None,
    params: dict[str, Any] | None = None,
    fields: list[str] | None = None,
) -> RequestEvent:
    """Move `request` to `new_status`, save `fields` with it, audit and write the event."""
    request.move_to(new_status)
    request.save(update_fields=["status", *(fields or []), "updated_at"])
    return record(request, kind, actor=actor, agency=agency, params=params)


def record(
    request: SharingRequest,
    kind: str,
    *,
    actor: User | None,
    agency: Agency | None,
    params: dict[str, Any] | None = None,
) -> RequestEvent:
    """Audit and timeline for a change that is not (only) a status move."""
    params = params or {}
    audit.record(
        actor=actor,
        target=request,
        verb=f"sharing.request.{kind}",
        organization=agency.organization if agency is not None else None,
        data={"number": request.number, **params},
    )
    return event(request, kind, params, actor=actor, agency=agency)


def url_of(request: SharingRequest) -> str:
    return reverse("sharing:request_detail", kwargs={"pk": request.pk})


def notify_users(user_ids: set[int], verb: str, title: str, params: dict[str, Any], url: str = "") -> None:
    for user_id in sorted(user_ids):
        notify(recipient_id=user_id, verb=verb, title=title, params=params, url=url)


def borrower_people(request: SharingRequest) -> set[int]:
    """Who on the borrowing side hears of the lender's answers: the requester (staff or client)."""
    ids = {request.requester_id} if request.requester_id else set()
    if request.client_id:
        ids.add(request.client.user_id)
    return ids


def lender_people(request: SharingRequest) -> set[int]:
    """Who at the lender hears of the borrower's moves: the staff who handled the request there."""
    if request.lender_id is None:
        return set()
    return set(
        request.events.filter(agency_id=request.lender_id, actor__isnull=False).values_list("actor_id", flat=True)
    )


def tell_borrower(request: SharingRequest, kind: str, title: str, extra: dict[str, Any] | None = None) -> None:
    params = {"number": request.number, "title": request.title[:80], **(extra or {})}
    notify_users(borrower_people(request), f"sharing.request.{kind}", title, params, url_of(request))


def tell_lender(request: SharingRequest, kind: str, title: str, extra: dict[str, Any] | None = None) -> None:
    params = {"number": request.number, "title": request.title[:80], **(extra or {})}
    notify_users(lender_people(request), f"sharing.request.{kind}", title, params, url_of(request))


def current_entry(request: SharingRequest) -> RotaEntry | None:
    if request.lender_id is None:
        return None
    return request.rota.select_for_update().filter(agency_id=request.lender_id).first()


def close_entry(request: SharingRequest, outcome: str, reason: str = "") -> None:
    entry = current_entry(request)
    if entry is not None:
        entry.outcome, entry.reason, entry.answered_at = outcome, reason, timezone.now()
        entry.save(update_fields=["outcome", "reason", "answered_at"])


def ask_next(request: SharingRequest, *, actor: User | None, agency: Agency | None) -> SharingRequest:
    """Send the request to the next lender of its rota, or end it unfilled when none is left."""
    entry = request.rota.select_for_update().filter(outcome=RotaEntry.Outcome.WAITING).order_by("position").first()
    if entry is None:
        return _exhausted(request, actor=actor, agency=agency)
    now = timezone.now()
    lender = entry.agency
    entry.outcome, entry.asked_at = RotaEntry.Outcome.ASKED, now
    entry.deadline = add_working_days(now, lender.answer_days)
    entry.save(update_fields=["outcome", "asked_at", "deadline"])
    request.lender, request.rota_position = lender, entry.position
    request.sent_at, request.deadline = now, entry.deadline
    request.proposed_fee_minor = request.agreed_fee_minor = None
    request.proposed_currency = request.condition_note = ""
    request.pending = ""
    fields = ["lender", "rota_position", "sent_at", "deadline", "proposed_fee_minor", "agreed_fee_minor"]
    fields += ["proposed_currency", "condition_note", "pending"]
    transition(
        request,
        Status.SENT,
        "sent",
        actor=actor,
        agency=agency,
        params={"lender": lender.agency_id, "position": entry.position},
        fields=fields,
    )
    return request


def _exhausted(request: SharingRequest, *, actor: User | None, agency: Agency | None) -> SharingRequest:
    last = request.lender.agency_id if request.lender_id else ""
    request.lender, request.deadline = None, None
    if not request.reason_unfilled:
        request.reason_unfilled = SharingRequest.Reason.NOT_HELD
    transition(
        request,
        Status.UNFILLED,
        "rota_exhausted",
        actor=actor,
        agency=agency,
        params={"last_lender": last, "reason": request.reason_unfilled},
        fields=["lender", "deadline", "reason_unfilled"],
    )
    tell_borrower(request, "unfilled", gettext_noop("No office could supply request %(number)s (%(title)s)"))
    from sharing.actions.client import refund_client

    refund_client(request)
    return request
