"""The cart and the draft request made from it: staff collect catalog items, check out into a
draft purchase request for their unit (prices snapshotted) and change its lines while it is a
draft or returned for changes. Submitting and deciding are in `approval`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from office import audit
from office.access import staff_profile
from office.exceptions import DomainError
from procurement import permissions, selectors
from procurement.actions.common import check_quantity, recompute_total
from procurement.models import CartLine, PurchaseRequest, PurchaseRequestLine, VendorItem

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@transaction.atomic
def cart_add(*, actor: User, item_id: int, quantity: Any = 1) -> CartLine:
    """Put an available item from the actor's office's catalogs in their cart (adds up)."""
    if not permissions.is_buyer(actor):
        raise PermissionDenied
    quantity = check_quantity(quantity)
    item = VendorItem.objects.visible_to(actor).select_related("vendor").filter(pk=item_id).first()
    if item is None:
        raise DomainError(_("This item is not in your office's catalogs."))
    if not item.available or not item.vendor.is_active:
        raise DomainError(_("This item is not available at the moment."))
    line, created = CartLine.objects.select_for_update().get_or_create(
        user=actor, item=item, defaults={"quantity": quantity}
    )
    if not created:
        line.quantity = check_quantity(line.quantity + quantity)
        line.save(update_fields=["quantity", "updated_at"])
    return line


@transaction.atomic
def cart_update(*, actor: User, line_id: int, quantity: Any) -> CartLine | None:
    """Change a cart line's quantity; 0 removes it."""
    line = CartLine.objects.select_for_update().filter(pk=line_id, user=actor).first()
    if line is None:
        raise DomainError(_("This line is not in your cart."))
    if str(quantity).strip() == "0":
        line.delete()
        return None
    line.quantity = check_quantity(quantity)
    line.save(update_fields=["quantity", "updated_at"])
    return line


@transaction.atomic
def purchase_request_create_from_cart(*, actor: User, budget_id: int, justification: str) -> PurchaseRequest:
    """Turn the actor's cart into a draft request for their unit with price snapshots; empties
    the cart. Refuses an empty cart, another unit's budget line and mixed currencies."""
    profile = staff_profile(actor)
    if profile is None:
        raise PermissionDenied
    justification = (justification or "").strip()
    if not justification:
        raise DomainError(_("Say why these items are needed."))
    budget = selectors.budgets_for_requester(actor).filter(pk=budget_id).first()
    if budget is None:
        raise DomainError(_("Choose a budget line of your own department."))
    cart = list(
        CartLine.objects.select_for_update().filter(user=actor).select_related("item", "item__vendor").order_by("pk")
    )
    if not cart:
        raise DomainError(_("Your cart is empty."))
    for line in cart:
        if line.item.vendor.organization_id != profile.organization_id or not line.item.available:
            raise DomainError(_("“%(item)s” is no longer available; remove it first.") % {"item": line.item})
        if line.item.currency != budget.currency:
            raise DomainError(
                _("“%(item)s” is priced in %(currency)s; the budget line is in %(budget)s.")
                % {"item": line.item, "currency": line.item.currency, "budget": budget.currency}
            )
    pr = PurchaseRequest.objects.create(
        organization_id=profile.organization_id,
        department_id=profile.department_id,
        budget=budget,
        requester=actor,
        justification=justification,
        currency=budget.currency,
    )
    PurchaseRequestLine.objects.bulk_create(
        PurchaseRequestLine(
            request=pr,
            item=line.item,
            vendor=line.item.vendor,
            description=str(line.item.title)[:300],
            quantity=line.quantity,
            unit_price_minor=line.item.price_minor,
            line_total_minor=line.quantity * line.item.price_minor,
        )
        for line in cart
    )
    recompute_total(pr)
    CartLine.objects.filter(pk__in=[line.pk for line in cart]).delete()
    audit.record(
        actor=actor, target=pr, verb="procurement.purchase_request.created", data={"total_minor": pr.total_minor}
    )
    return pr


@transaction.atomic
def purchase_request_line_update(*, request_id: int, line_id: int, actor: User, quantity: Any) -> PurchaseRequest:
    """The requester changes a line's quantity (0 removes it) while the request is a draft or
    returned for changes. The price snapshot stays."""
    pr = PurchaseRequest.objects.select_for_update().get(pk=request_id)
    if not permissions.can_edit_request(actor, pr):
        raise PermissionDenied(_("You cannot change this request now."))
    line = pr.lines.filter(pk=line_id).first()
    if line is None:
        raise DomainError(_("This line is not part of the request."))
    if str(quantity).strip() == "0":
        line.delete()
    else:
        line.quantity = check_quantity(quantity)
        line.line_total_minor = line.quantity * line.unit_price_minor
        line.save(update_fields=["quantity", "line_total_minor"])
    recompute_total(pr)
    audit.record(
        actor=actor,
        target=pr,
        verb="procurement.purchase_request.edited",
        data={"line": line_id, "quantity": str(quantity)},
    )
    return pr
