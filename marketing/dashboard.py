"""The marketing dashboard's numbers (reads only): page views per day, the most viewed pages,
campaign arrivals, searches that found nothing, inquiries, and view → order conversion of the
information services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Sum
from django.utils import timezone

from marketing.models import DailyCount, Inquiry, SearchLog


def dashboard(days: int = 30) -> dict[str, Any]:
    end = timezone.localdate()
    start = end - dt.timedelta(days=days - 1)
    counts = DailyCount.objects.filter(day__gte=start, day__lte=end)
    views = counts.exclude(kind="campaign")
    per_day = dict(views.values_list("day").annotate(n=Sum("count")).values_list("day", "n"))
    dates = [start + dt.timedelta(days=i) for i in range(days)]
    top = list(views.values("kind", "key").annotate(n=Sum("count")).order_by("-n")[:15])
    campaigns = list(counts.filter(kind="campaign").values("key").annotate(n=Sum("count")).order_by("-n")[:10])
    no_results = list(
        SearchLog.objects.filter(day__gte=start)
        .values("query", "language")
        .annotate(n=Sum("count"))
        .order_by("-n")[:15]
    )
    inquiries = list(
        Inquiry.objects.filter(created_at__date__gte=start).values("kind").annotate(n=Count("pk")).order_by("kind")
    )
    return {
        "days": days,
        "start": start,
        "total_views": sum(per_day.values()),
        "top": top,
        "campaigns": campaigns,
        "no_results": no_results,
        "inquiries": inquiries,
        "conversion": _service_conversion(counts, start),
        "chart": {"labels": [d.isoformat() for d in dates], "views": [per_day.get(d, 0) for d in dates]},
    }


def _service_conversion(counts: Any, start: dt.date) -> list[dict[str, Any]]:
    from services.models import ServiceOrder

    viewed = dict(counts.filter(kind="service").values_list("key").annotate(n=Sum("count")).values_list("key", "n"))
    ordered = dict(
        ServiceOrder.objects.filter(created_at__date__gte=start)
        .values_list("offering__code")
        .annotate(n=Count("pk"))
        .values_list("offering__code", "n")
    )
    rows = []
    for code in sorted(set(viewed) | set(ordered)):
        v, o = viewed.get(code, 0), ordered.get(code, 0)
        rows.append({"code": code, "views": v, "orders": o, "rate": round(100 * o / v, 1) if v else None})
    return sorted(rows, key=lambda row: -row["views"])
