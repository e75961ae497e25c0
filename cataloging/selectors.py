"""Read functions: the views' (each starts from `visible_to(user)`) and the reads the import
action matches records with."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Left, Replace, Upper
from pymarc import Record

from cataloging import classification, marc
from cataloging.models import BibRecord, Holding, LedgerEntry, RecordVersion, Statement
from payments.models import Payment

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


def record_match_for(*, organization_id: int, extracted: dict[str, Any]) -> BibRecord | None:
    """The record an imported one (`marc.extract` of it) is taken to be: 001 within the office
    (control numbers are local), 035 system numbers anywhere visible, then ISBN, then the
    title/author/year key; the office's own record wins."""
    identifiers: list[tuple[str, str]] = extracted["identifiers"]
    visible = BibRecord.objects.filter(Q(organization_id=organization_id) | Q(status=BibRecord.Status.APPROVED))
    own_first = visible.annotate(
        _own=Case(When(organization_id=organization_id, then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by("_own", "pk")
    ctl = [v for s, v in identifiers if s == "ctl"]
    sys = [v for s, v in identifiers if s == "sys"]
    isbns = [v for s, v in identifiers if s == "isbn"]
    candidates = []
    if ctl:
        candidates.append(
            own_first.filter(organization_id=organization_id, identifiers__scheme="ctl", identifiers__value__in=ctl)
        )
    if sys:
        candidates.append(own_first.filter(identifiers__scheme="sys", identifiers__value__in=sys))
    if isbns:
        candidates.append(own_first.filter(identifiers__scheme="isbn", identifiers__value__in=isbns))
    key = extracted["fields"]["match_key"]
    if key:
        candidates.append(own_first.filter(match_key=key))
    for qs in candidates:
        found = qs.first()
        if found is not None:
            return found
    return None


def ledger_for(*, user: Any) -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.visible_to(user).select_related("record", "statement")


def statement_payment(statement: Statement) -> Payment | None:
    """The statement's current online payment (paid, open or failed), else the last
    cancelled attempt, else None. The statement's visibility was checked by the caller."""
    payments = Payment.objects.filter(purpose_type="cataloging.statement", purpose_id=str(statement.pk)).select_related(
        "payer_user"
    )
    return payments.exclude(status=Payment.Status.CANCELLED).first() or payments.order_by("-attempt").first()


# --- classification browse (CLC main classes and Dewey hundreds) ----------------------------------


def _clc_normalised() -> Any:
    """The CLC number as a browse key: upper case, without dots and spaces (see classification)."""
    return Replace(Replace(Upper("clc"), Value("."), Value("")), Value(" "), Value(""))


def class_counts(qs: QuerySet[BibRecord], scheme: str) -> dict[str, int]:
    """Records per main class ("G" → n, or Dewey "3" → n): one grouped query, whatever the size."""
    field = "clc" if scheme == "clc" else "dewey"
    head = Upper(Left(field, 1)) if scheme == "clc" else Left(field, 1)
    rows = qs.order_by().exclude(**{field: ""}).annotate(main=head).values("main").annotate(n=Count("pk"))
    return {row["main"]: row["n"] for row in rows}


def clc_facet(qs: QuerySet[BibRecord]) -> list[dict[str, Any]]:
    """The search page's classification facet: [{"clc": "G", "n": 12}, …] by CLC main class,
    largest first (what `search.facets` may return under "clc")."""
    counts = class_counts(qs, "clc")
    rows = [{"clc": code, "n": n} for code, n in counts.items() if code in classification.CLC_BY_CODE]
    return sorted(rows, key=lambda row: (-row["n"], row["clc"]))


def class_records(qs: QuerySet[BibRecord], scheme: str, key: str) -> QuerySet[BibRecord]:
    """The records of a class and all its subdivisions, in shelf order (by class number)."""
    if scheme == "clc":
        return qs.annotate(clc_key=_clc_normalised()).filter(clc_key__startswith=key).order_by("clc", "title", "pk")
    return qs.filter(dewey__startswith=key).order_by("dewey", "title", "pk")


def class_subdivisions(qs: QuerySet[BibRecord], scheme: str, key: str) -> list[dict[str, Any]]:
    """The next level under a class, as found in the records: for CLC one more letter or digit
    ("G" → G2, G3…; "T" → TB, TP…), for Dewey the tens, then the units. One query."""
    if scheme == "dewey" and len(key) >= 3:
        return []
    depth = len(key) + 1
    records = class_records(qs, scheme, key).order_by()
    source = F("clc_key") if scheme == "clc" else F("dewey")
    rows = records.annotate(sub=Left(source, depth)).values("sub").annotate(n=Count("pk")).order_by("sub")
    display = classification.clc_display if scheme == "clc" else classification.dewey_display
    return [
        {"key": row["sub"], "display": display(row["sub"]), "n": row["n"]}
        for row in rows
        if len(row["sub"]) == depth and (scheme == "clc" or row["sub"].isdigit())
    ]
