"""The services' entries in "My tasks": what a client or a staff member has to do."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from office.access import client_account, is_head_of, staff_profile
from office.inbox import InboxItem
from services.models import Offering, ServiceOrder
from services.querysets import staff_order_scope

Status = ServiceOrder.Status


def inbox_items(user: Any) -> list[InboxItem]:
    """ "My tasks": quotes to answer and orders to pay or confirm (clients); orders to quote,
    assign or work on (staff)."""
    items: list[InboxItem] = []
    url = reverse("services:order_list")
    if client_account(user) is not None:
        # A fixed-price order quoted at the list price is to pay, not a quote to answer.
        list_price = Q(status=Status.QUOTED, quoted_by__isnull=True, offering__pricing=Offering.Pricing.FIXED)
        counts = ServiceOrder.objects.of_client(user).aggregate(
            **{
                Status.QUOTED: Count("pk", filter=Q(status=Status.QUOTED) & ~list_price),
                Status.ACCEPTED: Count("pk", filter=Q(status=Status.ACCEPTED) | list_price),
                Status.DELIVERED: Count("pk", filter=Q(status=Status.DELIVERED)),
            }
        )
        for status, title in (
            (Status.QUOTED, _("Quotes waiting for your answer")),
            (Status.ACCEPTED, _("Service orders to pay")),
            (Status.DELIVERED, _("Deliveries to confirm and rate")),
        ):
            if counts[status]:
                items.append(
                    InboxItem(title=str(title), url=f"{url}?status={status}", count=counts[status], kind="request")
                )
    items += _payments_due(user)
    profile = staff_profile(user)
    scope = staff_order_scope(user)
    if profile is not None and scope is not None and profile.organization.is_home:
        queue = reverse("services:queue")
        heads = is_head_of(user, profile.department) or profile.position.role == "director"
        mine_q = Q(assignee=user, status__in=[Status.ASSIGNED, Status.IN_PROGRESS])
        counts = ServiceOrder.objects.filter(scope | mine_q).aggregate(  # one query for the three counts
            to_quote=Count("pk", filter=scope & Q(status__in=[Status.REQUESTED, Status.DECLINED])),
            to_assign=Count("pk", filter=scope & Q(status=Status.PAID)),
            mine=Count("pk", filter=mine_q),
        )
        if counts["to_quote"]:
            items.append(
                InboxItem(title=str(_("Service orders to quote")), url=queue, count=counts["to_quote"], kind="task")
            )
        if heads and counts["to_assign"]:
            items.append(
                InboxItem(title=str(_("Paid orders to assign")), url=queue, count=counts["to_assign"], kind="approval")
            )
        if counts["mine"]:
            items.append(
                InboxItem(
                    title=str(_("Service orders assigned to me")),
                    url=f"{url}?mine=1",
                    count=counts["mine"],
                    kind="task",
                )
            )
    return items


def _payments_due(user: Any) -> list[InboxItem]:
    """Open payment requests (a deposit, a fee) addressed to `user`: "%(what)s: %(amount)s due"."""
    from office.money import format_money
    from payments.selectors import payment_request_list_open_for

    return [
        InboxItem(
            title=_("%(what)s: %(amount)s due")
            % {"what": item.description, "amount": format_money(item.amount_minor, item.currency)},
            url=reverse("payments:payment_list_mine"),
            count=1,
            kind="request",
        )
        for item in payment_request_list_open_for(user=user)[:10]
    ]
