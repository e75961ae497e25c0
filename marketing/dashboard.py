"""The marketing dashboard's numbers (reads only): page views per day, the most viewed pages,
campaign arrivals, searches that found nothing, inquiries; view → order conversion of the
information services and the digital products; campaign links (utm_*) → orders.

Views are the server's daily counts (marketing.analytics): a service's views are those of its
public page (kind "service", key its code), a product's those of its store page (kind
"product", key its slug). Orders are the orders placed in the same days: service orders per
offering, store orders per product (an order of two products counts for each), cancelled ones
included (they were placed). Campaigns: arrivals through a link with utm_campaign, and the
orders attributed to it (StoreOrder.campaign; marketing.ServiceOrderCampaign for services),
with the paid store revenue in integer minor units per currency.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Count, Sum
from django.utils import timezone

from marketing.models import DailyCount, Inquiry, SearchLog, ServiceOrderCampaign
from office.models import localized
from office.money import format_money

CHART_ROWS = 10  # the charts show the first rows; the tables and the CSV have them all


def dashboard(days: int = 30) -> dict[str, Any]:
    end = timezone.localdate()
    start = end - dt.timedelta(days=days - 1)
    counts = DailyCount.objects.filter(day__gte=start, day__lte=end)
    views = counts.exclude(kind="campaign")
    per_day = dict(views.values_list("day").annotate(n=Sum("count")).values_list("day", "n"))
    dates = [start + dt.timedelta(days=i) for i in range(days)]
    top = list(views.values("kind", "key").annotate(n=Sum("count")).order_by("-n")[:15])
    arrivals = list(counts.filter(kind="campaign").values("key").annotate(n=Sum("count")).order_by("-n")[:10])
    no_results = list(
        SearchLog.objects.filter(day__gte=start)
        .values("query", "language")
        .annotate(n=Sum("count"))
        .order_by("-n")[:15]
    )
    inquiries = list(
        Inquiry.objects.filter(created_at__date__gte=start).values("kind").annotate(n=Count("pk")).order_by("kind")
    )
    services, products = service_conversion(counts, start), product_conversion(counts, start)
    campaigns = campaign_orders(counts, start)
    return {
        "days": days,
        "start": start,
        "end": end,
        "total_views": sum(per_day.values()),
        "per_day": [(d, per_day.get(d, 0)) for d in dates],
        "top": top,
        "campaigns": arrivals,
        "no_results": no_results,
        "inquiries": inquiries,
        "conversion": services,
        "products": products,
        "campaign_orders": campaigns,
        "chart": {
            "labels": [d.isoformat() for d in dates],
            "views": [per_day.get(d, 0) for d in dates],
            "services": _bars(services, "views", "orders"),
            "products": _bars(products, "views", "orders"),
            "campaigns": _bars(campaigns, "arrivals", "orders"),
        },
    }


def _bars(rows: list[dict[str, Any]], first: str, second: str) -> dict[str, list[Any]]:
    shown = rows[:CHART_ROWS]
    return {
        "labels": [row["name"] or row["key"] for row in shown],
        first: [row[first] for row in shown],
        second: [row[second] for row in shown],
    }


def _rate(orders: int, views: int) -> float | None:
    return round(100 * orders / views, 1) if views else None


def _viewed(counts: Any, kind: str) -> dict[str, int]:
    return dict(counts.filter(kind=kind).values_list("key").annotate(n=Sum("count")).values_list("key", "n"))


def service_conversion(counts: Any, start: dt.date) -> list[dict[str, Any]]:
    """Per information service: views of its public page, orders placed, their ratio (%)."""
    from services.models import Offering, ServiceOrder

    viewed = _viewed(counts, "service")
    ordered = dict(
        ServiceOrder.objects.filter(created_at__date__gte=start)
        .values_list("offering__code")
        .annotate(n=Count("pk"))
        .values_list("offering__code", "n")
    )
    names = {o.code: o.display_name for o in Offering.objects.filter(code__in=set(viewed) | set(ordered))}
    rows = []
    for code in set(viewed) | set(ordered):
        v, o = viewed.get(code, 0), ordered.get(code, 0)
        rows.append(
            {"key": code, "code": code, "name": names.get(code, ""), "views": v, "orders": o, "rate": _rate(o, v)}
        )
    return sorted(rows, key=lambda row: (-row["views"], -row["orders"], row["key"]))


def product_conversion(counts: Any, start: dt.date) -> list[dict[str, Any]]:
    """Per digital product: views of its store page, store orders placed with it, paid ones."""
    from marketing.store.models import Product, StoreOrder, StoreOrderLine

    viewed = _viewed(counts, "product")
    lines = StoreOrderLine.objects.filter(order__created_at__date__gte=start).values("option__product__slug")
    ordered = dict(lines.annotate(n=Count("order", distinct=True)).values_list("option__product__slug", "n"))
    paid = dict(
        lines.filter(order__status__in=[StoreOrder.Status.PAID, StoreOrder.Status.REFUNDED])
        .annotate(n=Count("order", distinct=True))
        .values_list("option__product__slug", "n")
    )
    names = {p.slug: localized(p, "name") for p in Product.objects.filter(slug__in=set(viewed) | set(ordered))}
    rows = []
    for slug in set(viewed) | set(ordered):
        v, o = viewed.get(slug, 0), ordered.get(slug, 0)
        rows.append(
            {
                "key": slug,
                "name": names.get(slug, ""),
                "views": v,
                "orders": o,
                "paid": paid.get(slug, 0),
                "rate": _rate(o, v),
            }
        )
    return sorted(rows, key=lambda row: (-row["views"], -row["orders"], row["key"]))


def campaign_orders(counts: Any, start: dt.date) -> list[dict[str, Any]]:
    """Per campaign (utm_campaign): arrivals through its links, service and store orders
    attributed to it, paid store revenue per currency, and orders per hundred arrivals."""
    from marketing.store.models import StoreOrder

    arrivals: dict[str, int] = defaultdict(int)
    for key, n in counts.filter(kind="campaign").values_list("key").annotate(n=Sum("count")).values_list("key", "n"):
        arrivals[key.rsplit("/", 1)[-1]] += n  # key: source/medium/campaign
    services = dict(
        ServiceOrderCampaign.objects.filter(order__created_at__date__gte=start)
        .values_list("campaign")
        .annotate(n=Count("pk"))
        .values_list("campaign", "n")
    )
    store = StoreOrder.objects.filter(created_at__date__gte=start).exclude(campaign="")
    store_orders = dict(store.values_list("campaign").annotate(n=Count("pk")).values_list("campaign", "n"))
    revenue: dict[str, dict[str, int]] = defaultdict(dict)
    paid = store.filter(status=StoreOrder.Status.PAID).values_list("campaign", "currency")
    for campaign, currency, total in paid.annotate(total=Sum("total_minor")).values_list(
        "campaign", "currency", "total"
    ):
        revenue[campaign][currency] = total
    rows = []
    for campaign in set(arrivals) | set(services) | set(store_orders):
        s, p = services.get(campaign, 0), store_orders.get(campaign, 0)
        money = dict(sorted(revenue.get(campaign, {}).items()))
        rows.append(
            {
                "key": campaign,
                "name": campaign,
                "arrivals": arrivals.get(campaign, 0),
                "service_orders": s,
                "store_orders": p,
                "orders": s + p,
                "revenue": money,
                "revenue_text": ", ".join(format_money(amount, currency) for currency, amount in money.items()),
                "rate": _rate(s + p, arrivals.get(campaign, 0)),
            }
        )
    return sorted(rows, key=lambda row: (-row["orders"], -row["arrivals"], row["key"]))


def csv_rows(data: dict[str, Any]) -> list[list[Any]]:
    """The dashboard as one table (section, key, name, views or arrivals, orders, paid
    orders, conversion %, revenue in minor units, currency): what the CSV download holds."""
    rows: list[list[Any]] = [["day", d.isoformat(), "", n, "", "", "", "", ""] for d, n in data["per_day"]]
    for r in data["conversion"]:
        rows.append(["service", r["key"], r["name"], r["views"], r["orders"], "", r["rate"], "", ""])
    for r in data["products"]:
        rows.append(["product", r["key"], r["name"], r["views"], r["orders"], r["paid"], r["rate"], "", ""])
    for r in data["campaign_orders"]:
        money = list(r["revenue"].items()) or [("", "")]
        currency, amount = money[0]
        rows.append(["campaign", r["key"], "", r["arrivals"], r["orders"], "", r["rate"], amount, currency])
        for currency, amount in money[1:]:  # a campaign paid in a second currency: one row more
            rows.append(["campaign_revenue", r["key"], "", "", "", "", "", amount, currency])
    for r in data["no_results"]:
        rows.append(["no_result_search", r["query"], r["language"], r["n"], "", "", "", "", ""])
    return rows
