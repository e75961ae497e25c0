"""The buyer's cart: add a licence option (seats or copies, IP ranges for an office), remove a
line, apply or drop a coupon. Nothing is priced here for keeps: checkout prices again."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketing.store import permissions, pricing, selectors
from marketing.store.actions.common import check_max_seats, check_seats, normalize_ip_ranges
from marketing.store.models import BuyerType, Cart, CartLine, Coupon, LicenceOption
from office.exceptions import DomainError

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _cart(actor: User) -> Cart:
    cart, _created = Cart.objects.get_or_create(user=actor)
    return Cart.objects.select_for_update().get(pk=cart.pk)


@transaction.atomic
def cart_add(*, actor: User, option_id: int, quantity: Any = 1, ip_ranges: str = "") -> CartLine:
    """Put a licence option in the actor's cart (a second add replaces the seats and ranges).
    Refuses non-buyers, options not on sale or not sold to the buyer's kind, bad seats and
    IP ranges that are not ranges; IP ranges only on an office's online or transmission licence."""
    buyer_type = permissions.buyer_type_for(actor)
    if buyer_type is None:
        raise PermissionDenied(_("Only clients and member offices buy in the store."))
    option = LicenceOption.objects.filter(pk=option_id, active=True, product__published=True).first()
    if option is None:
        raise DomainError(_("This licence is not on sale."))
    if option.offices_only and buyer_type != BuyerType.MEMBER:
        raise DomainError(_("This licence is sold to member offices only."))
    seats = check_seats(quantity)
    if option.per_seat:
        check_max_seats(option, seats)
    ranges = normalize_ip_ranges(ip_ranges)
    if ranges and not (option.per_seat and buyer_type == BuyerType.MEMBER):
        raise DomainError(_("IP ranges are given only for an office's online or transmission licence."))
    if not ranges and option.ip_ranges_required and buyer_type == BuyerType.MEMBER:
        raise DomainError(_("Give the IP ranges your office's users come from; this licence is checked by address."))
    try:
        selectors.price_line(option, buyer_type, seats)
    except pricing.PricingError as exc:
        raise DomainError(selectors.pricing_message(exc)) from None
    cart = _cart(actor)
    line, created = CartLine.objects.get_or_create(
        cart=cart, option=option, defaults={"quantity": seats, "ip_ranges": ranges}
    )
    if not created:
        line.quantity, line.ip_ranges = seats, ranges
        line.save(update_fields=["quantity", "ip_ranges", "updated_at"])
    return line


@transaction.atomic
def cart_remove(*, actor: User, line_id: int) -> None:
    cart = _cart(actor)
    deleted, _rows = CartLine.objects.filter(cart=cart, pk=line_id).delete()
    if not deleted:
        raise DomainError(_("This line is not in your cart."))


@transaction.atomic
def cart_apply_coupon(*, actor: User, code: str) -> Cart:
    """Attach a coupon to the cart (an empty code removes it); refuses unknown, expired and
    used-up codes, with nothing changed."""
    if not permissions.can_buy(actor):
        raise PermissionDenied
    cart = _cart(actor)
    code = (code or "").strip().upper()
    if not code:
        cart.coupon = None
        cart.save(update_fields=["coupon", "updated_at"])
        return cart
    coupon = Coupon.objects.filter(code=code).first()
    if coupon is None:
        raise DomainError(_("There is no coupon with this code."))
    try:
        pricing.coupon_check(selectors.coupon_terms(coupon), today=timezone.localdate(), currency=coupon.currency)
    except pricing.PricingError as exc:
        raise DomainError(selectors.pricing_message(exc)) from None
    cart.coupon = coupon
    cart.save(update_fields=["coupon", "updated_at"])
    return cart
