"""Budgets: a fiscal year's lines, a line's ledger, the director's allocation."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from office import actions, forms, permissions, selectors
from office.access import Role, is_director, roles_required, staff_required
from office.views.common import paginate
from office.views_support import run_action


@staff_required
@require_GET
def budget_list(request: HttpRequest) -> HttpResponse:
    """The viewer's budget lines for one fiscal year, with totals and a chart."""
    years = selectors.budget_years(user=request.user)
    this_year = selectors.current_fiscal_year()
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = years[0] if years and this_year not in years else this_year
    budgets = list(selectors.budget_list(user=request.user, fiscal_year=year))
    return render(
        request,
        "office/budget_list.html",
        {
            "budgets": budgets,
            "year": year,
            "years": sorted(set(years) | {this_year}, reverse=True),
            "totals": selectors.budget_totals(budgets),
            "chart": selectors.budget_chart_data(budgets),
            "currency": budgets[0].currency if budgets else settings.DEFAULT_CURRENCY,
            "can_allocate": is_director(request.user),
        },
    )


@staff_required
@require_GET
def budget_detail(request: HttpRequest, pk: int) -> HttpResponse:
    budget = get_object_or_404(selectors.budget_detail_queryset(user=request.user), pk=pk)
    if not permissions.can_view_budget(request.user, budget):
        raise Http404
    return render(
        request,
        "office/budget_detail.html",
        {
            "budget": budget,
            "page_obj": paginate(request, selectors.budget_entry_list(budget=budget)),
            "can_allocate": permissions.can_allocate_budget(request.user, budget.department),
        },
    )


@roles_required(Role.DIRECTOR)
def budget_allocate(request: HttpRequest) -> HttpResponse:
    """Director only. GET may preselect ?department=&year=; an error changes nothing."""
    initial = {"fiscal_year": request.GET.get("year") or selectors.current_fiscal_year()}
    if department_id := request.GET.get("department", "").strip():
        initial["department"] = department_id
    form = forms.BudgetAllocateForm(request.POST or None, user=request.user, initial=initial)
    if request.method != "POST":
        return render(request, "office/budget_allocate.html", {"form": form})
    return run_action(
        request,
        form,
        lambda data: actions.budget_allocate(
            department_id=data["department"].pk,
            fiscal_year=data["fiscal_year"],
            amount_minor=data["amount"],
            note=data["note"],
            actor=request.user,
        ),
        success=_("The allocation was recorded."),
        redirect_to=lambda budget: ("office:budget_detail", budget.pk),
        template="office/budget_allocate.html",
        template_context={"form": form},
        error_field="amount",
    )
