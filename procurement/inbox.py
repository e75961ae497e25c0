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
    waiting = selectors.approvals_waiting_queryset(user=user).count()
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


def provider_items(user: Any) -> list[InboxItem]:
    """A provider's representative: one entry per consortium it answers for that is still in play."""
    from procurement.consortia.models import Consortium
    from procurement.consortia.querysets import provider_vendor_ids

    vendors = provider_vendor_ids(user)
    if not vendors:
        return []
    in_play = [
        Consortium.Status.NEGOTIATING,
        Consortium.Status.AGREED,
        Consortium.Status.CONTRACTING,
    ]
    consortia = Consortium.objects.filter(vendor_id__in=vendors, status__in=in_play).order_by("name")
    return [
        InboxItem(
            title=_("Consortium: %(name)s (%(state)s)") % {"name": c.name, "state": c.get_status_display()},
            url=reverse("procurement:negotiation_room", args=[c.pk])
            if c.status == Consortium.Status.NEGOTIATING
            else reverse("procurement:consortium_detail", args=[c.pk]),
            kind="task",
        )
        for c in consortia
    ]
