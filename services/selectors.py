"""Read functions the views call. Everything starts from `visible_to(user)`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Avg, BooleanField, Count, ExpressionWrapper, F, Q, QuerySet
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from office.access import Role, client_account, is_head_of, is_home_staff, staff_profile, unit_head_ids
from office.dashboard import batch
from office.inbox import InboxItem
from office.models import ClientAccount, Department, StaffProfile
from services import permissions
from services.models import (
    Consultation,
    DownloadLink,
    Offering,
    OrderFile,
    ServiceOrder,
    Subscription,
    TrainingRegistration,
    TrainingSession,
)
from services.querysets import staff_order_scope

if TYPE_CHECKING:
    from django.contrib.auth.models import User

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


# --- detail pages: what each shows and which buttons it draws (the views add the forms) --------


def order_detail_context(*, user: Any, order: ServiceOrder) -> dict[str, Any]:
    """The order page for `user`: internal notes and deliverables only for staff on the order,
    download links only for its client, and the can_* flags of its buttons."""
    is_client = permissions.is_order_client(user, order)
    works_on = permissions.works_on(user, order)
    files = list(order_files(order=order, user=user))
    order_messages = order.messages.select_related(*_person_fields("author"))
    if not works_on:
        order_messages = order_messages.filter(internal=False)
    report = getattr(order, "report", None)  # the reverse one-to-one raises AttributeError if none
    can_work = permissions.can_work(user, order) and works_on
    return {
        "order": order,
        "is_client": is_client,
        "works_on": works_on,
        "requirement_files": [f for f in files if f.kind == OrderFile.Kind.REQUIREMENT],
        "deliverables": [f for f in files if f.kind != OrderFile.Kind.REQUIREMENT] if works_on else [],
        "order_messages": order_messages,
        "deliveries": order.deliveries.select_related(*_person_fields("sent_by")).prefetch_related("files"),
        "links": DownloadLink.objects.filter(file__order=order, user=user).select_related("file") if is_client else [],
        "report": report,
        "can_quote": permissions.can_quote(user, order),
        "can_respond": permissions.can_respond_to_quote(user, order),
        "can_pay": permissions.can_pay(user, order),
        "can_cancel": permissions.can_cancel(user, order),
        "can_refund": permissions.can_refund(user, order),
        "can_assign": permissions.can_assign(user, order) and works_on,
        "can_start": permissions.can_start(user, order),
        "can_work": can_work,
        "can_issue_report": can_work and report is None and order.offering.kind == Offering.Kind.NOVELTY,
        "can_confirm": permissions.can_confirm(user, order),
        "can_view_invoice": permissions.can_view_invoice(user, order),
        "can_message": permissions.can_post_message(user, order),
        "can_log_work": permissions.can_log_work(user, order),
        "can_attach": permissions.can_attach(user, order),
    }


def subscription_detail_context(*, user: Any, subscription: Subscription) -> dict[str, Any]:
    """The subscription page: its periods and digests, the items waiting for the next digest
    (staff on it only), and what the user may do: pay the open period, renew once none is
    open, cancel (its client or the head of the providing unit), add items (staff on it)."""
    is_client = permissions.is_subscription_client(user, subscription)
    works_on = permissions.works_on_subscription(user, subscription)
    open_period = subscription.periods.filter(paid_at__isnull=True).first()
    active = subscription.status != Subscription.Status.CANCELLED
    return {
        "subscription": subscription,
        "periods": subscription.periods.all(),
        "digests": subscription.digests.all(),
        "pending_items": subscription.items.filter(digest__isnull=True) if works_on else [],
        "can_pay": is_client and active and open_period is not None,
        "can_renew": is_client and active and open_period is None,
        "can_cancel": active and (is_client or permissions.leads_department(user, subscription.offering.department)),
        "can_add_item": works_on and active,
    }


def training_detail_context(*, user: Any, session: TrainingSession) -> dict[str, Any]:
    """The session page: places taken and free, the user's own registration, and the list of
    registrations for whoever runs the session."""
    Reg = TrainingRegistration.Status
    registrations = session.registrations
    runs = user.is_authenticated and permissions.runs_training(user, session)
    mine = None
    if user.is_authenticated:
        mine = registrations.filter(user_id=user.pk).exclude(status=Reg.CANCELLED).first()
    counts = {s: registrations.filter(status=s).count() for s in (Reg.REGISTERED, Reg.WAITLISTED, Reg.ATTENDED)}
    return {
        "session": session,
        "mine": mine,
        "counts": counts,
        "free": max(session.capacity - counts[Reg.REGISTERED] - counts[Reg.ATTENDED], 0),
        "can_register": user.is_authenticated and mine is None and permissions.can_register_training(user, session),
        "registrations": registrations.select_related("user").exclude(status=Reg.CANCELLED) if runs else [],
        "runs": runs,
        "can_edit": user.is_authenticated and permissions.can_edit_training(user, session),
    }


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


def queue_for(*, user: Any) -> dict[str, Any]:
    """The staff work queue over the orders the user works with, and the statistics behind
    the charts (turnaround in days and ratings per service, completed orders only)."""
    orders = order_list(user=user)
    sections = [
        ("new", _("New requests"), orders.filter(status=Status.REQUESTED)),
        ("to_quote", _("To quote again (declined)"), orders.filter(status=Status.DECLINED)),
        ("to_pay", _("Waiting for the client"), orders.filter(status__in=[Status.QUOTED, Status.ACCEPTED])),
        ("to_assign", _("Paid, to assign"), orders.filter(status=Status.PAID)),
        ("due_soon", _("Due within three days"), orders.due_soon().order_by("due_date")),
        ("overdue", _("Overdue"), orders.overdue().order_by("due_date")),
    ]
    # One grouped query, however many orders were delivered: turnaround and rating per service
    # (grouped by the service's name, as the chart labels them; ratings are 1-5 or unset).
    delivered = (
        orders.filter(delivered_at__isnull=False)
        .values("offering__name")
        .annotate(n=Count("pk"), turnaround=Avg(F("delivered_at") - F("created_at")), rating=Avg("rating"))
        .order_by()
    )
    # The sections, the statistics and the departments' figures in one query (the dashboards'
    # batch: each read compiled as Django runs it alone, the rows built the same way).
    reads = {key: batch.instances(qs[:50]) for key, _title, qs in sections}
    reads["delivered"] = batch.rows(delivered)
    reads.update(_department_reads(user=user))
    data = batch.fetch(reads)
    stats = {row["offering__name"]: row for row in data["delivered"]}
    labels = sorted(stats)
    chart = {
        "labels": labels,
        "turnaround": [round(stats[k]["turnaround"].total_seconds() / 86400, 1) for k in labels],
        "rating": [round(stats[k]["rating"], 2) if stats[k]["rating"] is not None else None for k in labels],
        "counts": [stats[k]["n"] for k in labels],
    }
    rows = [
        {"label": label, "count": n, "turnaround": days, "rating": rating}
        for label, n, days, rating in zip(labels, chart["counts"], chart["turnaround"], chart["rating"], strict=True)
    ]
    return {
        "sections": [(key, title, data[key]) for key, title, _qs in sections],
        "chart": chart,
        "stats_rows": rows,
        "departments": _department_rows(data["department_rows"], data["answered"]),
    }


def _department_reads(*, user: Any) -> dict[str, Any]:
    rows = (
        order_list(user=user)
        .filter(status=Status.COMPLETED)
        .values("department__name", "department__name_zh")
        .annotate(n=Count("pk"), rating=Avg("rating"))
        .order_by("department__name")
    )
    answered = batch.aggregate(
        Consultation.objects.visible_to(user).filter(first_response_at__isnull=False),
        n=Count("pk"),
        wait=Avg(F("first_response_at") - F("created_at")),
    )
    return {"department_rows": batch.rows(rows), "answered": answered}


def _department_rows(rows: list[dict[str, Any]], answered: dict[str, Any]) -> list[dict[str, Any]]:
    zh = (get_language() or "").startswith("zh")
    result = [
        {
            "department": (zh and r["department__name_zh"]) or r["department__name"],
            "completed": r["n"],
            "rating": round(r["rating"] or 0, 2),
        }
        for r in rows
    ]
    if answered["n"]:
        result.append(
            {"department": str(_("Consultations: average first response (hours)")), "completed": answered["n"],
             "rating": round(answered["wait"].total_seconds() / 3600, 1)}
        )  # fmt: skip
    return result


# --- read work of the actions (services.actions): who is told, who may take the work ---------


def assignable_staff(order: ServiceOrder) -> QuerySet[StaffProfile]:
    """Active staff of the providing department and its groups (heads take work too). An
    offering provided by a group is staffed from the whole department above it."""
    department = order.department
    if department.kind == Department.Kind.GROUP and department.parent_id:
        department = department.parent
    return (
        StaffProfile.objects.filter(Q(department=department) | Q(department__parent=department))
        .filter(user__is_active=True, organization_id=department.organization_id)
        .select_related("user")
        .order_by("display_name")
    )


def least_loaded(order: ServiceOrder) -> User | None:
    """The staff member (not head) with the fewest open assigned orders; ties by user id."""
    candidates = assignable_staff(order).filter(position__role=Role.STAFF).values_list("user_id", flat=True)
    loads = (
        get_user_model()
        .objects.filter(pk__in=list(candidates))
        .annotate(
            load=Count(
                "assigned_service_orders",
                filter=Q(assigned_service_orders__status__in=[Status.ASSIGNED, Status.IN_PROGRESS]),
            )
        )
        .order_by("load", "pk")
    )
    return loads.first()


def reviewers_for(order: ServiceOrder) -> list[User]:
    """Who may sign off the order's formal report: the heads above the providing department
    and the directors of its organization."""
    ids = unit_head_ids(order.department)
    ids += list(
        StaffProfile.objects.filter(
            organization_id=order.department.organization_id, position__role=Role.DIRECTOR
        ).values_list("user_id", flat=True)
    )
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def staff_name(user: User) -> str:
    profile = staff_profile(user)
    return profile.display_name if profile else user.get_username()


def invoice_buyer_of(client: ClientAccount) -> dict[str, str]:
    """The buyer as an invoice names it, from the client's current invoice details."""
    return {
        "title": client.invoice_title or f"{client.display_name} {client.organisation_name}".strip(),
        "tax_id": client.tax_id,
        "address": client.postal_address,
    }


def consultation_department() -> Department:
    """Customer service answers consultations (DESIGN §3); the code is configurable."""
    code = settings.SERVICES_CONSULTATION_DEPARTMENT
    return Department.objects.get(organization__is_home=True, code=code)
