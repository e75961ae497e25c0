"""Approval: deciding on a request (approve, reject, return), the approvals inbox, deputies, and the
director's approval limits per unit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from office.access import staff_profile, staff_required
from office.actions import department_approval_limit_set
from office.models import Department
from office.page_cache import cached_page
from office.views_support import run_action
from procurement import actions, forms, permissions, selectors
from procurement.models import Deputy
from procurement.views.common import paginate, request_or_404


def _decision(request: HttpRequest, pk: int, call: Callable[..., Any], success: str) -> HttpResponse:
    """Approve, reject or return; the approvals inbox posts these with htmx and gets its row back."""
    pr = request_or_404(request, pk)
    if not permissions.can_decide_at_all(request.user, pr):
        raise PermissionDenied

    def row(result: Any) -> dict[str, Any]:
        decided = request_or_404(request, pk)
        return {"pr": decided, "can_approve": permissions.can_approve(request.user, decided)}

    return run_action(
        request,
        forms.CommentForm(request.POST),
        lambda data: call(request_id=pr.pk, actor=request.user, comment=data["comment"]),
        success=success,
        redirect_to=("procurement:request_detail", pr.pk),
        fragment="procurement/_approval_row.html",
        fragment_context=row,
    )


@staff_required
@require_POST
def request_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _decision(request, pk, actions.purchase_request_approve, _("Approved."))


@staff_required
@require_POST
def request_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _decision(request, pk, actions.purchase_request_reject, _("Rejected."))


@staff_required
@require_POST
def request_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _decision(request, pk, actions.purchase_request_return, _("Returned for changes."))


APPROVALS_PER_PAGE = 50


@staff_required
@require_GET
@cached_page("procurement")
def approvals(request: HttpRequest) -> HttpResponse:
    # Paged: after a holiday a director may find hundreds waiting (the task box counts them all).
    page = paginate(request, selectors.approvals_waiting_queryset(user=request.user), per_page=APPROVALS_PER_PAGE)
    return render(request, "procurement/approvals.html", {"waiting": page, "page_obj": page})


@staff_required
@require_http_methods(["GET", "POST"])
def deputy_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_manage_deputies(request.user):
        raise PermissionDenied
    profile = staff_profile(request.user)
    form = forms.DeputyForm(request.POST or None, organization_id=profile.organization_id, exclude_user=request.user)
    context = {
        "form": form,
        "deputies": Deputy.objects.filter(department_id=profile.department_id).select_related("deputy__staff_profile"),
    }
    if request.method != "POST":
        return render(request, "procurement/deputy_list.html", context)
    return run_action(
        request,
        form,
        lambda data: actions.deputy_appoint(
            actor=request.user, deputy_id=data["deputy"].pk, starts_on=data["starts_on"], ends_on=data["ends_on"]
        ),
        success=_("Deputy named."),
        redirect_to="procurement:deputy_list",
        template="procurement/deputy_list.html",
        template_context=context,
    )


def _limit_units(request: HttpRequest) -> Any:
    """The units of the director's own office; another office's unit is a 404."""
    profile = staff_profile(request.user)
    return Department.objects.filter(organization_id=profile.organization_id).select_related("parent")


def _limit_row(department: Any, form: Any = None) -> dict[str, Any]:
    currency = settings.DEFAULT_CURRENCY
    if form is None:
        form = forms.ApprovalLimitForm(currency=currency, current_minor=department.approval_limit_minor)
    return {"department": department, "form": form, "currency": currency}


@staff_required
@require_GET
def approval_limits(request: HttpRequest) -> HttpResponse:
    if not permissions.can_set_approval_limits(request.user):
        raise PermissionDenied
    rows = [_limit_row(d) for d in _limit_units(request)]
    return render(request, "procurement/approval_limits.html", {"rows": rows})


@staff_required
@require_POST
def approval_limit_set(request: HttpRequest, pk: int) -> HttpResponse:
    """Change one unit's limit (office.actions.department_approval_limit_set). The page posts it
    with htmx and gets the row back; bad input comes back in the row, at the field."""
    if not permissions.can_set_approval_limits(request.user):
        raise PermissionDenied
    department = get_object_or_404(_limit_units(request), pk=pk)
    form = forms.ApprovalLimitForm(request.POST, currency=settings.DEFAULT_CURRENCY)

    def saved(result: tuple[Any, bool]) -> str:
        outcome = _("Limit saved.") if result[1] else _("The limit is unchanged.")
        return _("%(unit)s: %(result)s") % {"unit": department, "result": outcome}

    return run_action(
        request,
        form,
        lambda data: department_approval_limit_set(
            department_id=department.pk, actor=request.user, limit_minor=data["limit"]
        ),
        success=saved,
        redirect_to="procurement:approval_limits",
        fragment="procurement/_approval_limit_row.html",
        fragment_context=lambda result: _limit_row(_limit_units(request).get(pk=department.pk)),
        form_in_fragment=True,
        template="procurement/approval_limits.html",
        template_context=lambda: {
            "rows": [_limit_row(d, form if d.pk == department.pk else None) for d in _limit_units(request)]
        },
    )
