"""The discs to post: the selling unit's queue, posting one, the buyer confirming delivery."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from marketing.store import actions, forms, selectors
from marketing.store.models import Shipment
from marketing.store.views.common import paginate, seller_required
from office.views_support import run_action


@login_required
@require_GET
def shipment_list(request: HttpRequest) -> HttpResponse:
    """Discs to post (default), posted, delivered or cancelled, oldest first: the queue."""
    seller_required(request)
    status = request.GET.get("status") or Shipment.Status.TO_SHIP
    if status not in Shipment.Status.values:
        status = Shipment.Status.TO_SHIP
    rows = selectors.shipments_for_seller(request.user).filter(status=status)
    counts = selectors.shipment_counts(request.user)
    if status != Shipment.Status.TO_SHIP:
        rows = rows.order_by("-updated_at", "-pk")
    context = {
        "page": paginate(request, rows),
        "status": status,
        "tabs": [(value, label, counts.get(value, 0)) for value, label in Shipment.Status.choices],
    }
    return render(request, "store/shipment_list.html", context)


@login_required
@require_POST
def shipment_ship(request: HttpRequest, pk: int) -> HttpResponse:
    seller_required(request)
    shipment = get_object_or_404(Shipment, pk=pk)
    return run_action(
        request,
        forms.ShipForm(request.POST),
        lambda data: actions.shipment_ship(actor=request.user, shipment_id=shipment.pk, **data),
        success=_("Marked as posted; the buyer has been told."),
        redirect_to="store:shipment_list",
    )


@login_required
@require_POST
def shipment_deliver(request: HttpRequest, pk: int) -> HttpResponse:
    """The buyer (or the selling unit) confirms the disc arrived."""
    shipment = get_object_or_404(Shipment.objects.filter(order__in=selectors.orders_visible_to(request.user)), pk=pk)
    return run_action(
        request,
        None,
        lambda data: actions.shipment_deliver(actor=request.user, shipment_id=shipment.pk),
        success=_("Marked as delivered."),
        redirect_to=("store:order_detail", shipment.order_id),
    )
