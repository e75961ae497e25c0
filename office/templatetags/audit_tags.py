"""`{% audit_lines events as lines %}`: audit events as sentences in the reader's language
(office.audit_text), with the objects loaded once for the whole list."""

from __future__ import annotations

from typing import Any

from django import template

from office.audit_text import AuditLine, lines_for

register = template.Library()


@register.simple_tag(takes_context=True)
def audit_lines(context: template.Context, events: Any) -> list[AuditLine]:
    request = context.get("request")
    return lines_for(events, getattr(request, "user", None))
