"""Reads for the storefront's views and actions: the public catalogue, prices for a buyer,
the cart's quote, what a user may see, and the sales figures."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from marketing.store import permissions, pricing
from marketing.store.models import (
    Cart,
    CartLine,
    Coupon,
    Grant,
    LicenceOption,
    Price,
    Product,
    Shipment,
    StoreOrder,
    StoreOrderLine,
)
from office.access import staff_profile
from office.models import Organization, localized

PRICING_ERRORS = {
    "no_tier": gettext_noop("This licence is not sold to your kind of buyer."),
    "quantity": gettext_noop("The number of seats must be at least 1."),
    "coupon_expired": gettext_noop("This coupon is not valid today."),
    "coupon_used_up": gettext_noop("This coupon has been used up."),
    "coupon_currency": gettext_noop("This coupon is in another currency."),
    "empty": gettext_noop("Your cart is empty."),
    "currencies": gettext_noop("The cart holds prices in different currencies; buy them separately."),
    "seats": gettext_noop("Add at least one seat."),
    "term_over": gettext_noop("This licence's term is over; renew it instead."),
}


def pricing_message(error: pricing.PricingError) -> str:
    return _(PRICING_ERRORS.get(str(error), gettext_noop("This price cannot be given.")))


def published_products() -> QuerySet[Product]:
    return Product.objects.filter(published=True).prefetch_related("options", "options__prices")


def tiers_of(option: LicenceOption) -> list[pricing.Tier]:
    return [pricing.Tier(p.buyer_type, p.min_quantity, p.unit_minor, p.currency) for p in option.prices.all()]


def coupon_terms(coupon: Coupon) -> pricing.CouponTerms:
    return pricing.CouponTerms(
        coupon.percent_off,
        coupon.amount_off_minor,
        coupon.currency,
        coupon.valid_from,
        coupon.valid_until,
        coupon.max_uses,
        coupon.used_count,
        coupon.active,
    )


def lowest_price(option: LicenceOption, buyer_type: str | None) -> Price | None:
    """The base (quantity 1) price shown for a buyer type; anonymous visitors see the individual one."""
    wanted = buyer_type or "individual"
    rows = [p for p in option.prices.all() if p.buyer_type == wanted]
    return min(rows, key=lambda p: p.min_quantity) if rows else None


@dataclass
class PricedLine:
    line: Any  # CartLine
    unit_minor: int
    total_minor: int
    currency: str
    error: str = ""


@dataclass
class CartView:
    cart: Cart | None
    lines: list[PricedLine]
    quote: pricing.Quote | None
    error: str
    buyer_type: str | None


def price_line(option: LicenceOption, buyer_type: str, quantity: int) -> tuple[int, int, str]:
    tier = pricing.unit_price(tiers_of(option), buyer_type, quantity)
    return tier.unit_minor, pricing.line_total(tier.unit_minor, quantity), tier.currency


def cart_view(user: Any, *, today: datetime.date | None = None) -> CartView:
    """The cart with each line priced for the user and the order's figures (or why not)."""
    buyer_type = permissions.buyer_type_for(user)
    cart = Cart.objects.filter(user_id=user.pk).select_related("coupon").first()
    lines: list[PricedLine] = []
    if cart is not None:
        rows = CartLine.objects.filter(cart=cart).select_related("option", "option__product")
        for row in rows.prefetch_related("option__prices"):
            try:
                unit, total, currency = price_line(row.option, buyer_type or "", row.quantity)
                lines.append(PricedLine(row, unit, total, currency))
            except pricing.PricingError as exc:
                lines.append(PricedLine(row, 0, 0, "", pricing_message(exc)))
    error, quote = "", None
    if any(line.error for line in lines):
        error = _("Some lines cannot be priced for you; remove them first.")
    elif lines:
        try:
            quote = pricing.quote(
                [(line.total_minor, line.currency) for line in lines],
                coupon=coupon_terms(cart.coupon) if cart and cart.coupon else None,
                today=today or timezone.localdate(),
                rate_bp=pricing.tax_rate_bp(),
            )
        except pricing.PricingError as exc:
            error = pricing_message(exc)
    return CartView(cart, lines, quote, error, buyer_type)


CART_COUNT_MEMO = "store_cart_count"  # the navigation's badge, read once per request (office/nav.py)


def cart_lines(user: Any) -> QuerySet[CartLine]:
    return CartLine.objects.filter(cart__user_id=user.pk)


def cart_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return cart_lines(user).count()


def orders_visible_to(user: Any) -> QuerySet[StoreOrder]:
    """The buyer's own (and their office's); a seller's: the orders of their units' products
    (they hold buyers' addresses); leadership's: all."""
    units = permissions.selling_unit_ids(user)
    profile = staff_profile(user)
    q = Q(buyer_user_id=user.pk)
    if profile is not None:
        q |= Q(buyer_organization_id=profile.organization_id)
    if isinstance(units, QuerySet):  # the home leadership: every order once any unit sells
        return StoreOrder.objects.filter(q | Exists(units))
    if units:
        q |= Q(pk__in=StoreOrderLine.objects.filter(option__product__department_id__in=units).values("order_id"))
    return StoreOrder.objects.filter(q)


def grants_visible_to(user: Any) -> QuerySet[Grant]:
    profile = staff_profile(user)
    q = Q(holder_user_id=user.pk)
    if profile is not None:
        q |= Q(holder_organization_id=profile.organization_id)
    return Grant.objects.filter(q).select_related("product", "option", "certificate")


def seller_grants() -> QuerySet[Grant]:
    return Grant.objects.select_related("product", "option", "order")


def home_office() -> Organization | None:
    return Organization.objects.filter(is_home=True).first()


def revenue(*, year: int | None = None) -> dict[str, Any]:
    """Paid revenue (net of refunds: refunded orders left out) by product, buyer type and month."""
    lines = StoreOrderLine.objects.filter(order__status=StoreOrder.Status.PAID).select_related(
        "order", "option__product"
    )
    if year:
        lines = lines.filter(order__paid_at__year=year)
    by_product: dict[str, int] = defaultdict(int)
    by_buyer: dict[str, int] = defaultdict(int)
    by_month: dict[str, int] = defaultdict(int)
    rows = []
    for line in lines.order_by("order__paid_at", "pk"):
        order = line.order
        share = _line_share(line, order)
        month = timezone.localtime(order.paid_at).strftime("%Y-%m") if order.paid_at else ""
        product = localized(line.option.product, "name")
        by_product[product] += share
        by_buyer[order.get_buyer_type_display()] += share
        by_month[month] += share
        rows.append((month, order.number, product, order.get_buyer_type_display(), share, order.currency))
    return {
        "by_product": dict(by_product),
        "by_buyer": dict(by_buyer),
        "by_month": dict(sorted(by_month.items())),
        "rows": rows,
    }


def _line_share(line: StoreOrderLine, order: StoreOrder) -> int:
    """The line's part of the order total after the discount (spread pro rata)."""
    if not order.subtotal_minor:
        return 0
    return line.line_total_minor * order.total_minor // order.subtotal_minor


def renewals_due(days: int = 30) -> QuerySet[Grant]:
    now = timezone.now()
    return Grant.objects.filter(
        status=Grant.Status.ACTIVE, ends_at__isnull=False, ends_at__lte=now + datetime.timedelta(days=days)
    ).select_related("product")


def shipments_for_seller(user: Any) -> QuerySet[Shipment]:
    """The discs of the products the user sells, oldest first (the posting queue)."""
    units = [unit.pk for unit in permissions.selling_units(user)]
    return (
        Shipment.objects.filter(product__department_id__in=units)
        .select_related("order", "product", "line")
        .order_by("created_at", "pk")
    )


def shipment_counts(user: Any) -> dict[str, int]:
    rows = shipments_for_seller(user).order_by().values_list("status").annotate(n=Count("pk"))
    return {status: n for status, n in rows}


SHIPPING_SESSION_KEY = "store_shipping"


def shipping_initial(user: Any, session: Any) -> dict[str, str]:
    """The address the checkout form starts with: what the buyer typed last in this session
    (a refused checkout), else the address of their latest disc order."""
    typed = session.get(SHIPPING_SESSION_KEY)
    if typed:
        return dict(typed)
    last = (
        StoreOrder.objects.filter(buyer_user_id=user.pk)
        .exclude(ship_name="")
        .order_by("-pk")
        .values("ship_name", "ship_phone", "ship_address", "ship_postcode")
        .first()
    )
    return dict(last or {})
