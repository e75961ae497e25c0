"""Read functions the views call. Every one starts from `visible_to(user)`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Min, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from office.access import Role, is_director, staff_profile, unit_head_ids
from office.models import Budget, StaffProfile
from payments.models import Payment
from procurement.models import CartLine, Deputy, Licence, PurchaseOrder, PurchaseRequest, VendorItem
from procurement.querysets import approver_department_ids


def catalog_search(
    *,
    user: Any,
    q: str = "",
    vendor: str = "",
    kind: str = "",
    fmt: str = "",
    price_min: int | None = None,
    price_max: int | None = None,
    available_only: bool = False,
) -> QuerySet[VendorItem]:
    qs = VendorItem.objects.visible_to(user).filter(vendor__is_active=True).select_related("vendor").search(q)
    if vendor.isdigit():
        qs = qs.filter(vendor_id=int(vendor))
    if kind in VendorItem.Kind.values:
        qs = qs.filter(kind=kind)
    if fmt in VendorItem.Format.values:
        qs = qs.filter(format=fmt)
    if price_min is not None:
        qs = qs.filter(price_minor__gte=price_min)
    if price_max is not None:
        qs = qs.filter(price_minor__lte=price_max)
    if available_only:
        qs = qs.filter(available=True)
    return qs.order_by("title", "price_minor")


def isbn_offer_counts(*, user: Any, isbns: list[str]) -> dict[str, int]:
    isbns = [i for i in isbns if i]
    if not isbns:
        return {}
    rows = (
        VendorItem.objects.visible_to(user)
        .filter(isbn__in=isbns, vendor__is_active=True)
        .values("isbn")
        .annotate(n=Count("vendor", distinct=True))
    )
    return {row["isbn"]: row["n"] for row in rows}


def price_comparison(*, user: Any, isbn: str) -> QuerySet[VendorItem]:
    """Every offer of the same ISBN/ISSN across the office's vendors, cheapest first."""
    if not isbn:
        return VendorItem.objects.none()
    return (
        VendorItem.objects.visible_to(user)
        .filter(isbn=isbn, vendor__is_active=True)
        .select_related("vendor")
        .order_by("-available", "price_minor", "vendor__name")
    )


def request_list(
    *, user: Any, status: str = "", scope: str = "", department_id: int | None = None
) -> QuerySet[PurchaseRequest]:
    # The list shows the requester's name (person_name): joined, not one query per row.
    qs = PurchaseRequest.objects.visible_to(user).select_related(
        "requester__staff_profile", "requester__client_account", "department", "budget"
    )
    if scope == "mine":
        qs = qs.filter(requester=user)
    if department_id is not None:  # a unit and its groups (the dashboard drills down here)
        qs = qs.filter(Q(department_id=department_id) | Q(department__parent_id=department_id))
    if status in PurchaseRequest.Status.values:
        qs = qs.filter(status=status)
    return qs


def approvals_waiting_queryset(*, user: Any) -> QuerySet[PurchaseRequest]:
    """The pending requests whose current stage `user` decides (`permissions.can_approve`), in
    one query: the director decides both stages of their office's requests; a head the
    first stage of their unit and its groups, a deputy (while the period runs) that of the
    unit they stand in for and its groups: `approver_department_ids`, memoised per request
    with the deputies and the unit tree. Nobody decides on their own request."""
    profile = staff_profile(user)
    if profile is None:
        return PurchaseRequest.objects.none()
    if is_director(user):
        stage = Q(status__in=[PurchaseRequest.Status.SUBMITTED, PurchaseRequest.Status.HEAD_APPROVED])
    else:
        units = approver_department_ids(user)
        if not units:
            return PurchaseRequest.objects.none()
        stage = Q(status=PurchaseRequest.Status.SUBMITTED, department_id__in=units)
    qs = (
        PurchaseRequest.objects.visible_to(user)
        .filter(stage)
        .exclude(requester=user)
        .select_related("requester__staff_profile", "requester__client_account", "department", "budget")
        .order_by("submitted_at", "pk")
    )
    return qs


def approvals_waiting(*, user: Any) -> list[PurchaseRequest]:
    """`approvals_waiting_queryset` as a list (the inbox pages it, the task box counts it)."""
    return list(approvals_waiting_queryset(user=user))


def my_open_requests(*, user: Any) -> QuerySet[PurchaseRequest]:
    return PurchaseRequest.objects.visible_to(user).filter(
        requester=user, status__in=["draft", "submitted", "head_approved", "returned", "approved"]
    )


def order_list(*, user: Any, status: str = "", late: bool = False) -> QuerySet[PurchaseOrder]:
    qs = PurchaseOrder.objects.visible_to(user).select_related("vendor", "request", "request__requester")
    if status == "open":
        qs = qs.open()
    elif status in PurchaseOrder.Status.values:
        qs = qs.filter(status=status)
    if late:
        qs = qs.filter(late_flagged_at__isnull=False).open()
    return qs


@dataclass(frozen=True)
class Match:
    """Three-way match of an order: what was ordered, what arrived, what the vendor invoiced."""

    ordered_minor: int
    received_minor: int
    invoiced_minor: int | None
    paid_minor: int

    @property
    def receipt_difference(self) -> int:
        return self.received_minor - self.ordered_minor

    @property
    def invoice_difference(self) -> int | None:
        return None if self.invoiced_minor is None else self.invoiced_minor - self.received_minor

    @property
    def matches(self) -> bool:
        return self.receipt_difference == 0 and self.invoice_difference == 0


def three_way_match(order: PurchaseOrder) -> Match:
    lines = list(order.lines.all())
    invoice = getattr(order, "invoice", None) if hasattr(order, "invoice") else None
    return Match(
        ordered_minor=sum(line.line_total_minor for line in lines),
        received_minor=sum(line.received_quantity * line.unit_price_minor for line in lines),
        invoiced_minor=invoice.amount_minor if invoice else None,
        paid_minor=order.spent_minor,
    )


def spending_orders(*, user: Any, year: int | None = None) -> QuerySet[PurchaseOrder]:
    """Paid orders the user may report on: leadership the whole office, heads their units."""
    qs = PurchaseOrder.objects.visible_to(user).filter(paid_at__isnull=False)
    if year:
        qs = qs.filter(paid_at__year=year)
    return qs


def spending_report(*, user: Any, year: int | None = None) -> dict[str, list[dict[str, Any]]]:
    qs = spending_orders(user=user, year=year)
    by_department = list(
        qs.values("request__department__name", "request__department__name_zh")
        .annotate(total=Sum("spent_minor"), orders=Count("pk"))
        .order_by("-total")
    )
    by_vendor = list(
        qs.values("vendor__name", "vendor__name_zh")
        .annotate(total=Sum("spent_minor"), orders=Count("pk"))
        .order_by("-total")
    )
    by_month = list(
        qs.annotate(month=TruncMonth("paid_at"))
        .values("month")
        .annotate(total=Sum("spent_minor"), orders=Count("pk"))
        .order_by("month")
    )
    return {"department": by_department, "vendor": by_vendor, "month": by_month}


def cheapest_price(*, user: Any, isbn: str) -> int | None:
    return VendorItem.objects.visible_to(user).filter(isbn=isbn).aggregate(m=Min("price_minor"))["m"]


def cart_contents(*, user: Any) -> dict[str, Any]:
    """The user's cart: its lines with their items, and the total in minor units."""
    lines = list(CartLine.objects.filter(user=user).select_related("item", "item__vendor"))
    return {"lines": lines, "total": sum(line.quantity * line.item.price_minor for line in lines)}


def purchase_order_payment(*, user: Any, order: PurchaseOrder) -> Payment | None:
    """The payment the order page shows: the first of the order's payments the user may see
    that was not cancelled."""
    # Imported here: the actions package imports this module (who decides, who is reminded).
    from procurement.actions.order_payment import PURCHASE_ORDER_PURPOSE

    return (
        Payment.objects.visible_to(user)
        .filter(purpose_type=PURCHASE_ORDER_PURPOSE, purpose_id=str(order.pk))
        .exclude(status=Payment.Status.CANCELLED)
        .first()
    )


def budgets_for_requester(user: Any) -> QuerySet[Budget]:
    """The budget lines a staff member may charge: their own unit's, current and next year."""
    profile = staff_profile(user)
    if profile is None:
        return Budget.objects.none()
    year = timezone.localdate().year
    return Budget.objects.filter(department_id=profile.department_id, fiscal_year__in=[year, year + 1])


# --- who hears about what (read by the actions) ------------------------------------------------


def purchase_request_head_approver_ids(pr: PurchaseRequest) -> set[int]:
    """The active heads of the request's unit and of the units above it, and the active
    deputies of those units; the director when the unit has no head. Never the requester."""
    ids = set(unit_head_ids(pr.department))
    units = [pr.department_id]
    if pr.department.parent_id:
        units.append(pr.department.parent_id)
    today = timezone.localdate()
    ids |= set(
        Deputy.objects.filter(department_id__in=units, starts_on__lte=today, ends_on__gte=today).values_list(
            "deputy_id", flat=True
        )
    )
    if not ids:  # a unit without a head: the director decides
        ids = purchase_request_director_ids(pr)
    return ids - {pr.requester_id}


def purchase_request_director_ids(pr: PurchaseRequest) -> set[int]:
    """The directors of the request's office, except the requester."""
    return set(
        StaffProfile.objects.filter(organization_id=pr.organization_id, position__role=Role.DIRECTOR).values_list(
            "user_id", flat=True
        )
    ) - {pr.requester_id}


def licence_reminder_recipient_ids(licence: Licence) -> set[int]:
    """Who is reminded of a licence's end: the office's director and business assistants."""
    return set(
        StaffProfile.objects.filter(
            organization_id=licence.organization_id, position__role__in=[Role.DIRECTOR, Role.BUSINESS_ASSISTANT]
        ).values_list("user_id", flat=True)
    )
