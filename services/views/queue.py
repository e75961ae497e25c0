"""The staff work queue and its CSV export."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from office.access import staff_required
from office.exports import csv_response
from office.money import to_major
from office.page_cache import cached_page
from services import permissions, selectors


@staff_required
@require_GET
@cached_page("services", "payments")  # its statistics aggregate every delivered order of the unit
def queue(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_queue(request.user):
        raise PermissionDenied
    return render(request, "services/queue.html", selectors.queue_for(user=request.user))


@staff_required
@require_GET
def queue_export(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_queue(request.user):
        raise PermissionDenied
    header = [_("Number"), _("Service"), _("Client"), _("Topic"), _("Status"), _("Price"), _("Due date"),
              _("Assigned to"), _("Requested"), _("Delivered"), _("Rating")]  # fmt: skip
    rows = (
        [
            order.number,
            order.offering.name,
            order.client.display_name,
            order.topic,
            order.get_status_display(),
            None if order.quoted_amount_minor is None else to_major(order.quoted_amount_minor, order.currency),
            order.due_date,
            selectors.staff_name(order.assignee) if order.assignee else "",
            order.created_at.date(),
            order.delivered_at.date() if order.delivered_at else "",
            order.rating or "",
        ]
        for order in selectors.order_list(user=request.user).order_by("pk")
    )
    return csv_response("service-orders.csv", header, rows)
