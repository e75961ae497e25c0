"""The offerings of the catalog, and the orders a user sees: lists, views, search, one order's
progress. Everything starts from `visible_to(user)`."""

from __future__ import annotations

from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from office.access import is_home_staff, staff_profile
from services.models import Offering, OrderFile, ServiceOrder
from services.querysets import staff_order_scope

Status = ServiceOrder.Status


def offering_list(*, kind: str = "") -> QuerySet[Offering]:
    qs = Offering.objects.active().select_related("department")
    return qs.filter(kind=kind) if kind else qs


def order_list(*, user: Any, status: str = "") -> QuerySet[ServiceOrder]:
    # The assignee's profile too: the list shows their name (services.templatetags.people).
    qs = ServiceOrder.objects.visible_to(user).select_related(
        "offering", "department", "client", "assignee__staff_profile"
    )
    return qs.filter(status=status) if status else qs


# The staff views of the order list (Odoo Helpdesk's "my work" / by stage); clients see all theirs.
ORDER_VIEWS = ("mine", "in_progress", "open", "closed")


def order_views(*, user: Any) -> list[tuple[str, str]]:
    """The views the order list offers `user`: (key, label); none for a client."""
    if staff_profile(user) is None:
        return []
    return [
        ("", _("All")),
        ("mine", _("Assigned to me")),
        ("in_progress", _("In progress")),
        ("open", _("Waiting for a quote or payment")),
        ("closed", _("Closed")),
    ]


def order_search(*, user: Any, status: str = "", view: str = "", query: str = "") -> QuerySet[ServiceOrder]:
    """The orders `user` sees, in one view (ORDER_VIEWS), with one status, matching `query`
    (number, topic, keywords, client's name or organisation), newest first."""
    qs = order_list(user=user, status=status)
    if view == "mine":
        qs = qs.filter(assignee=user).exclude(status__in=ServiceOrder.CLOSED)
    elif view == "in_progress":
        qs = qs.filter(status__in=ServiceOrder.ACTIVE)
    elif view == "open":
        qs = qs.filter(status__in=ServiceOrder.OPEN)
    elif view == "closed":
        qs = qs.filter(status__in=ServiceOrder.CLOSED)
    if query:
        qs = qs.filter(
            Q(number__icontains=query)
            | Q(topic__icontains=query)
            | Q(keywords__icontains=query)
            | Q(client__display_name__icontains=query)
            | Q(client__organisation_name__icontains=query)
        )
    return qs


# The steps a client sees on its order (the thank-you page and the order page).
PROGRESS_STEPS = (
    (Status.REQUESTED, gettext_lazy("Ordered")),
    (Status.PAID, gettext_lazy("Paid")),
    (Status.ASSIGNED, gettext_lazy("Assigned")),
    (Status.IN_PROGRESS, gettext_lazy("In progress")),
    (Status.DELIVERED, gettext_lazy("Delivered")),
    (Status.COMPLETED, gettext_lazy("Completed")),
)

_STEP_OF = {
    Status.REQUESTED: 0,
    Status.QUOTED: 0,
    Status.DECLINED: 0,
    Status.ACCEPTED: 0,
    Status.PAID: 1,
    Status.ASSIGNED: 2,
    Status.IN_PROGRESS: 3,
    Status.DELIVERED: 4,
    Status.COMPLETED: 5,
}


def order_progress(order: ServiceOrder) -> list[dict[str, Any]]:
    """The order's steps, each done, current or to come; empty for a closed order that ended
    early (cancelled, refunded)."""
    if order.status not in _STEP_OF:
        return []
    current = _STEP_OF[order.status]
    return [
        {"label": str(label), "done": i < current or order.status == Status.COMPLETED, "current": i == current}
        for i, (_status, label) in enumerate(PROGRESS_STEPS)
    ]


def is_list_price_quote(order: ServiceOrder) -> bool:
    """A fixed-price order quoted at once at the list price (nobody quoted it): the client
    pays it straight away instead of accepting a quote first (`actions.order_checkout`)."""
    return order.status == Status.QUOTED and order.quoted_by_id is None and order.offering.pricing == "fixed"


def order_get(*, user: Any, pk: int) -> ServiceOrder:
    """The order if `user` may see it, else `ServiceOrder.DoesNotExist` (the view's 404); its
    report joined, and whether `user` works on it read in the same query (the page's can_*
    flags ask `permissions.works_on` several times: issue 18)."""
    qs = order_list(user=user).select_related("report")
    scope = staff_order_scope(user)
    if scope is None or not is_home_staff(user):
        return qs.get(pk=pk)
    order = qs.annotate(works_on_flag=ExpressionWrapper(scope, output_field=BooleanField())).get(pk=pk)
    order.works_on_for = (user.pk, order.works_on_flag)
    return order


def order_files(*, order: ServiceOrder, user: Any) -> QuerySet[OrderFile]:
    return order.files.select_related(*_person_fields("uploaded_by")).order_by("created_at", "pk")


def _person_fields(field: str) -> tuple[str, str]:
    """What `person_name` reads of a user in `field`: joined, not one query per row."""
    return f"{field}__staff_profile", f"{field}__client_account"
