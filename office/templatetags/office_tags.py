"""Template helpers shared by every app: money, localized fields, Markdown, query strings."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from office.markdown import render_markdown
from office.models import localized as _localized
from office.money import format_money

register = template.Library()


@register.filter
def money(amount_minor: int | None, currency: str = "CNY") -> str:
    """`{{ budget.available_minor|money:budget.currency }}` → "¥1,234.50"."""
    if amount_minor is None:
        return ""
    return format_money(int(amount_minor), currency or "CNY")


@register.filter
def localized(obj: Any, field: str) -> str:
    """`{{ department|localized:"description" }}` picks the Chinese text in the Chinese UI."""
    return _localized(obj, field)


@register.filter
def markdown(text: str) -> SafeString:
    return render_markdown(text)


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters replaced (paging keeps the filters)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


STATE_CLASSES = {"green": "success", "amber": "warning", "red": "danger"}


@register.simple_tag
def state_badge(state: str) -> SafeString:
    labels = {"green": _("OK"), "amber": _("Attention"), "red": _("Failing")}
    return format_html(
        '<span class="badge text-bg-{} state-badge" data-state="{}">{}</span>',
        STATE_CLASSES.get(state, "secondary"),
        state,
        labels.get(state, state),
    )


@register.simple_tag(takes_context=True)
def nav_facts(context: template.Context) -> str:
    """`{% nav_facts %}` at the top of the navigation: what its entries ask about the user, read
    in one query (office/nav.py)."""
    from office.nav import prime

    request = context.get("request")
    if request is not None:
        prime(request.user)
    return ""
