"""The seam to procurement's approval (no procurement file is changed):

An office order above the buyer's unit head's limit becomes a purchase request of the buyer's
unit, made the way procurement's own cart makes one (a draft request with price snapshots,
charged to the unit's budget line), and submitted with procurement's own action
(`purchase_request_submit`), so the head and, above the limit, the director decide in the
approvals inbox as for any purchase. The home office's storefront is a vendor in the buyer's
office (one per office, created here; its catalog items are never "available", so nobody
orders them through the catalog). The storefront follows the request: the sweep and the pay
action read its status (`request_status`); when the order is paid, the request is marked
ordered and its encumbrance becomes spending (`request_paid`); a refund gives the money
back to the budget line (`request_refunded`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from marketing.store import selectors
from office import audit
from office.access import staff_profile
from office.actions import budget_spend, budget_unspend
from office.exceptions import DomainError
from procurement.actions import purchase_request_submit
from procurement.models import PurchaseRequest, PurchaseRequestLine, Vendor, VendorItem

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from marketing.store.models import StoreOrder

RS = PurchaseRequest.Status


def _store_vendor(organization_id: int) -> Vendor:
    home = selectors.home_office()
    vendor, _created = Vendor.objects.get_or_create(
        organization_id=organization_id,
        code="home-storefront",
        defaults={
            "name": f"{home.name if home else ''} storefront".strip(),
            "name_zh": f"{home.name_zh if home else ''}网上商店",
            "integration": Vendor.Integration.MANUAL,
            "payment_terms": "Paid online in the storefront",
        },
    )
    return vendor


def _item(vendor: Vendor, line) -> VendorItem:
    option = line.option
    item, _created = VendorItem.objects.update_or_create(
        vendor=vendor,
        sku=f"store-{option.pk}",
        defaults={
            "title": f"{option.product.name} · {option.name}"[:300],
            "title_zh": f"{option.product.name_zh or option.product.name} · {option.name_zh or option.name}"[:300],
            "kind": VendorItem.Kind.DATABASE,
            "format": VendorItem.Format.USAGE_RIGHT,
            "term_months": option.term_months,
            "price_minor": line.unit_minor,
            "currency": line.order.currency,
            "available": False,
        },
    )
    return item


def purchase_request_for(order: StoreOrder, actor: User) -> PurchaseRequest:
    """A submitted purchase request of the actor's unit for the order's lines."""
    profile = staff_profile(actor)
    year = timezone.localdate().year
    budget = profile.department.budgets.filter(fiscal_year__in=[year, year + 1], currency=order.currency).first()
    if budget is None:
        raise DomainError(
            _("Your unit has no budget line in %(currency)s for this year, so the purchase cannot be requested.")
            % {"currency": order.currency}
        )
    vendor = _store_vendor(profile.organization_id)
    pr = PurchaseRequest.objects.create(
        organization_id=profile.organization_id,
        department_id=profile.department_id,
        budget=budget,
        requester=actor,
        justification=_("Storefront order %(number)s: licences from the home office") % {"number": order.number},
        currency=order.currency,
    )
    lines = list(order.lines.select_related("option", "option__product", "order"))
    for line in lines:
        # Procurement's line keeps quantity × unit; an upgrade's pro-rated charge is one unit.
        quantity, unit = (line.quantity, line.unit_minor)
        if quantity * unit != line.line_total_minor:
            quantity, unit = 1, line.line_total_minor
        PurchaseRequestLine.objects.create(
            request=pr,
            item=_item(vendor, line),
            vendor=vendor,
            description=line.description,
            quantity=quantity,
            unit_price_minor=unit,
            line_total_minor=quantity * unit,
        )
    # The request asks for what the order costs after its coupon (procurement sums lines).
    PurchaseRequest.objects.filter(pk=pr.pk).update(total_minor=order.total_minor)
    purchase_request_submit(request_id=pr.pk, actor=actor)
    return pr


def request_status(request_id: int) -> str:
    """ "approved", "closed" (rejected or cancelled) or "pending" (anything else)."""
    status = PurchaseRequest.objects.filter(pk=request_id).values_list("status", flat=True).first()
    if status in (RS.APPROVED, RS.ORDERED):
        return "approved"
    if status in (RS.REJECTED, RS.CANCELLED, None):
        return "closed"
    return "pending"


def request_paid(order: StoreOrder) -> None:
    """The order is paid: its request is ordered and the encumbrance becomes spending."""
    pr = PurchaseRequest.objects.select_for_update().get(pk=order.purchase_request_id)
    if pr.status != RS.APPROVED:
        return
    budget_spend(
        budget_id=pr.budget_id,
        amount_minor=order.total_minor,
        actor=None,
        reference=pr.reference,
        encumbered_minor=pr.encumbered_minor,
    )
    pr.move_to(RS.ORDERED)
    pr.encumbered_minor = 0
    pr.save(update_fields=["status", "encumbered_minor", "updated_at"])
    audit.record(actor=None, target=pr, verb="store.purchase_request.paid", data={"order": order.number})


def request_refunded(order: StoreOrder, amount_minor: int) -> None:
    pr = PurchaseRequest.objects.select_for_update().get(pk=order.purchase_request_id)
    if pr.status == RS.ORDERED and amount_minor > 0:
        budget_unspend(
            budget_id=pr.budget_id, amount_minor=amount_minor, actor=None, reference=pr.reference, note=order.number
        )
