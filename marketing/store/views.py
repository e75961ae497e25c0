"""Storefront pages: public product pages, the buyer's cart, orders and licences, the selling
unit's sales pages, and the public certificate check. Writes go through `actions`."""

from __future__ import annotations

import json
import secrets
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from marketing import analytics
from marketing.store import actions, forms, permissions, pricing, selectors
from marketing.store.models import Certificate, Grant, Product, StoreOrder
from office.exceptions import DomainError
from office.listing import sorted_by
from office.models import localized
from office.money import to_major
from office.ratelimit import client_ip, ip_allows
from office.views_support import run_action
from payments.models import Payment

DOWNLOAD_SALT = "store.download"


def _seller_required(request: HttpRequest) -> None:
    if not request.user.is_authenticated:
        raise PermissionDenied
    if not permissions.is_seller(request.user):
        raise PermissionDenied


# --- public ---------------------------------------------------------------------------------


@require_GET
def product_list(request: HttpRequest) -> HttpResponse:
    buyer_type = permissions.buyer_type_for(request.user)
    products = []
    for product in selectors.published_products():
        prices = [selectors.lowest_price(option, buyer_type) for option in product.options.all() if option.active]
        prices = [p for p in prices if p is not None]
        products.append((product, min(prices, key=lambda p: p.unit_minor) if prices else None))
    return render(request, "store/product_list.html", {"products": products})


def product_json_ld(request: HttpRequest, product: Product, offers: list[tuple[Any, Any]]) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": localized(product, "name"),
        "description": localized(product, "summary"),
        "sku": product.slug,
        "category": product.get_kind_display(),
        "url": request.build_absolute_uri(),
        "offers": [
            {
                "@type": "Offer",
                "name": localized(option, "name"),
                "price": str(to_major(price.unit_minor, price.currency)),
                "priceCurrency": price.currency,
                "availability": "https://schema.org/InStock",
            }
            for option, price in offers
            if price is not None
        ],
    }
    if product.cover:
        data["image"] = request.build_absolute_uri(reverse("store:product_file", args=[product.slug, "cover"]))
    text = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
    return mark_safe(text)  # noqa: S308 (JSON with < and > escaped)


@require_GET
def product_detail(request: HttpRequest, slug: str) -> HttpResponse:
    product = selectors.published_products().filter(slug=slug).first()
    preview = False
    if product is None:  # the selling unit previews an unpublished product; anyone else: 404
        product = get_object_or_404(Product.objects.prefetch_related("options", "options__prices"), slug=slug)
        if not (request.user.is_authenticated and permissions.can_edit_product(request.user, product)):
            raise Http404
        preview = True
    if not preview:  # the seller's own preview is not a visitor's view
        analytics.record_view(request, "product", product.slug)  # view → order (marketing dashboard)
    buyer_type = permissions.buyer_type_for(request.user)
    options = [option for option in product.options.all() if option.active]
    offers = [(option, selectors.lowest_price(option, buyer_type)) for option in options]
    tiers = {
        option.pk: [p for p in option.prices.all() if p.buyer_type == (buyer_type or "individual")]
        for option in options
    }
    context = {
        "product": product,
        "offers": [(option, price, tiers[option.pk]) for option, price in offers],
        "can_buy": buyer_type is not None,
        "is_office": buyer_type == "member",
        "form": forms.CartAddForm(),
        "tax_percent": pricing.tax_rate_bp() / 100,
        "json_ld": product_json_ld(request, product, offers),
        "preview": preview,
        "can_edit": request.user.is_authenticated and permissions.can_edit_product(request.user, product),
    }
    return render(request, "store/product_detail.html", context)


@require_GET
def product_file(request: HttpRequest, slug: str, which: str) -> FileResponse:
    """A published product's cover or sample: public by intent; nothing else is served here."""
    product = get_object_or_404(Product, slug=slug)
    if not product.published and not (
        request.user.is_authenticated and permissions.can_edit_product(request.user, product)
    ):
        raise Http404
    field = {"cover": product.cover, "sample": product.sample}.get(which)
    if not field:
        raise Http404
    return FileResponse(field.open("rb"), as_attachment=which == "sample", filename=field.name.rsplit("/", 1)[-1])


@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public certificate check: valid or not, and for a valid one product, licensee and term."""
    if not ip_allows(request, "licence_verify"):
        return render(request, "429.html", status=429)
    certificate = (
        Certificate.objects.select_related("grant", "grant__product", "grant__option")
        .filter(verification_code=code.strip().upper()[:40])
        .first()
    )
    grant = certificate.grant if certificate else None
    valid = grant is not None and grant.usable_at()
    from marketing.store.pdf import grant_term

    context = {
        "code": code[:40],
        "found": certificate is not None,
        "valid": valid,
        "product": localized(grant.product, "name") if grant else "",
        "licensee": grant.licensee if grant else "",
        "term": grant_term(grant) if grant else "",
        "status": grant.get_status_display() if grant else "",
    }
    response = render(request, "store/verify.html", context, status=200 if certificate else 404)
    response["X-Robots-Tag"] = "noindex"
    return response


# --- the buyer ------------------------------------------------------------------------------


@login_required
@require_GET
def cart(request: HttpRequest) -> HttpResponse:
    if not permissions.can_buy(request.user):
        raise PermissionDenied
    view = selectors.cart_view(request.user)
    return render(
        request,
        "store/cart.html",
        {
            "view": view,
            "coupon_form": forms.CouponForm(
                initial={"code": view.cart.coupon.code if view.cart and view.cart.coupon else ""}
            ),
            "checkout_form": forms.CheckoutForm(
                initial={
                    "token": secrets.token_urlsafe(16),
                    **selectors.shipping_initial(request.user, request.session),
                }
            ),
            "needs_shipping": any(line.line.option.kind == "disc" for line in view.lines),
            "tax_percent": pricing.tax_rate_bp() / 100,
        },
    )


@login_required
@require_POST
def cart_add(request: HttpRequest, option_pk: int) -> HttpResponse:
    if not permissions.can_buy(request.user):
        raise PermissionDenied
    form = forms.CartAddForm(request.POST)
    return run_action(
        request,
        form,
        lambda data: actions.cart_add(actor=request.user, option_id=option_pk, **data),
        success=_("Added to your cart."),
        redirect_to="store:cart",
        failure_redirect_to="store:product_list",
    )


@login_required
@require_POST
def cart_remove(request: HttpRequest, pk: int) -> HttpResponse:
    if not permissions.can_buy(request.user):
        raise PermissionDenied
    return run_action(
        request,
        None,
        lambda data: actions.cart_remove(actor=request.user, line_id=pk),
        success=_("Removed from your cart."),
        redirect_to="store:cart",
    )


@login_required
@require_POST
def cart_coupon(request: HttpRequest) -> HttpResponse:
    if not permissions.can_buy(request.user):
        raise PermissionDenied
    return run_action(
        request,
        forms.CouponForm(request.POST),
        lambda data: actions.cart_apply_coupon(actor=request.user, code=data["code"]),
        success=_("Coupon updated."),
        redirect_to="store:cart",
    )


def _after_checkout(order: StoreOrder | Payment) -> tuple[str, int]:
    if isinstance(order, Payment):
        return ("payments:payment_checkout", order.pk)
    return ("store:order_detail", order.pk)


@login_required
@require_POST
def checkout(request: HttpRequest) -> HttpResponse:
    if not permissions.can_buy(request.user):
        raise PermissionDenied

    def act(data: dict[str, Any]) -> StoreOrder | Payment:
        from marketing.analytics import campaign_for
        from marketing.store.actions.shipping import SHIPPING_FIELDS

        shipping = {name: data.get(name) or "" for name in SHIPPING_FIELDS}
        if any(shipping.values()):  # typed again on the cart page if the checkout is refused
            request.session[selectors.SHIPPING_SESSION_KEY] = shipping
        order = actions.checkout(
            actor=request.user, token=data["token"], campaign=campaign_for(request), shipping=shipping
        )
        request.session.pop(selectors.SHIPPING_SESSION_KEY, None)
        if order.status == StoreOrder.Status.PENDING:
            return actions.order_pay(order_id=order.pk, actor=request.user)
        return order

    return run_action(
        request,
        forms.CheckoutForm(request.POST),
        act,
        success=lambda result: "" if isinstance(result, Payment) else _("Your purchase request was sent for approval."),
        redirect_to=_after_checkout,
        failure_redirect_to="store:cart",
        invalid_message=_("The checkout form is out of date; open the cart again."),
    )


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


@login_required
@require_GET
def grant_list(request: HttpRequest) -> HttpResponse:
    grants = selectors.grants_visible_to(request.user)
    if not permissions.can_buy(request.user) and not grants.exists():
        raise PermissionDenied
    return render(request, "store/grant_list.html", {"grants": grants[:200]})


def _grant_for(request: HttpRequest, pk: int) -> Grant:
    return get_object_or_404(selectors.grants_visible_to(request.user), pk=pk)


def download_token(grant: Grant, user: Any) -> str:
    return signing.TimestampSigner(salt=DOWNLOAD_SALT).sign_object({"g": grant.pk, "u": user.pk})


@login_required
@require_GET
def grant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    grant = _grant_for(request, pk)
    context = {
        "grant": grant,
        "download_url": reverse("store:download", args=[download_token(grant, request.user)])
        if grant.kind == "download" and grant.usable_at()
        else "",
        "downloads_left": max(0, grant.option.max_downloads - grant.downloads_used),
        "can_manage": permissions.can_manage_grant(request.user, grant)
        and grant.option.has_term
        and grant.status != Grant.Status.REVOKED,
        "upgrade_form": forms.UpgradeForm(),
    }
    return render(request, "store/grant_detail.html", context)


@login_required
@require_GET
def grant_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    grant = _grant_for(request, pk)
    from marketing.store.pdf import certificate_pdf

    response = HttpResponse(certificate_pdf(grant), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{grant.certificate.number}.pdf"'
    return response


@login_required
@require_POST
def grant_renew(request: HttpRequest, pk: int) -> HttpResponse:
    grant = _grant_for(request, pk)

    def act(data: dict[str, Any]) -> StoreOrder | Payment:
        order = actions.grant_renew(grant_id=grant.pk, actor=request.user)
        if order.status == StoreOrder.Status.PENDING:
            return actions.order_pay(order_id=order.pk, actor=request.user)
        return order

    return run_action(
        request,
        None,
        act,
        success="",
        redirect_to=_after_checkout,
        failure_redirect_to=("store:grant_detail", grant.pk),
    )


@login_required
@require_POST
def grant_upgrade(request: HttpRequest, pk: int) -> HttpResponse:
    grant = _grant_for(request, pk)

    def act(data: dict[str, Any]) -> StoreOrder | Payment:
        order = actions.grant_upgrade(grant_id=grant.pk, actor=request.user, extra_seats=data["extra_seats"])
        if order.status == StoreOrder.Status.PENDING:
            return actions.order_pay(order_id=order.pk, actor=request.user)
        return order

    return run_action(
        request,
        forms.UpgradeForm(request.POST),
        act,
        success="",
        redirect_to=_after_checkout,
        failure_redirect_to=("store:grant_detail", grant.pk),
    )


@login_required
@require_GET
def download(request: HttpRequest, token: str) -> HttpResponse:
    """A signed link: the signature names the grant and the user; it expires after the option's
    link days; every download is counted against the grant's limit."""
    try:
        payload = signing.TimestampSigner(salt=DOWNLOAD_SALT).unsign_object(token, max_age=60 * 60 * 24 * 31)
    except signing.BadSignature:
        raise Http404 from None
    grant = _grant_for(request, int(payload.get("g", 0)))
    if payload.get("u") != request.user.pk:
        raise Http404
    try:
        signing.TimestampSigner(salt=DOWNLOAD_SALT).unsign_object(token, max_age=86400 * grant.option.link_days)
    except signing.SignatureExpired:
        return render(
            request,
            "store/refused.html",
            {"message": _("This download link has expired; open the licence again for a new one.")},
            status=410,
        )
    try:
        grant = actions.grant_download(grant_id=grant.pk, actor=request.user)
    except DomainError as exc:
        return render(request, "store/refused.html", {"message": str(exc)}, status=403)
    name = grant.product.content.name.rsplit("/", 1)[-1]
    return FileResponse(grant.product.content.open("rb"), as_attachment=True, filename=name)


@login_required
@require_GET
def access(request: HttpRequest, pk: int) -> HttpResponse:
    """The online content of a product, for a user entitled by an online or transmission grant."""
    grant = _grant_for(request, pk)
    if not request.session.session_key:
        request.session.save()
    try:
        actions.access_enter(
            grant_id=grant.pk, actor=request.user, session_key=request.session.session_key, ip=client_ip(request)
        )
    except DomainError as exc:
        return render(request, "store/refused.html", {"message": str(exc)}, status=403)
    return render(request, "store/access.html", {"grant": grant, "product": grant.product})


# --- the selling unit -----------------------------------------------------------------------


@login_required
@require_GET
def sales(request: HttpRequest) -> HttpResponse:
    _seller_required(request)
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
    _seller_required(request)
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
    _seller_required(request)

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
    from django.core.paginator import Paginator

    from marketing.store.models import Coupon

    return Paginator(Coupon.objects.all(), 25).get_page(request.GET.get("page"))
