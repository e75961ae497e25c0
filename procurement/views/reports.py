"""Spending reports: the yearly page with its charts, and the same orders as CSV."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from office.access import staff_required
from office.exports import csv_response
from office.money import to_major
from procurement import permissions, selectors


def _report_year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    # Four ASCII digits: "²" is isdigit() but not int(), and int() refuses 4,300 digits.
    if len(raw) == 4 and raw.isascii() and raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw)
    return timezone.localdate().year


@staff_required
@require_GET
def report_spending(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_reports(request.user):
        raise PermissionDenied
    year = _report_year(request)
    report = selectors.spending_report(user=request.user, year=year)

    def major(total_minor: int) -> float:
        # The report adds orders up in the office's currency (the tables show it with |money);
        # Chart.js wants numbers, so the float is made here, at the JSON edge, and nowhere else.
        return float(to_major(total_minor, settings.DEFAULT_CURRENCY))

    chart = {
        "months": [row["month"].strftime("%Y-%m") for row in report["month"] if row["month"]],
        "month_totals": [major(row["total"]) for row in report["month"] if row["month"]],
        "vendors": [row["vendor__name"] for row in report["vendor"]],
        "vendor_totals": [major(row["total"]) for row in report["vendor"]],
        "departments": [row["request__department__name"] for row in report["department"]],
        "department_totals": [major(row["total"]) for row in report["department"]],
    }
    return render(request, "procurement/report_spending.html", {"report": report, "year": year, "chart": chart})


@staff_required
@require_GET
def report_spending_csv(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_reports(request.user):
        raise PermissionDenied
    year = _report_year(request)
    orders = selectors.spending_orders(user=request.user, year=year).select_related("vendor", "request__department")
    rows = (
        [
            order.number,
            f"{order.paid_at:%Y-%m-%d}",
            order.request.department.name,
            order.vendor.name,
            order.currency,
            to_major(order.spent_minor, order.currency),
        ]
        for order in orders
    )
    header = ["order", "paid_at", "department", "vendor", "currency", "amount"]
    return csv_response(f"spending-{year}.csv", header, rows)
