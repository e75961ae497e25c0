"""`{{ user|person_name }}`: a person's name as the lists show it (issue 20): the staff
profile's or client account's display name, the user name only for accounts with neither."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.exceptions import ObjectDoesNotExist

register = template.Library()


@register.filter
def person_name(user: Any) -> str:
    if user is None or not getattr(user, "pk", None):
        return ""
    for relation in ("staff_profile", "client_account"):
        try:
            name = getattr(user, relation).display_name
        except (ObjectDoesNotExist, AttributeError):
            continue
        if name:
            return name
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full or user.get_username()
