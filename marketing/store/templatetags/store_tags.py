from __future__ import annotations

from typing import Any

from django import template

from marketing.store import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def store_cart_count(context: dict[str, Any]) -> int:
    request = context.get("request")
    return selectors.cart_count(request.user) if request is not None else 0
