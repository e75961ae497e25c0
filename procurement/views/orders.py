"""Purchase orders: the list, the order page, its PDF, paying, cancelling, receiving, invoicing and closing."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from office.access import staff_required
from office.listing import sorted_by
from office.money import format_money
from office.page_cache import cached_page
from office.views_support import run_action
from procurement import actions, forms, permissions, selectors
from procurement.models import PurchaseOrder
from procurement.views.common import order_or_404, paginate
from procurement.views.tracking import timeline

# The columns the order list sorts by (office/listing.py): ?sort=total, ?sort=-created …
ORDER_SORTS = {
    "created": "created_at",
    "number": "number",
    "vendor": "vendor__name",
    "total": "total_minor",
    "status": "status",
    "promised": "promised_on",
}


@staff_required
@require_GET
@cached_page("procurement")
def order_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    late = request.GET.get("late") == "1"
    qs = selectors.order_list(user=request.user, status=status, late=late)
    qs, sort = sorted_by(request, qs, ORDER_SORTS, "-created")
    return render(
        request,
        "procurement/order_list.html",
        {
            "page_obj": paginate(request, qs),
            "status": status,
            "late": late,
            "statuses": PurchaseOrder.Status.choices,
            "sort": sort,
        },
    )


def _order_context(request: HttpRequest, order: PurchaseOrder) -> dict[str, Any]:
    user = request.user
    return {
        "order": order,
        "lines": order.lines.all(),
        "events": timeline(order),
        "receipts": order.receipts.prefetch_related("lines__order_line").select_related("received_by"),
        "match": selectors.three_way_match(order),
        "invoice": getattr(order, "invoice", None) if hasattr(order, "invoice") else None,
        "payment": selectors.purchase_order_payment(user=user, order=order),
        "can_pay": permissions.can_pay_order(user, order),
        "can_cancel": permissions.can_cancel_order(user, order),
        "can_track": permissions.can_track_order(user, order),
        "can_receive": permissions.can_receive(user, order),
        "can_invoice": permissions.can_enter_invoice(user, order),
        "can_close": permissions.can_close_order(user, order),
        "tracking_form": forms.TrackingForm(),
        "cancel_summary": _cancel_summary(order),
        "invoice_form": forms.InvoiceForm(),
    }


@staff_required
@require_GET
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = order_or_404(request, pk)
    return render(request, "procurement/order_detail.html", _order_context(request, order))


@staff_required
@require_GET
def order_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from procurement.pdf import purchase_order_pdf

    order = order_or_404(request, pk)
    response = HttpResponse(purchase_order_pdf(order), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{order.number}.pdf"'
    return response


@staff_required
@require_POST
def order_pay(request: HttpRequest, pk: int) -> HttpResponse:
    order = order_or_404(request, pk)
    if not permissions.is_finance_of(request.user, order.organization_id):
        raise PermissionDenied
    return run_action(
        request,
        None,
        lambda data: actions.purchase_order_pay(order_id=order.pk, actor=request.user),
        success=None,
        redirect_to=_payment_page,
        failure_redirect_to=("procurement:order_detail", order.pk),
    )


def _payment_page(payment: Any) -> tuple[str, int]:
    """Where a started payment goes on: its checkout, or its page if it needed none."""
    return ("payments:payment_detail" if payment.is_paid else "payments:payment_checkout", payment.pk)


@staff_required
@require_POST
def order_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    order = order_or_404(request, pk)
    if (
        not permissions.is_leadership_of(request.user, order.organization_id)
        and order.request.requester_id != request.user.pk
    ):
        raise PermissionDenied
    if permissions.can_cancel_order(request.user, order) and request.POST.get("confirm") != "yes":
        return render(
            request,
            "partials/confirm_page.html",
            {
                "confirm_title": _("Cancel the purchase order?"),
                "confirm_summary": _cancel_summary(order),
                "confirm_button": _("Cancel the order"),
                "confirm_action": request.path,
                "confirm_fields": [("reason", request.POST.get("reason", ""))],
                "confirm_back": reverse("procurement:order_detail", args=[order.pk]),
            },
        )
    return run_action(
        request,
        forms.ReasonForm(request.POST),
        lambda data: actions.purchase_order_cancel(order_id=order.pk, actor=request.user, reason=data["reason"]),
        success=_("Order cancelled."),
        redirect_to=("procurement:order_detail", order.pk),
    )


def _cancel_summary(order: PurchaseOrder) -> str:
    """What cancelling does, said before it is done (partials/_confirm.html)."""
    text = _("Purchase order %(number)s to %(vendor)s will be cancelled.") % {
        "number": order.number,
        "vendor": order.vendor,
    }
    if order.encumbered_minor:
        text += " " + _("%(amount)s reserved on the budget line will be released.") % {
            "amount": format_money(order.encumbered_minor, order.currency)
        }
    return text + " " + _("Nothing has been paid for it.")


@staff_required
@require_http_methods(["GET", "POST"])
def order_receive(request: HttpRequest, pk: int) -> HttpResponse:
    order = order_or_404(request, pk)
    if not permissions.can_receive(request.user, order):
        raise PermissionDenied
    context = {"order": order, "lines": list(order.lines.all())}
    if request.method != "POST":
        return render(request, "procurement/order_receive.html", context)
    # One field per order line, so no Form: the action checks each quantity against its line.
    quantities = {line.pk: (request.POST.get(f"line-{line.pk}") or "").strip() or "0" for line in context["lines"]}
    return run_action(
        request,
        None,
        lambda data: actions.purchase_order_receive(
            order_id=order.pk, actor=request.user, quantities=quantities, note=request.POST.get("note", "")
        ),
        success=_("Receipt recorded."),
        redirect_to=("procurement:order_detail", order.pk),
        template="procurement/order_receive.html",
        template_context=context,
    )


@staff_required
@require_POST
def order_invoice(request: HttpRequest, pk: int) -> HttpResponse:
    order = order_or_404(request, pk)
    if not permissions.is_leadership_of(request.user, order.organization_id):
        raise PermissionDenied
    return run_action(
        request,
        forms.InvoiceForm(request.POST),
        lambda data: actions.invoice_enter(
            order_id=order.pk,
            actor=request.user,
            number=data["number"],
            issued_on=data["issued_on"],
            amount_minor=data["amount"],
            note=data["note"],
        ),
        success=_("Invoice entered."),
        redirect_to=("procurement:order_detail", order.pk),
    )


@staff_required
@require_POST
def order_close(request: HttpRequest, pk: int) -> HttpResponse:
    order = order_or_404(request, pk)
    if not permissions.is_leadership_of(request.user, order.organization_id):
        raise PermissionDenied
    return run_action(
        request,
        None,
        lambda data: actions.purchase_order_close(order_id=order.pk, actor=request.user),
        success=_("Order closed."),
        redirect_to=("procurement:order_detail", order.pk),
    )
