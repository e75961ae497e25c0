"""The staff work queue and the statistics behind its charts."""

from __future__ import annotations

from typing import Any

from django.db.models import Avg, Count, F
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from office.dashboard import batch
from services.models import Consultation, ServiceOrder
from services.selectors.orders import order_list

Status = ServiceOrder.Status


def queue_for(*, user: Any) -> dict[str, Any]:
    """The staff work queue over the orders the user works with, and the statistics behind
    the charts (turnaround in days and ratings per service, completed orders only)."""
    orders = order_list(user=user)
    sections = [
        ("new", _("New requests"), orders.filter(status=Status.REQUESTED)),
        ("to_quote", _("To quote again (declined)"), orders.filter(status=Status.DECLINED)),
        ("to_pay", _("Waiting for the client"), orders.filter(status__in=[Status.QUOTED, Status.ACCEPTED])),
        ("to_assign", _("Paid, to assign"), orders.filter(status=Status.PAID)),
        ("due_soon", _("Due within three days"), orders.due_soon().order_by("due_date")),
        ("overdue", _("Overdue"), orders.overdue().order_by("due_date")),
    ]
    # One grouped query, however many orders were delivered: turnaround and rating per service
    # (grouped by the service's name, as the chart labels them; ratings are 1-5 or unset).
    delivered = (
        orders.filter(delivered_at__isnull=False)
        .values("offering__name")
        .annotate(n=Count("pk"), turnaround=Avg(F("delivered_at") - F("created_at")), rating=Avg("rating"))
        .order_by()
    )
    # The sections, the statistics and the departments' figures in one query (the dashboards'
    # batch: each read compiled as Django runs it alone, the rows built the same way).
    reads = {key: batch.instances(qs[:50]) for key, _title, qs in sections}
    reads["delivered"] = batch.rows(delivered)
    reads.update(_department_reads(user=user))
    data = batch.fetch(reads)
    stats = {row["offering__name"]: row for row in data["delivered"]}
    labels = sorted(stats)
    chart = {
        "labels": labels,
        "turnaround": [round(stats[k]["turnaround"].total_seconds() / 86400, 1) for k in labels],
        "rating": [round(stats[k]["rating"], 2) if stats[k]["rating"] is not None else None for k in labels],
        "counts": [stats[k]["n"] for k in labels],
    }
    rows = [
        {"label": label, "count": n, "turnaround": days, "rating": rating}
        for label, n, days, rating in zip(labels, chart["counts"], chart["turnaround"], chart["rating"], strict=True)
    ]
    return {
        "sections": [(key, title, data[key]) for key, title, _qs in sections],
        "chart": chart,
        "stats_rows": rows,
        "departments": _department_rows(data["department_rows"], data["answered"]),
    }


def _department_reads(*, user: Any) -> dict[str, Any]:
    rows = (
        order_list(user=user)
        .filter(status=Status.COMPLETED)
        .values("department__name", "department__name_zh")
        .annotate(n=Count("pk"), rating=Avg("rating"))
        .order_by("department__name")
    )
    answered = batch.aggregate(
        Consultation.objects.visible_to(user).filter(first_response_at__isnull=False),
        n=Count("pk"),
        wait=Avg(F("first_response_at") - F("created_at")),
    )
    return {"department_rows": batch.rows(rows), "answered": answered}


def _department_rows(rows: list[dict[str, Any]], answered: dict[str, Any]) -> list[dict[str, Any]]:
    zh = (get_language() or "").startswith("zh")
    result = [
        {
            "department": (zh and r["department__name_zh"]) or r["department__name"],
            "completed": r["n"],
            "rating": round(r["rating"] or 0, 2),
        }
        for r in rows
    ]
    if answered["n"]:
        result.append(
            {"department": str(_("Consultations: average first response (hours)")), "completed": answered["n"],
             "rating": round(answered["wait"].total_seconds() / 3600, 1)}
        )  # fmt: skip
    return result
