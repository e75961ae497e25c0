"""Purchase requests: the list, the request page, editing, submitting, cancelling and placing its orders."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from office.access import staff_profile, staff_required
from office.listing import sorted_by
from office.models import Department
from office.page_cache import cached_page
from office.views_support import run_action
from procurement import actions, forms, permissions, selectors
from procurement.models import PurchaseRequest
from procurement.views.common import paginate, request_or_404

# The columns the lists sort by (office/listing.py): ?sort=total, ?sort=-created …
REQUEST_SORTS = {
    "created": "created_at",
    "request": "pk",
    "requester": ("requester__staff_profile__display_name", "requester__username"),
    "department": "department__name",
    "total": "total_minor",
    "status": "status",
}


@staff_required
@require_GET
@cached_page("procurement")
def request_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    scope = request.GET.get("scope", "")
    department = request.GET.get("department", "")
    department_id = int(department) if department.isdigit() and len(department) < 10 else None
    qs = selectors.request_list(user=request.user, status=status, scope=scope, department_id=department_id)
    context = {"status": status, "scope": scope, "statuses": PurchaseRequest.Status.choices}
    if department_id is not None:
        context["department"] = Department.objects.filter(
            pk=department_id, organization_id=getattr(staff_profile(request.user), "organization_id", None)
        ).first()
        if context["department"] is None:
            qs = qs.none()
    qs, context["sort"] = sorted_by(request, qs, REQUEST_SORTS, "-created")
    return render(request, "procurement/request_list.html", {"page_obj": paginate(request, qs), **context})


def _request_context(request: HttpRequest, pr: PurchaseRequest) -> dict[str, Any]:
    user = request.user
    return {
        "pr": pr,
        "lines": pr.lines.select_related("vendor", "item"),
        "orders": pr.orders.select_related("vendor"),
        "can_edit": permissions.can_edit_request(user, pr),
        "can_submit": permissions.can_submit(user, pr),
        "can_approve": permissions.can_approve(user, pr),
        "can_cancel": permissions.can_cancel_request(user, pr),
        "can_place_orders": permissions.can_place_orders(user, pr),
        "over_limit": pr.total_minor > pr.department.approval_limit_minor,
    }


@staff_required
@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pr = request_or_404(request, pk)
    return render(request, "procurement/request_detail.html", _request_context(request, pr))


@staff_required
@require_POST
def request_line_update(request: HttpRequest, pk: int, line: int) -> HttpResponse:
    pr = request_or_404(request, pk)
    if not permissions.can_edit_request(request.user, pr):
        raise PermissionDenied
    return run_action(
        request,
        forms.QuantityForm(request.POST),
        lambda data: actions.purchase_request_line_update(
            request_id=pr.pk, line_id=line, actor=request.user, quantity=data["quantity"]
        ),
        success=_("Request updated."),
        redirect_to=("procurement:request_detail", pr.pk),
        invalid_message=_("Enter a quantity between 0 and 10,000."),
    )


@staff_required
@require_POST
def request_submit(request: HttpRequest, pk: int) -> HttpResponse:
    pr = request_or_404(request, pk)
    if pr.requester_id != request.user.pk:
        raise PermissionDenied
    return run_action(
        request,
        None,
        lambda data: actions.purchase_request_submit(request_id=pr.pk, actor=request.user),
        success=_("Request submitted."),
        redirect_to=("procurement:request_detail", pr.pk),
    )


@staff_required
@require_POST
def request_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    pr = request_or_404(request, pk)
    if pr.requester_id != request.user.pk and not permissions.is_leadership_of(request.user, pr.organization_id):
        raise PermissionDenied
    return run_action(
        request,
        None,
        lambda data: actions.purchase_request_cancel(request_id=pr.pk, actor=request.user),
        success=_("Request cancelled."),
        redirect_to=("procurement:request_detail", pr.pk),
    )


@staff_required
@require_POST
def request_place_orders(request: HttpRequest, pk: int) -> HttpResponse:
    pr = request_or_404(request, pk)
    if pr.requester_id != request.user.pk and not permissions.is_leadership_of(request.user, pr.organization_id):
        raise PermissionDenied
    return run_action(
        request,
        None,
        lambda data: actions.purchase_request_place_orders(request_id=pr.pk, actor=request.user),
        success=_("Orders placed, one per vendor."),
        redirect_to=("procurement:request_detail", pr.pk),
    )
