"""Creating and sending requests, the copyright declaration and cancellation:

    (client: awaiting_payment ->) requested -> sent (first lender of the rota) | unfilled (nobody holds it)
    requested | awaiting_payment | sent | conditional -> cancelled (the borrower, at once)
    expect_to_supply | will_supply -> cancel asked -> the lender answers (lending.request_answer_cancel)

A copy is sent only once the borrower has made the copyright declaration.
"""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cataloging.models import BibRecord
from office.exceptions import DomainError, InvalidTransition
from sharing import permissions, rota
from sharing.actions.common import BORROWER, acting, ask_next, lock, record, tell_lender, transition
from sharing.models import Agency, RotaEntry, SharingRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Status = SharingRequest.Status
MAX_PAGES = 500  # a copy request is for an article or a chapter, not a book
CITATION_FIELDS = (
    "title",
    "author",
    "isbn",
    "issn",
    "publisher",
    "year",
    "volume",
    "issue",
    "pages",
    "article_title",
    "article_author",
    "note",
)
_RANGE = re.compile(r"^\s*(\d{1,6})\s*(?:[-–]\s*(\d{1,6}))?\s*$")


def page_count_of(pages: str) -> int | None:
    """The number of pages in "12-30, 45" (None when empty); refuses nonsense and too many."""
    if not (pages or "").strip():
        return None
    total = 0
    for part in pages.split(","):
        match = _RANGE.match(part)
        if not match:
            raise DomainError(_("Give the pages as numbers or ranges, e.g. 12-30, 45."))
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if first < 1 or last < first:
            raise DomainError(_("A page range must run from a first page of 1 or more to a later page."))
        total += last - first + 1
    if total > MAX_PAGES:
        raise DomainError(_("A copy may have at most %(max)s pages.") % {"max": MAX_PAGES})
    return total


def clean_citation(data: dict[str, Any], service_type: str, record: BibRecord | None) -> dict[str, Any]:
    """The citation fields to store, from the record where the form leaves them empty."""
    values = {name: data.get(name) for name in CITATION_FIELDS}
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()}
    if record is not None:
        values["title"] = values["title"] or record.title
        values["author"] = values["author"] or (record.author_list[0] if record.author_list else "")
        values["isbn"] = values["isbn"] or record.isbn
        values["issn"] = values["issn"] or record.issn
        values["publisher"] = values["publisher"] or record.publisher
        values["year"] = values["year"] or record.year
    if not values["title"]:
        raise DomainError(_("Give the title of what you need."))
    year = values["year"]
    if year not in (None, "") and not (1000 <= int(year) <= timezone.localdate().year + 1):
        raise DomainError(_("Give a year between 1000 and next year."))
    values["year"] = int(year) if year not in (None, "") else None
    values["page_count"] = page_count_of(values["pages"] or "")
    if service_type == SharingRequest.ServiceType.COPY and not values["page_count"]:
        raise DomainError(_("Give the pages to copy."))
    values = {k: ("" if v is None and k not in ("year", "page_count") else v) for k, v in values.items()}
    return values


def _record(record_id: int | None) -> BibRecord | None:
    if record_id is None:
        return None
    record = BibRecord.objects.shared().filter(pk=record_id).first()
    if record is None:
        raise DomainError(_("This catalog record does not exist or is not shared."))
    return record


def new_request(*, borrower: Agency, service_type: str, values: dict[str, Any], **fields: Any) -> SharingRequest:
    """Insert a request with its number (`ILL<year>-<id>`), nothing else."""
    if service_type not in SharingRequest.ServiceType.values:
        raise DomainError(_("Choose a loan or a copy."))
    request = SharingRequest.objects.create(
        number=f"tmp{uuid.uuid4().hex[:16]}", borrower=borrower, service_type=service_type, **values, **fields
    )
    request.number = f"ILL{timezone.localdate().year}-{request.pk:06d}"
    request.save(update_fields=["number"])
    return request


@transaction.atomic
def request_create(
    *,
    actor: User,
    service_type: str,
    record_id: int | None = None,
    urgent: bool = False,
    copyright_declared: bool = False,
    **citation: Any,
) -> SharingRequest:
    """Staff of a member office ask for an item: from a catalog record (`record_id`) or a
    citation (`title`, `author`, `isbn`, `issn`, `publisher`, `year`, `volume`, `issue`,
    `pages`, `article_title`, `article_author`, `note`). The rota is built and the first
    lender asked at once; a copy waits for the copyright declaration if not made here.
    Refuses non-staff, unknown records, bad pages and years; writes nothing then."""
    borrower = permissions.agency_of(actor)
    if borrower is None:
        raise PermissionDenied(_("Only staff of a member office can borrow."))
    unknown = set(citation) - set(CITATION_FIELDS)
    if unknown:
        raise TypeError(f"request_create: unknown fields {sorted(unknown)}")
    record = _record(record_id)
    values = clean_citation(citation, service_type, record)
    request = new_request(
        borrower=borrower, service_type=service_type, values=values, record=record, requester=actor, urgent=urgent
    )
    record_created(request, actor=actor, agency=borrower)
    if copyright_declared and request.is_copy:
        _declare(request, actor)
    return send_if_ready(request, actor=actor, agency=borrower)


def record_created(request: SharingRequest, *, actor: User | None, agency: Agency | None) -> None:
    record(
        request,
        "created",
        actor=actor,
        agency=agency,
        params={"service": request.service_type, "record": request.record_id, "urgent": request.urgent},
    )


def send_if_ready(request: SharingRequest, *, actor: User | None, agency: Agency | None) -> SharingRequest:
    """Build the rota and ask the first lender, once the request may go (paid, declared)."""
    if request.status != Status.REQUESTED or (request.is_copy and not request.copyright_declared):
        return request
    if not request.rota.exists():
        build_rota(request)
    if not request.rota.exists():
        request.reason_unfilled = SharingRequest.Reason.NOT_HELD
        request.save(update_fields=["reason_unfilled"])
    return ask_next(request, actor=actor, agency=agency)


def build_rota(request: SharingRequest) -> int:
    """Write the rota rows in the borrower's order; returns how many lenders it has."""
    found = rota.candidates(request)
    RotaEntry.objects.bulk_create(
        RotaEntry(request=request, agency=c.agency, position=i + 1, expected_fee_minor=c.fee.amount_minor)
        for i, c in enumerate(found)
    )
    return len(found)


def _declare(request: SharingRequest, actor: User | None) -> None:
    request.copyright_declared = True
    request.copyright_declared_at = timezone.now()
    request.copyright_declared_by = actor if actor is not None and actor.is_authenticated else None
    request.save(update_fields=["copyright_declared", "copyright_declared_at", "copyright_declared_by"])
    record(request, "copyright_declared", actor=actor, agency=request.borrower, params={})


@transaction.atomic
def request_declare_copyright(
    *, request_id: int, actor: User | None = None, agency: Agency | None = None
) -> SharingRequest:
    """The borrower confirms the copy is for private study or research within fair use
    (recorded with who and when); a waiting copy request is then sent."""
    request = lock(request_id)
    who = _borrower_or_client(request, actor, agency)
    if not request.is_copy:
        raise DomainError(_("Only copy requests need a copyright declaration."))
    if request.copyright_declared:
        raise DomainError(_("The copyright declaration has been made already."))
    _declare(request, actor)
    return send_if_ready(request, actor=actor, agency=who)


def _borrower_or_client(request: SharingRequest, actor: User | None, agency: Agency | None) -> Agency:
    if actor is not None and permissions.is_request_client(actor, request):
        return request.borrower
    return acting(request, BORROWER, actor, agency)


CANCEL_AT_ONCE = (Status.AWAITING_PAYMENT, Status.REQUESTED, Status.SENT, Status.CONDITIONAL)
CANCEL_ASKED = (Status.EXPECT_TO_SUPPLY, Status.WILL_SUPPLY)


@transaction.atomic
def request_cancel(
    *, request_id: int, actor: User | None = None, agency: Agency | None = None, note: str = ""
) -> SharingRequest:
    """The borrower (or the client, before it is sent) cancels. Before the lender commits it
    is cancelled at once; once the lender expects to or will supply, the lender is asked
    (pending "cancel") and answers; once shipped it cannot be cancelled."""
    request = lock(request_id)
    who = _borrower_or_client(request, actor, agency)
    if (
        actor is not None
        and permissions.is_request_client(actor, request)
        and request.status != Status.AWAITING_PAYMENT
    ):
        raise PermissionDenied(_("Ask the office to cancel a request that has been sent."))
    if request.status in CANCEL_ASKED:
        if request.pending:
            raise DomainError(_("The lender has not answered the last question yet."))
        request.pending = SharingRequest.Pending.CANCEL
        request.save(update_fields=["pending", "updated_at"])
        record(request, "cancel_asked", actor=actor, agency=who, params={"note": note[:500]})
        tell_lender(request, "cancel_asked", gettext_noop("The borrower asks to cancel request %(number)s"))
        return request
    if request.status not in CANCEL_AT_ONCE:
        raise InvalidTransition(request, Status.CANCELLED)
    cancel_now(request, actor=actor, agency=who, note=note)
    return request


def cancel_now(request: SharingRequest, *, actor: User | None, agency: Agency, note: str = "") -> None:
    from sharing.actions.client import refund_client
    from sharing.actions.common import close_entry

    close_entry(request, RotaEntry.Outcome.CANCELLED)
    request.pending, request.deadline = "", None
    transition(
        request,
        Status.CANCELLED,
        "cancelled",
        actor=actor,
        agency=agency,
        params={"note": note[:500]},
        fields=["pending", "deadline"],
    )
    tell_lender(request, "cancelled", gettext_noop("Request %(number)s was cancelled by the borrower"))
    refund_client(request)


@transaction.atomic
def request_receive_from_partner(
    *, agency: Agency, lender_agency_id: str, peer_request_id: str, service_type: str, **citation: Any
) -> tuple[SharingRequest, bool]:
    """A partner's ISO 18626 request to one of our offices becomes a lending request there,
    sent to that office at once. The same partner id twice returns the first request
    (created False). Refuses unknown or inactive lenders and bad citations."""
    if not agency.is_partner or not agency.is_active:
        raise PermissionDenied(_("This agency is not a partner library."))
    if not peer_request_id:
        raise DomainError(_("The partner's request id is missing."))
    existing = SharingRequest.objects.filter(borrower=agency, peer_request_id=peer_request_id).first()
    if existing is not None:
        return existing, False
    lender = Agency.objects.active().members().filter(agency_id=lender_agency_id).first()
    if lender is None:
        raise DomainError(_("There is no member office with this agency id."))
    values = clean_citation(citation, service_type, None)
    try:
        with transaction.atomic():
            request = new_request(
                borrower=agency, service_type=service_type, values=values, peer_request_id=peer_request_id
            )
    except IntegrityError:  # the same id arrived twice at once: the other one created it
        return SharingRequest.objects.get(borrower=agency, peer_request_id=peer_request_id), False
    record_created(request, actor=None, agency=agency)
    if request.is_copy:
        _declare(request, None)  # ISO 18626 requests carry the partner's own copyright compliance
    RotaEntry.objects.create(request=request, agency=lender, position=1)
    return ask_next(request, actor=None, agency=agency), True
