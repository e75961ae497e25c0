"""Small helpers the storefront views share: the seller guard, where a checkout leads, paging."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest

from marketing.store import permissions
from marketing.store.models import StoreOrder
from payments.models import Payment

PAGE_SIZE = 25


def seller_required(request: HttpRequest) -> None:
    if not request.user.is_authenticated or not permissions.is_seller(request.user):
        raise PermissionDenied


def after_checkout(order: StoreOrder | Payment) -> tuple[str, int]:
    if isinstance(order, Payment):
        return ("payments:payment_checkout", order.pk)
    return ("store:order_detail", order.pk)


def paginate(request: HttpRequest, rows: Any) -> Any:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
