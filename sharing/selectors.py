"""Reads for the sharing pages: desks' queues, a request's page, the directory, statements,
balances and statistics, and the "my tasks" box."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from office.inbox import InboxItem
from sharing import permissions
from sharing.models import Agency, Charge, DownloadLink, Reciprocity, Settlement, SharingRequest

Status = SharingRequest.Status

# Desk queues: (key, label, states). The lender's "to answer" also holds cancellations and
# renewals the borrower asked for (pending), see `lending_queue`.
BORROWING_QUEUES = [
    ("waiting", gettext_lazy("Waiting for a lender"), (Status.REQUESTED, Status.SENT, Status.EXPECT_TO_SUPPLY)),
    ("decide", gettext_lazy("Conditions to decide"), (Status.CONDITIONAL,)),
    ("coming", gettext_lazy("On the way"), (Status.WILL_SUPPLY, Status.SHIPPED, Status.DELIVERED)),
    ("on_loan", gettext_lazy("On loan"), (Status.RECEIVED, Status.OVERDUE, Status.RECALLED)),
    ("returned", gettext_lazy("Sent back"), (Status.RETURNED,)),
    ("client", gettext_lazy("Awaiting client payment"), (Status.AWAITING_PAYMENT,)),
    ("closed", gettext_lazy("Closed"), (Status.COMPLETE, Status.UNFILLED, Status.CANCELLED)),
]
LENDING_QUEUES = [
    ("answer", gettext_lazy("To answer"), (Status.SENT, Status.EXPECT_TO_SUPPLY)),
    ("supply", gettext_lazy("To ship or deliver"), (Status.WILL_SUPPLY,)),
    ("conditional", gettext_lazy("Conditions proposed"), (Status.CONDITIONAL,)),
    ("out", gettext_lazy("Out on loan"), (Status.SHIPPED, Status.RECEIVED, Status.OVERDUE, Status.RECALLED)),
    ("check_in", gettext_lazy("To check in"), (Status.RETURNED,)),
    ("closed", gettext_lazy("Closed"), (Status.DELIVERED, Status.COMPLETE, Status.CHECKED_IN)),
]


def _base() -> QuerySet[SharingRequest]:
    return SharingRequest.objects.select_related("borrower", "lender", "client", "requester")


def desk(agency: Agency, side: str, queue: str, term: str = "") -> tuple[list[dict[str, Any]], QuerySet]:
    """The queues of one desk with their counts, and the chosen queue's requests."""
    queues = BORROWING_QUEUES if side == "borrowing" else LENDING_QUEUES
    mine = Q(borrower=agency) if side == "borrowing" else Q(lender=agency)
    counts = dict(_base().filter(mine).values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    pending = _base().filter(mine).exclude(pending="").count() if side == "lending" else 0
    rows = []
    for key, label, states in queues:
        n = sum(counts.get(s, 0) for s in states) + (pending if key == "answer" else 0)
        rows.append({"key": key, "label": label, "count": n})
    states = dict((k, s) for k, _l, s in queues).get(queue, queues[0][2])
    chosen = Q(status__in=states)
    if side == "lending" and queue in ("answer", ""):
        chosen |= ~Q(pending="")
    qs = _base().filter(mine).filter(chosen).search(term).order_by("-urgent", "deadline", "-created_at", "-pk")
    return rows, qs


def request_for(user: Any, pk: int) -> SharingRequest | None:
    return (
        _base()
        .select_related("record", "borrower__organization", "lender__organization")
        .visible_to(user)
        .filter(pk=pk)
        .first()
    )


def request_actions(user: Any, request: SharingRequest) -> dict[str, bool]:
    """Which buttons the page shows (the actions check everything again)."""
    borrower = permissions.is_borrower_staff(user, request)
    lender = permissions.is_lender_staff(user, request)
    client = permissions.is_request_client(user, request)
    s = request.status
    loan = not request.is_copy
    return {
        "is_borrower": borrower,
        "is_lender": lender,
        "is_client": client,
        "declare": (borrower or client)
        and request.is_copy
        and not request.copyright_declared
        and s == Status.REQUESTED,
        "cancel": (
            borrower and s in (*_CANCELLABLE, Status.EXPECT_TO_SUPPLY, Status.WILL_SUPPLY) and not request.pending
        )
        or (client and s == Status.AWAITING_PAYMENT),
        "pay": client and s == Status.AWAITING_PAYMENT,
        "decide_condition": borrower and s == Status.CONDITIONAL,
        "receive": borrower and s in (Status.SHIPPED, Status.DELIVERED),
        "renew": borrower and loan and s in (Status.RECEIVED, Status.OVERDUE) and not request.pending,
        "return": borrower and loan and s in (Status.RECEIVED, Status.OVERDUE, Status.RECALLED),
        "answer": lender and s in (Status.SENT, Status.EXPECT_TO_SUPPLY),
        "expect": lender and s == Status.SENT,
        "supply": lender and s in (Status.SENT, Status.EXPECT_TO_SUPPLY, Status.WILL_SUPPLY),
        "deliver": lender and request.is_copy and s in (Status.SENT, Status.EXPECT_TO_SUPPLY, Status.WILL_SUPPLY),
        "recall": lender and loan and s in (Status.RECEIVED, Status.OVERDUE),
        "check_in": lender and s == Status.RETURNED,
        "answer_cancel": lender and request.pending == SharingRequest.Pending.CANCEL,
        "answer_renewal": lender and request.pending == SharingRequest.Pending.RENEW,
    }


_CANCELLABLE = (Status.AWAITING_PAYMENT, Status.REQUESTED, Status.SENT, Status.CONDITIONAL)


def links_for(user: Any, request: SharingRequest) -> list[DownloadLink]:
    return list(
        DownloadLink.objects.filter(user_id=getattr(user, "pk", None), file__request=request)
        .select_related("file")
        .order_by("-created_at")
    )


def client_requests(user: Any) -> QuerySet[SharingRequest]:
    return _base().visible_to(user).filter(client__isnull=False)


def directory(*, managing: bool = False) -> dict[str, Any]:
    """Active member offices, partner libraries (inactive ones too for those who manage the
    directory) and reciprocity agreements with their dates (in force today or not)."""
    agencies = list(Agency.objects.select_related("organization"))
    shown = [a for a in agencies if a.is_active or (managing and a.is_partner)]
    by_pk = {a.pk: a for a in agencies}
    today = timezone.localdate()
    agreements = []
    for r in Reciprocity.objects.order_by("first_id", "second_id"):
        r.first, r.second = by_pk[r.first_id], by_pk[r.second_id]
        r.in_force = r.starts_on <= today and (r.ends_on is None or r.ends_on >= today)
        agreements.append(r)
    return {
        "members": [a for a in shown if not a.is_partner],
        "partners": [a for a in shown if a.is_partner],
        "reciprocities": agreements,
    }


def settlements_for(agency: Agency) -> QuerySet[Settlement]:
    return Settlement.objects.filter(Q(first=agency) | Q(second=agency)).select_related(
        "first", "second", "debtor", "creditor"
    )


def settlement_for(user: Any, pk: int) -> Settlement | None:
    return (
        Settlement.objects.visible_to(user)
        .select_related("first", "second", "debtor__organization", "creditor__organization", "payment")
        .filter(pk=pk)
        .first()
    )


def month_rows(months: int = 12) -> list[dt.date]:
    from office.dates import add_months

    first = timezone.localdate().replace(day=1)
    return [add_months(first, -i) for i in range(months - 1, -1, -1)]


def balances(agency: Agency, months: int = 12) -> list[dict[str, Any]]:
    """Per month: what the office earned lending, owed borrowing, and the net (CNY minor units)."""
    start = month_rows(months)[0]
    rows = (
        Charge.objects.filter(Q(debtor=agency) | Q(creditor=agency), created_at__date__gte=start)
        .annotate(month=TruncMonth("created_at"))
        .values("month", "debtor_id", "currency")
        .annotate(total=Sum("amount_minor"))
    )
    lent: dict[dt.date, int] = defaultdict(int)
    borrowed: dict[dt.date, int] = defaultdict(int)
    for row in rows:
        month = row["month"].date() if isinstance(row["month"], dt.datetime) else row["month"]
        if row["debtor_id"] == agency.pk:
            borrowed[month] += row["total"]
        else:
            lent[month] += row["total"]
    return [
        {"month": m, "lent": lent[m], "borrowed": borrowed[m], "net": lent[m] - borrowed[m]} for m in month_rows(months)
    ]


def statistics(agency: Agency, months: int = 12) -> dict[str, Any]:
    """Fill rate (complete / (complete + unfilled)) of the office's borrowing, turnaround in
    days (request → shipped, request → received) and the lending balance, by month."""
    start = month_rows(months)[0]
    borrowed = SharingRequest.objects.filter(borrower=agency, created_at__date__gte=start).annotate(
        month=TruncMonth("created_at")
    )
    filled: dict[dt.date, int] = defaultdict(int)
    unfilled: dict[dt.date, int] = defaultdict(int)
    to_ship: dict[dt.date, list[float]] = defaultdict(list)
    to_receive: dict[dt.date, list[float]] = defaultdict(list)
    for row in borrowed.values("month", "status", "created_at", "shipped_at", "received_at"):
        month = row["month"].date() if isinstance(row["month"], dt.datetime) else row["month"]
        if row["status"] == Status.COMPLETE:
            filled[month] += 1
        elif row["status"] == Status.UNFILLED:
            unfilled[month] += 1
        if row["shipped_at"]:
            to_ship[month].append((row["shipped_at"] - row["created_at"]).total_seconds() / 86400)
        if row["received_at"]:
            to_receive[month].append((row["received_at"] - row["created_at"]).total_seconds() / 86400)
    labels = month_rows(months)

    def avg(values: list[float]) -> float | None:
        return round(sum(values) / len(values), 1) if values else None

    def rate(m: dt.date) -> float | None:
        total = filled[m] + unfilled[m]
        return round(100 * filled[m] / total, 1) if total else None

    money = balances(agency, months)
    return {
        "labels": [f"{m:%Y-%m}" for m in labels],
        "fill_rate": [rate(m) for m in labels],
        "to_ship": [avg(to_ship[m]) for m in labels],
        "to_receive": [avg(to_receive[m]) for m in labels],
        "lent": [row["lent"] / 100 for row in money],
        "borrowed": [row["borrowed"] / 100 for row in money],
        "net": [row["net"] / 100 for row in money],
        "totals": {
            "filled": sum(filled.values()),
            "unfilled": sum(unfilled.values()),
            "lent": sum(r["lent"] for r in money),
            "borrowed": sum(r["borrowed"] for r in money),
        },
    }


def office_balances() -> list[dict[str, Any]]:
    """Every member office's lending and borrowing totals (all time), for the statistics page."""
    rows = []
    for agency in Agency.objects.active().members().order_by("agency_id"):
        lent = Charge.objects.filter(creditor=agency).aggregate(t=Sum("amount_minor"))["t"] or 0
        owed = Charge.objects.filter(debtor=agency).aggregate(t=Sum("amount_minor"))["t"] or 0
        rows.append({"agency": agency, "lent": lent, "borrowed": owed, "net": lent - owed, "currency": agency.currency})
    return rows


def inbox_items(user: Any) -> list[InboxItem]:
    """ "My tasks": requests waiting for this office's answer, conditions to decide, loans to check in."""
    agency = permissions.agency_of(user)
    if agency is None:
        return []
    lending = SharingRequest.objects.filter(lender=agency)
    to_answer = lending.filter(
        Q(status__in=(Status.SENT, Status.WILL_SUPPLY, Status.RETURNED)) | ~Q(pending="")
    ).count()
    to_decide = SharingRequest.objects.filter(
        borrower=agency, status__in=(Status.CONDITIONAL, Status.SHIPPED, Status.DELIVERED)
    ).count()
    items = []
    if to_answer:
        items.append(
            InboxItem(
                title=_("Interlibrary loan requests to handle"),
                url=reverse("sharing:lending_desk"),
                count=to_answer,
                kind="request",
            )
        )
    if to_decide:
        items.append(
            InboxItem(
                title=_("Borrowing requests waiting for you"),
                url=reverse("sharing:borrowing_desk"),
                count=to_decide,
                kind="task",
            )
        )
    return items
