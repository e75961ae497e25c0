"""The selling unit's sales figures, the revenue CSV, and coupons."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from marketing.store import actions, forms, selectors
from marketing.store.models import Coupon, Product
from marketing.store.views.common import paginate, seller_required
from office.money import to_major
from office.views_support import run_action


@login_required
@require_GET
def sales(request: HttpRequest) -> HttpResponse:
    seller_required(request)
    year = int(request.GET.get("year") or timezone.localdate().year)
    figures = selectors.revenue(year=year)
    chart = {
        "product": {"labels": list(figures["by_product"]), "values": [v / 100 for v in figures["by_product"].values()]},
        "buyer": {"labels": list(figures["by_buyer"]), "values": [v / 100 for v in figures["by_buyer"].values()]},
        "month": {"labels": list(figures["by_month"]), "values": [v / 100 for v in figures["by_month"].values()]},
    }
    context = {
        "year": year,
        "orders": selectors.orders_visible_to(request.user)
        .select_related("buyer_organization")
        .order_by("-created_at")[:100],
        "grants": selectors.seller_grants().order_by("-created_at")[:100],
        "renewals": selectors.renewals_due(),
        "figures": figures,
        "chart": chart,
        "products": Product.objects.all(),
        "shipment_counts": selectors.shipment_counts(request.user),
    }
    return render(request, "store/sales.html", context)


@login_required
@require_GET
def sales_csv(request: HttpRequest) -> HttpResponse:
    seller_required(request)
    from office.exports import csv_response

    year = int(request.GET.get("year") or timezone.localdate().year)
    rows = selectors.revenue(year=year)["rows"]
    return csv_response(
        f"store-revenue-{year}.csv",
        [_("Month"), _("Order"), _("Product"), _("Buyer type"), _("Amount"), _("Currency")],
        [(m, n, p, b, to_major(a, c), c) for m, n, p, b, a, c in rows],
    )


@login_required
def coupon_list(request: HttpRequest) -> HttpResponse:
    seller_required(request)

    form = forms.CouponCreateForm(request.POST or None)
    if request.method == "POST":
        return run_action(
            request,
            form,
            lambda data: actions.coupon_create(actor=request.user, **data),
            success=_("Coupon created."),
            redirect_to="store:coupon_list",
            template="store/coupon_list.html",
            template_context=lambda: {"page": _coupon_page(request)},
        )
    return render(
        request, "store/coupon_list.html", {"form": form, "page": _coupon_page(request), "lang": get_language()}
    )


def _coupon_page(request: HttpRequest) -> Any:
    return paginate(request, Coupon.objects.all())


@login_required
def coupon_edit(request: HttpRequest, pk: int) -> HttpResponse:
    seller_required(request)
    coupon = get_object_or_404(Coupon, pk=pk)
    initial = {
        "campaign": coupon.campaign,
        "percent_off": coupon.percent_off,
        "amount_off_minor": coupon.amount_off_minor,
        "valid_from": coupon.valid_from,
        "valid_until": coupon.valid_until,
        "max_uses": coupon.max_uses,
        "active": coupon.active,
    }
    form = forms.CouponEditForm(request.POST or None, initial=initial)
    form.fields["amount_off_minor"].currency = coupon.currency
    context = {"form": form, "coupon": coupon}
    if request.method == "POST":
        return run_action(
            request,
            form,
            lambda data: actions.coupon_update(actor=request.user, coupon_id=coupon.pk, **data),
            success=_("Coupon saved."),
            redirect_to="store:coupon_list",
            template="store/coupon_form.html",
            template_context=context,
        )
    return render(request, "store/coupon_form.html", context)
