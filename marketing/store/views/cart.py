"""The buyer's cart and checkout."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from marketing.store import actions, forms, permissions, pricing, selectors
from marketing.store.models import StoreOrder
from marketing.store.views.common import after_checkout
from office.views_support import run_action
from payments.models import Payment


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
        redirect_to=after_checkout,
        failure_redirect_to="store:cart",
        invalid_message=_("The checkout form is out of date; open the cart again."),
    )
