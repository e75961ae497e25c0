"""The buyer's orders: the list, one order, paying, cancelling, the invoice."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from marketing.store import actions, permissions, pricing, selectors
from marketing.store.models import StoreOrder
from office.listing import sorted_by
from office.views_support import run_action

# The columns a buyer's order list sorts by (office/listing.py).
ORDER_SORTS = {
    "date": "created_at",
    "number": "number",
    "licensee": "buyer_name",
    "total": "total_minor",
    "status": "status",
}


@login_required
@require_GET
def order_list(request: HttpRequest) -> HttpResponse:
    orders = selectors.orders_visible_to(request.user).select_related("buyer_organization")
    if permissions.is_seller(request.user):
        return redirect("store:sales")
    if not permissions.can_buy(request.user) and not orders.exists():
        raise PermissionDenied
    orders, sort = sorted_by(request, orders, ORDER_SORTS, "-date")
    page = Paginator(orders, 25).get_page(request.GET.get("page"))
    return render(request, "store/order_list.html", {"orders": page.object_list, "page_obj": page, "sort": sort})


def _order_for(request: HttpRequest, pk: int) -> StoreOrder:
    return get_object_or_404(selectors.orders_visible_to(request.user).select_related("coupon"), pk=pk)


@login_required
@require_GET
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_for(request, pk)
    from marketing.store.actions.office_approval import request_status

    approved = order.purchase_request_id and request_status(order.purchase_request_id) == "approved"
    is_buyer = permissions.can_buy(request.user) and not permissions.is_seller(request.user)
    can_pay = is_buyer and (order.status == StoreOrder.Status.PENDING or (
        order.status == StoreOrder.Status.AWAITING_APPROVAL and approved))  # fmt: skip
    context = {
        "order": order,
        "lines": order.lines.select_related("option", "option__product"),
        "grants": order.grants.select_related("product", "certificate"),
        "shipments": order.shipments.select_related("product"),
        "can_pay": can_pay,
        "can_cancel": order.buyer_user_id == request.user.pk
        and order.status in (StoreOrder.Status.PENDING, StoreOrder.Status.AWAITING_APPROVAL),
        "is_seller": permissions.is_seller(request.user),
        "tax_percent": pricing.tax_rate_bp() / 100,
    }
    return render(request, "store/order_detail.html", context)


@login_required
@require_POST
def order_pay(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_for(request, pk)
    return run_action(
        request,
        None,
        lambda data: actions.order_pay(order_id=order.pk, actor=request.user),
        success="",
        redirect_to=lambda payment: ("payments:payment_checkout", payment.pk),
        failure_redirect_to=("store:order_detail", order.pk),
    )


@login_required
@require_POST
def order_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_for(request, pk)
    return run_action(
        request,
        None,
        lambda data: actions.order_cancel(order_id=order.pk, actor=request.user),
        success=_("The order was cancelled."),
        redirect_to=("store:order_detail", order.pk),
    )


@login_required
@require_GET
def order_invoice(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_for(request, pk)
    if order.paid_at is None:
        raise Http404
    from marketing.store.pdf import invoice_pdf

    response = HttpResponse(invoice_pdf(order), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="invoice-{order.number}.pdf"'
    return response
