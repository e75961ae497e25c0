"""The storefront's products as a showcase source (marketing.showcase): the showcase, A–Z
index, search and sitemap list every published product."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from marketing import showcase
from marketing.store.models import Product


def _item(product: Product, language: str) -> showcase.Item:
    zh = language.startswith("zh")
    with override(language):
        url = reverse("store:product_detail", args=[product.slug])
        image = reverse("store:product_file", args=[product.slug, "cover"]) if product.cover else ""
    return showcase.Item(
        kind="product",
        key=product.slug,
        title=(product.name_zh if zh and product.name_zh else product.name),
        url=url,
        summary=(product.summary_zh if zh and product.summary_zh else product.summary),
        subjects=tuple(code.strip() for code in product.subjects.split(",") if code.strip()),
        updated=product.updated_at,
        image_url=image,
        schema_type="Product",
    )


def products(language: str) -> Iterable[showcase.Item]:
    return [_item(product, language) for product in Product.objects.filter(published=True).order_by("name")]


def search_products(query: str, language: str, limit: int) -> Iterable[showcase.Item]:
    query = query.strip()
    if not query:
        return []
    found = Product.objects.filter(published=True).filter(
        Q(name__icontains=query)
        | Q(name_zh__icontains=query)
        | Q(summary__icontains=query)
        | Q(summary_zh__icontains=query)
        | Q(description__icontains=query)
        | Q(description_zh__icontains=query)
    )
    return [_item(product, language) for product in found.order_by("name")[:limit]]


def register() -> None:
    showcase.register(
        showcase.Source(kind="product", label=_("Digital products"), items=products, search=search_products)
    )
