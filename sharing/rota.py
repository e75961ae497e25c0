"""The lender rota (reads): which agencies could lend an item, in the borrower's order.

Candidates are the member offices holding a lendable copy of the record (matched by ISBN or
ISSN when the request has only a citation), never the borrower itself, plus the outside
partners the borrower names in its preference list. The borrower's rule orders them:

- cheapest: the lender's fee for this request (free under reciprocity) first;
- fastest: the lender's average turnaround (sent → shipped) over its past requests;
- load: the fewest open requests at the lender;
- preference: the borrower's preference list, the rest after it by cost.

Ties fall back to cost, then agency id, so the order is always the same.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from cataloging.marc import normalize_isbn, normalize_issn
from cataloging.models import BibRecord, Holding
from sharing.fees import Fee, fee_for
from sharing.models import Agency, SharingRequest

NO_HISTORY = 10**9  # seconds: a lender without a history comes after those with one


@dataclass(frozen=True)
class Candidate:
    agency: Agency
    fee: Fee


def matching_record_ids(request: SharingRequest) -> list[int]:
    """The shared records a request names: its record, or those with its ISBN or ISSN."""
    if request.record_id:
        return [request.record_id]
    isbn, issn = normalize_isbn(request.isbn), normalize_issn(request.issn)
    if not isbn and not issn:
        return []
    match = Q(isbn=isbn) if isbn else Q(issn=issn)
    return list(BibRecord.objects.shared().filter(match).values_list("pk", flat=True)[:20])


def holder_agencies(request: SharingRequest) -> list[Agency]:
    """Member agencies (other than the borrower) holding a lendable copy, that lend."""
    record_ids = matching_record_ids(request)
    if not record_ids:
        return []
    offices = Holding.objects.filter(record_id__in=record_ids, lendable=True).values("organization_id")
    return list(
        Agency.objects.active()
        .members()
        .filter(lends=True, organization_id__in=offices)
        .exclude(pk=request.borrower_id)
    )


def _preferred_partners(borrower: Agency) -> list[Agency]:
    ids = [str(a) for a in borrower.preference_list or []]
    return list(Agency.objects.active().partners().filter(agency_id__in=ids))


def _turnaround(agency_ids: list[int]) -> dict[int, float]:
    seconds: dict[int, list[float]] = {}
    rows = SharingRequest.objects.filter(
        lender_id__in=agency_ids, sent_at__isnull=False, shipped_at__isnull=False
    ).values_list("lender_id", "sent_at", "shipped_at")
    for lender_id, sent, shipped in rows.order_by("-shipped_at")[:2000]:
        seconds.setdefault(lender_id, []).append((shipped - sent).total_seconds())
    return {k: sum(v) / len(v) for k, v in seconds.items()}


def _load(agency_ids: list[int]) -> dict[int, int]:
    rows = (
        SharingRequest.objects.filter(lender_id__in=agency_ids)
        .exclude(status__in=SharingRequest.CLOSED)
        .values("lender_id")
        .annotate(n=Count("pk"))
    )
    return {row["lender_id"]: row["n"] for row in rows}


def candidates(request: SharingRequest) -> list[Candidate]:
    """The rota for `request`, first lender first."""
    borrower = request.borrower
    agencies = {a.pk: a for a in holder_agencies(request) + _preferred_partners(borrower)}
    agencies.pop(borrower.pk, None)
    found = [Candidate(a, fee_for(a, borrower, request)) for a in agencies.values()]
    ids = list(agencies)
    rule = borrower.rota_rule

    def cost(c: Candidate) -> tuple:
        return (c.fee.amount_minor, c.agency.agency_id)

    if rule == Agency.RotaRule.FASTEST:
        speed = _turnaround(ids)
        return sorted(found, key=lambda c: (speed.get(c.agency.pk, NO_HISTORY), *cost(c)))
    if rule == Agency.RotaRule.LOAD:
        load = _load(ids)
        return sorted(found, key=lambda c: (load.get(c.agency.pk, 0), *cost(c)))
    if rule == Agency.RotaRule.PREFERENCE:
        order = {str(a): i for i, a in enumerate(borrower.preference_list or [])}
        return sorted(found, key=lambda c: (order.get(c.agency.agency_id, len(order)), *cost(c)))
    return sorted(found, key=cost)
