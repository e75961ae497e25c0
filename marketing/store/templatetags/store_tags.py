from __future__ import annotations

from typing import Any

from django import template

from marketing.store import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def store_cart_count(context: dict[str, Any]) -> int:
    from office.access import memo

    request = context.get("request")
    if request is None:
        return 0
    # Memoised for the request: the navigation shows it twice (the "More" menu and the store's).
    return memo(request.user, selectors.CART_COUNT_MEMO, lambda: selectors.cart_count(request.user))


@register.simple_tag(takes_context=True)
def store_roles(context: dict[str, Any]) -> dict[str, bool]:
    """What the menu offers: buying (clients, member-office staff) and selling (the home office's
    product units and leadership); the home office's other staff only browse."""
    from marketing.store.permissions import can_buy, is_seller

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"buy": False, "sell": False}
    return {"buy": can_buy(user), "sell": is_seller(user)}
