"""Read functions the views call. Each starts from `visible_to(user)`."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from pymarc import Record

from cataloging import marc
from cataloging.models import BibRecord, Holding, LedgerEntry, RecordVersion, Statement

HOLDINGS_PREFETCH = Prefetch(
    "holdings", queryset=Holding.objects.select_related("organization").order_by("organization__name")
)


def record_list(*, user: Any, shared_only: bool = False) -> QuerySet[BibRecord]:
    qs = BibRecord.objects.shared() if shared_only else BibRecord.objects.visible_to(user)
    return qs.select_related("organization").prefetch_related(HOLDINGS_PREFETCH)


def record_get(*, user: Any, pk: int, shared_only: bool = False) -> BibRecord:
    """404 (DoesNotExist) for a record the user may not see."""
    return record_list(user=user, shared_only=shared_only).get(pk=pk)


def record_version_get(record: BibRecord, number: int | None = None) -> RecordVersion | None:
    versions = record.versions.all()
    return versions.filter(number=number).first() if number else versions.order_by("-number").first()


def record_marc(record: BibRecord, number: int | None = None) -> Record | None:
    version = record_version_get(record, number)
    return marc.record_from_storage(version.marc) if version else None


def likely_duplicates(*, user: Any, record: BibRecord, limit: int = 5) -> list[BibRecord]:
    """Other visible records sharing an ISBN or the title/author/year key."""
    isbns = list(record.identifiers.filter(scheme="isbn").values_list("value", flat=True))
    match = Q(identifiers__scheme="isbn", identifiers__value__in=isbns) if isbns else Q(pk__in=[])
    if record.match_key:
        match |= Q(match_key=record.match_key)
    qs = BibRecord.objects.visible_to(user).filter(match).exclude(pk=record.pk).select_related("organization")
    return list(qs.distinct().order_by("pk")[:limit])


def review_queue(*, user: Any) -> QuerySet[BibRecord]:
    return (
        BibRecord.objects.visible_to(user)
        .filter(status__in=[BibRecord.Status.SUBMITTED, BibRecord.Status.IN_REVIEW])
        .select_related("organization", "submitted_by", "reviewed_by")
        .order_by("submitted_at", "pk")
    )


def ledger_for(*, user: Any) -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.visible_to(user).select_related("record", "statement")


def statement_payment(statement: Statement) -> Any:
    """The statement's current online payment (paid, open or failed), else the last
    cancelled attempt, else None. The statement's visibility was checked by the caller."""
    from payments.models import Payment

    payments = Payment.objects.filter(purpose_type="cataloging.statement", purpose_id=str(statement.pk)).select_related(
        "payer_user"
    )
    return payments.exclude(status=Payment.Status.CANCELLED).first() or payments.order_by("-attempt").first()
