"""Budget lines: the fiscal year, a year's lines with totals and chart, a line's ledger."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from office import money
from office.models import Budget, BudgetEntry


def current_fiscal_year() -> int:
    # Fiscal years follow the calendar year in the office's time zone (as seed_demo does).
    return timezone.localdate().year


def budget_years(*, user: Any) -> list[int]:
    return list(
        Budget.objects.visible_to(user).order_by("-fiscal_year").values_list("fiscal_year", flat=True).distinct()
    )


def budget_list(*, user: Any, fiscal_year: int) -> QuerySet[Budget]:
    return (
        Budget.objects.visible_to(user)
        .filter(fiscal_year=fiscal_year)
        .select_related("department")
        .order_by("department__sort_order", "department__name")
    )


def budget_totals(budgets: list[Budget]) -> dict[str, int]:
    """Sums over rows already loaded (one currency per office, so they add up)."""
    return {
        "allocated_minor": sum(b.allocated_minor for b in budgets),
        "encumbered_minor": sum(b.encumbered_minor for b in budgets),
        "spent_minor": sum(b.spent_minor for b in budgets),
        "available_minor": sum(b.available_minor for b in budgets),
    }


def budget_chart_data(budgets: list[Budget]) -> dict[str, Any]:
    """Chart.js input: integer minor units; the script scales them for display only."""
    currency = budgets[0].currency if budgets else "CNY"
    return {
        "labels": [str(b.department) for b in budgets],
        "currency": currency,
        "exponent": money.exponent(currency),
        "series": {
            "encumbered": [b.encumbered_minor for b in budgets],
            "spent": [b.spent_minor for b in budgets],
            "available": [b.available_minor for b in budgets],
        },
    }


def budget_detail_queryset(*, user: Any) -> QuerySet[Budget]:
    return Budget.objects.visible_to(user).select_related("department", "department__organization")


def budget_entry_list(*, budget: Budget) -> QuerySet[BudgetEntry]:
    return budget.entries.select_related("actor", "actor__staff_profile")
