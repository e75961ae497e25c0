"""The cart: adding, changing, and checking out into a purchase request."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from office.access import staff_required
from office.exceptions import DomainError
from office.views_support import run_action
from procurement import actions, forms, selectors
from procurement.models import PurchaseRequest


@staff_required
@require_GET
def cart(request: HttpRequest) -> HttpResponse:
    context = selectors.cart_contents(user=request.user)
    context["form"] = forms.CheckoutForm(budgets=selectors.budgets_for_requester(request.user))
    return render(request, "procurement/cart.html", context)


@staff_required
@require_POST
def cart_add(request: HttpRequest) -> HttpResponse:
    back = request.POST.get("next") or ""
    return run_action(
        request,
        forms.CartAddForm(request.POST),
        lambda data: actions.cart_add(actor=request.user, item_id=data["item"], quantity=data["quantity"]),
        success=_("Added to your cart."),
        redirect_to=back if back.startswith("/procurement/") and "//" not in back else "procurement:cart",
        invalid_message=_("Enter a quantity between 1 and 10,000."),
    )


@staff_required
@require_POST
def cart_update(request: HttpRequest, pk: int) -> HttpResponse:
    return run_action(
        request,
        forms.QuantityForm(request.POST),
        lambda data: actions.cart_update(actor=request.user, line_id=pk, quantity=data["quantity"]),
        success=_("Cart updated."),
        redirect_to="procurement:cart",
        invalid_message=_("Enter a quantity between 0 and 10,000."),
    )


@staff_required
@require_POST
def cart_checkout(request: HttpRequest) -> HttpResponse:
    submit_now = request.POST.get("submit_now") == "1"
    return run_action(
        request,
        forms.CheckoutForm(request.POST, budgets=selectors.budgets_for_requester(request.user)),
        lambda data: _create_request(request, data, submit_now=submit_now),
        success=lambda pr: (
            _("Request %(reference)s submitted for approval.") % {"reference": pr.reference}
            if pr.status != PurchaseRequest.Status.DRAFT
            else _("Draft request created; check it and submit it.")
        ),
        redirect_to=lambda pr: ("procurement:request_detail", pr.pk),
        failure_redirect_to="procurement:cart",
        invalid_message=_("Choose a budget line and say why the items are needed."),
    )


def _create_request(request: HttpRequest, data: dict[str, Any], *, submit_now: bool) -> PurchaseRequest:
    """The cart as a draft request, submitted at once with "Save and submit". A refused
    submission leaves the draft (its page says why), never a lost cart."""
    pr = actions.purchase_request_create_from_cart(
        actor=request.user, budget_id=data["budget"].pk, justification=data["justification"]
    )
    if submit_now:
        try:
            pr = actions.purchase_request_submit(request_id=pr.pk, actor=request.user)
        except DomainError as exc:
            messages.error(request, str(exc))
            pr.refresh_from_db()
    return pr
