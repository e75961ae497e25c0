"""An order's money: paying, refunding, and the invoice."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from office.views_support import run_action
from services import actions, forms, permissions
from services.views.common import _act, _confirmations, _needs_confirmation, _order


@login_required
@require_POST
def order_pay(request: HttpRequest, pk: int) -> HttpResponse:
    """Start paying: the amount comes from the order's quote in our database, never the form."""
    order = _order(request, pk)
    return run_action(
        request,
        None,
        lambda data: actions.order_checkout(order_id=order.pk, actor=request.user),
        success=None,
        redirect_to=lambda payment: ("payments:payment_checkout", payment.pk),
        failure_redirect_to=("services:order_detail", order.pk),
    )


@login_required
@require_POST
def order_refund(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    if not permissions.can_refund(request.user, order):
        raise PermissionDenied
    ask = _needs_confirmation(
        request,
        title=_("Cancel and refund the order?"),
        summary=_confirmations(order)["refund"],
        button=_("Refund"),
        back=reverse("services:order_detail", args=[order.pk]),
    )
    if ask is not None:
        return ask
    return _act(
        request,
        pk,
        forms.RefundReasonForm(request.POST),
        lambda o, data: actions.order_refund(order_id=o.pk, actor=request.user, reason=data["reason"]),
        _("The refund was requested."),
    )


@login_required
@never_cache
@require_GET
def order_invoice(request: HttpRequest, pk: int) -> HttpResponse:
    """The invoice PDF of a paid order: its client and the staff who see the order (a client's
    other orders, and orders not paid, are a 404)."""
    from services.reports import invoice_number, invoice_pdf

    order = _order(request, pk)
    if not permissions.can_view_invoice(request.user, order):
        raise Http404
    response = HttpResponse(invoice_pdf(order), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{invoice_number(order)}.pdf"'
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response
