"""Procurement's dashboard tiles (office/dashboard/tiles.py): spend against budget per unit,
approvals waiting and their age, late purchase orders. Registered on import (apps.py)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Min, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from office.dashboard import batch
from office.dashboard import tiles as dashboard
from office.dashboard.tiles import Cell, Scope, Stat, Tile
from office.models import Budget, BudgetEntry
from office.money import format_money
from procurement.models import PurchaseOrder, PurchaseRequest


def _name(row: dict, prefix: str = "department__") -> str:
    chinese = row.get(f"{prefix}name_zh") if (get_language() or "").startswith("zh") else ""
    return chinese or row[f"{prefix}name"]


def budget_reads(scope: Scope) -> dict:
    """Allocated, encumbered, spent and available per unit for the period's fiscal year, and
    what was spent inside the period; two reads whatever the number of units."""
    year = scope.period.start.year
    budgets = (
        scope.departments(Budget.objects.filter(fiscal_year=year))
        .values("department_id", "department__name", "department__name_zh", "currency")
        .annotate(allocated=Sum("allocated_minor"), encumbered=Sum("encumbered_minor"), spent=Sum("spent_minor"))
        .order_by("currency", "department__sort_order", "department__name")
    )
    spent = scope.departments(
        BudgetEntry.objects.filter(
            kind=BudgetEntry.Kind.SPEND,
            created_at__gte=scope.period.start_at,
            created_at__lt=scope.period.end_at,
            budget__fiscal_year=year,
        ),
        "budget__department",
    )
    return {
        "budgets": batch.rows(budgets),
        "spent": batch.rows(
            spent.values("budget__department_id", "budget__currency").annotate(total=Sum("amount_minor"))
        ),
    }


def budget_tile(scope: Scope, data: dict) -> list[Tile]:
    year = scope.period.start.year
    rows = data["budgets"]
    in_period = {(row["budget__department_id"], row["budget__currency"]): row["total"] for row in data["spent"]}
    requests_url = reverse("procurement:request_list")
    tile = Tile(
        key="budget",
        title=_("Spend against budget, %(year)s") % {"year": year},
        order=10,
        icon="bi-piggy-bank",
        header=[_("Department"), _("Allocated"), _("Encumbered"), _("Spent"), _("Available"), _("Spent in period")],
        link=reverse("office:budget_list") + f"?year={year}",
        empty=_("No budget lines for %(year)s.") % {"year": year},
        chart_label=_("Bar chart of encumbered, spent and available money per department; the table has the figures."),
    )
    totals: dict[str, list[int]] = {}
    for row in rows:
        currency = row["currency"]
        available = row["allocated"] - row["encumbered"] - row["spent"]
        period_spend = in_period.get((row["department_id"], currency), 0)
        tile.rows.append(
            [
                Cell(_name(row), f"{requests_url}?department={row['department_id']}"),
                *(
                    Cell(format_money(value, currency), numeric=True)
                    for value in (row["allocated"], row["encumbered"], row["spent"], available, period_spend)
                ),
            ]
        )
        sums = totals.setdefault(currency, [0, 0, 0, 0, 0])
        for index, value in enumerate((row["allocated"], row["encumbered"], row["spent"], available, period_spend)):
            sums[index] += value
    for currency, (allocated, encumbered, spent, available, _in_period) in totals.items():
        tile.stats += [
            Stat(_("Allocated"), format_money(allocated, currency)),
            Stat(_("Spent"), format_money(spent, currency)),
            Stat(_("Encumbered"), format_money(encumbered, currency), tone="warning" if encumbered else ""),
            Stat(_("Available"), format_money(available, currency), tone="danger" if available < 0 else "success"),
        ]
    if rows:
        currency = rows[0]["currency"]
        mine = [row for row in rows if row["currency"] == currency]
        tile.chart = dashboard.money_chart(
            [_name(row) for row in mine],
            currency,
            [
                (_("Spent"), [row["spent"] for row in mine], "danger"),
                (_("Encumbered"), [row["encumbered"] for row in mine], "warning"),
                (_("Available"), [row["allocated"] - row["encumbered"] - row["spent"] for row in mine], "success"),
            ],
            type="bar",
            horizontal=True,
            stacked=True,
        )
    return [tile]


def approvals_reads(scope: Scope) -> dict:
    """Requests waiting for a decision now, by how long they have waited, and the oldest."""
    now = timezone.now()
    pending = scope.departments(PurchaseRequest.objects.pending())
    counts = batch.aggregate(
        pending,
        total=Count("pk"),
        head=Count("pk", filter=Q(status=PurchaseRequest.Status.SUBMITTED)),
        director=Count("pk", filter=Q(status=PurchaseRequest.Status.HEAD_APPROVED)),
        fresh=Count("pk", filter=Q(submitted_at__gte=now - timedelta(days=2))),
        week=Count("pk", filter=Q(submitted_at__lt=now - timedelta(days=2), submitted_at__gte=now - timedelta(days=7))),
        old=Count("pk", filter=Q(submitted_at__lt=now - timedelta(days=7))),
        oldest=Min("submitted_at"),
        amount=Sum("total_minor"),
    )
    oldest = batch.instances(pending.select_related("department").order_by("submitted_at", "pk")[:5])
    return {"now": now, "counts": counts, "oldest": oldest}


def approvals_tile(scope: Scope, data: dict) -> list[Tile]:
    now, counts, oldest = data["now"], data["counts"], data["oldest"]
    url = reverse("procurement:request_list")
    tile = Tile(
        key="approvals",
        title=_("Purchase requests waiting for a decision"),
        order=20,
        icon="bi-check2-square",
        stats=[
            Stat(_("Waiting"), str(counts["total"]), tone="warning" if counts["total"] else "success"),
            Stat(_("At the head"), str(counts["head"]), f"{url}?status=submitted"),
            Stat(_("At the director"), str(counts["director"]), f"{url}?status=head_approved"),
            Stat(_("Oldest waits"), dashboard.age_text(counts["oldest"], now), tone="danger" if counts["old"] else ""),
        ],
        header=[_("Request"), _("Department"), _("Total"), _("Waiting")],
        rows=[
            [
                Cell(pr.reference, reverse("procurement:request_detail", kwargs={"pk": pr.pk})),
                Cell(str(pr.department)),
                Cell(format_money(pr.total_minor, pr.currency), numeric=True),
                Cell(dashboard.age_text(pr.submitted_at, now), numeric=True),
            ]
            for pr in oldest
        ],
        link=reverse("procurement:approvals"),
        empty=_("Nothing waits for a decision."),
        chart_label=_("Requests waiting, by days waited."),
    )
    if counts["total"]:
        tile.chart = dashboard.count_chart(
            [_("under 2 days"), _("2 to 7 days"), _("over 7 days")],
            [(_("Requests"), [counts["fresh"], counts["week"], counts["old"]], "warning")],
            type="bar",
        )
    return [tile]


def late_orders_reads(scope: Scope) -> dict:
    """Open purchase orders flagged late (the tracking sweep flags them): the first five and
    how many."""
    late = scope.departments(PurchaseOrder.objects.open().filter(late_flagged_at__isnull=False), "request__department")
    return {
        "rows": batch.instances(
            late.select_related("vendor", "request__department").order_by("late_flagged_at", "pk")[:5]
        ),
        "count": batch.aggregate(late, n=Count("pk")),
    }


def late_orders_tile(scope: Scope, data: dict) -> list[Tile]:
    rows, count = data["rows"], data["count"]["n"]
    return [
        Tile(
            key="late_orders",
            title=_("Purchase orders late"),
            order=30,
            icon="bi-truck",
            stats=[
                Stat(
                    _("Late"),
                    str(count),
                    reverse("procurement:order_list") + "?late=1",
                    "danger" if count else "success",
                )
            ],
            header=[_("Order"), _("Vendor"), _("Department"), _("Late since")],
            rows=[
                [
                    Cell(order.number, reverse("procurement:order_detail", kwargs={"pk": order.pk})),
                    Cell(str(order.vendor)),
                    Cell(str(order.request.department)),
                    Cell(dashboard.age_text(order.late_flagged_at), numeric=True),
                ]
                for order in rows
            ],
            link=reverse("procurement:order_list") + "?late=1",
            empty=_("No purchase order is late."),
        )
    ]


dashboard.register(budget_tile, budget_reads)
dashboard.register(approvals_tile, approvals_reads)
dashboard.register(late_orders_tile, late_orders_reads)

from procurement.consortia import tiles as _consortia_tiles  # noqa: E402, F401  (registers its tile)
