"""Helpers the purchasing pages share: paging, and a request or an order the user may see (else 404)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from procurement.models import PurchaseOrder, PurchaseRequest


def paginate(request: HttpRequest, qs: Any, per_page: int = 25) -> Any:
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


def request_or_404(request: HttpRequest, pk: int) -> PurchaseRequest:
    return get_object_or_404(
        # The budget's unit (its name) and the requester's profile (person_name): joined, not read apart.
        PurchaseRequest.objects.visible_to(request.user).select_related(
            "department", "budget__department", "requester__staff_profile", "requester__client_account"
        ),
        pk=pk,
    )


def order_or_404(request: HttpRequest, pk: int) -> PurchaseOrder:
    return get_object_or_404(
        PurchaseOrder.objects.visible_to(request.user).select_related("vendor", "request", "organization"), pk=pk
    )
