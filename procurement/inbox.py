"""Purchasing on the intranet home's "my tasks" box: approvals waiting, my open requests."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from office.inbox import InboxItem


def purchasing_items(user: Any) -> list[InboxItem]:
    from procurement import selectors

    if not getattr(user, "is_authenticated", False):
        return []
    items = []
    waiting = len(selectors.approvals_waiting(user=user))
    if waiting:
        items.append(
            InboxItem(
                title=_("Purchase requests to approve"),
                url=reverse("procurement:approvals"),
                count=waiting,
                kind="approval",
            )
        )
    mine = selectors.my_open_requests(user=user).count()
    if mine:
        items.append(
            InboxItem(
                title=_("My purchase requests in progress"),
                url=reverse("procurement:request_list"),
                count=mine,
                kind="request",
            )
        )
    return items
