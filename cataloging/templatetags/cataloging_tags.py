"""Template helpers of the union catalog."""

from __future__ import annotations

from typing import Any

from django import template

from cataloging import classification, permissions

register = template.Library()


@register.simple_tag(takes_context=True)
def catalog_reviewer(context: dict[str, Any]) -> bool:
    """`{% catalog_reviewer as reviewer %}`: whether to show the review queue link."""
    request = context.get("request")
    return bool(request is not None and permissions.can_review(request.user))


@register.filter
def language_name(code: str) -> str:
    """A MARC language code as a name in the active language ("chi" → 中文)."""
    from cataloging.languages import language_name as name

    return name(code)


@register.filter
def clc_class(code: str) -> classification.MainClass | None:
    """`{{ "G"|clc_class }}`: the CLC main class of a letter (its names), or None."""
    return classification.CLC_BY_CODE.get(str(code)[:1].upper())
