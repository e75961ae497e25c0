"""Which customer-contact menu entries a user gets (the navigation shows only what opens)."""

from __future__ import annotations

from typing import Any

from django import template

from marketing.support import permissions

register = template.Library()


@register.simple_tag(takes_context=True)
def support_menu(context: Any) -> dict[str, bool]:
    user = getattr(context.get("request"), "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"console": permissions.can_use_console(user), "surveys": permissions.can_view_surveys(user)}
