"""Public storefront pages: products, their cover and sample files, the certificate check."""

from __future__ import annotations

import json
from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from marketing import analytics
from marketing.store import forms, permissions, pricing, selectors
from marketing.store.models import Certificate, Product
from office.models import localized
from office.money import to_major
from office.ratelimit import ip_allows


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
