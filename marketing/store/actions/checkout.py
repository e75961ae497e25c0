"""Checkout and paying:

    cart -> checkout -> pending -> (order_pay: a payment) -> paid (payables) -> refunded
                    \\-> awaiting_approval (an office above its unit head's limit: a purchase
                         request goes through procurement's approval) -> pending | cancelled

A double-clicked checkout makes one order: the form carries a token, the cart row is locked,
and the order's idempotency key is unique; `order_pay` reuses the open payment of the order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from marketing.store import permissions, pricing, selectors
from marketing.store.actions.common import ORDER_PURPOSE, lock_order, notify_buyer
from marketing.store.actions.office_approval import purchase_request_for, request_status
from marketing.store.actions.shipping import shipping_address_clean
from marketing.store.models import BuyerType, Cart, CartLine, Coupon, LicenceOption, StoreOrder, StoreOrderLine
from office import audit
from office.access import staff_profile
from office.exceptions import DomainError, InvalidTransition
from office.texts import money
from payments.actions import payment_create
from payments.models import Payment

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Status = StoreOrder.Status


@dataclass
class Draft:
    """An order to place: its lines (option, purpose, grant, quantity, unit, total, ranges)."""

    lines: list[dict] = field(default_factory=list)
    coupon: Coupon | None = None
    campaign: str = ""  # the marketing campaign (utm_campaign) the buyer came through
    shipping: dict[str, str] = field(default_factory=dict)  # where discs go (shipping_address_clean)


def _buyer(actor: User) -> tuple[str, object, str]:
    buyer_type = permissions.buyer_type_for(actor)
    if buyer_type is None:
        raise PermissionDenied(_("Only clients and member offices buy in the store."))
    profile = staff_profile(actor)
    if buyer_type == BuyerType.MEMBER and profile is not None:
        return buyer_type, profile.organization, profile.organization.name
    account = actor.client_account
    return buyer_type, None, account.organisation_name or account.display_name


def _quote(draft: Draft) -> Any:
    """The draft's totals (tax, coupon); a price that cannot be given is a DomainError."""
    try:
        return pricing.quote(
            [(line["total"], line["currency"]) for line in draft.lines],
            coupon=selectors.coupon_terms(draft.coupon) if draft.coupon else None,
            today=timezone.localdate(),
            rate_bp=pricing.tax_rate_bp(),
        )
    except pricing.PricingError as exc:
        raise DomainError(selectors.pricing_message(exc)) from None


def place_order(*, actor: User, draft: Draft, key: str) -> StoreOrder:
    """Write the order (inside the caller's transaction): figures from `pricing`, the coupon
    counted once, a purchase request when an office's total is above its head's limit."""
    buyer_type, organization, name = _buyer(actor)
    quote = _quote(draft)
    order = StoreOrder.objects.create(
        number=f"tmp-{key}"[:30],
        buyer_user=actor,
        buyer_organization=organization,
        buyer_type=buyer_type,
        buyer_name=name[:200],
        subtotal_minor=quote.subtotal_minor,
        discount_minor=quote.discount_minor,
        total_minor=quote.total_minor,
        tax_minor=quote.tax_minor,
        currency=quote.currency,
        coupon=draft.coupon,
        campaign=(draft.coupon.campaign if draft.coupon and draft.coupon.campaign else draft.campaign)[:80],
        idempotency_key=key,
        **draft.shipping,
    )
    order.number = f"SO-{timezone.localdate().year}-{order.pk:05d}"
    for line in draft.lines:
        StoreOrderLine.objects.create(
            order=order,
            option=line["option"],
            purpose=line.get("purpose", StoreOrderLine.Purpose.NEW),
            grant=line.get("grant"),
            description=line["description"][:300],
            quantity=line["quantity"],
            unit_minor=line["unit"],
            line_total_minor=line["total"],
            ip_ranges=line.get("ip_ranges", ""),
        )
    if draft.coupon is not None:
        updated = Coupon.objects.filter(pk=draft.coupon.pk, used_count__lt=F("max_uses")).update(
            used_count=F("used_count") + 1
        )
        if not updated:
            raise DomainError(_("This coupon has been used up."))
    profile = staff_profile(actor)
    if buyer_type == BuyerType.MEMBER and profile and order.total_minor > profile.department.approval_limit_minor:
        order.status = Status.AWAITING_APPROVAL  # the initial state of an office order above the limit
        order.purchase_request = purchase_request_for(order, actor)
    order.save()
    audit.record(
        actor=actor,
        target=order,
        organization=organization,
        verb="store.order.placed",
        data={"total_minor": order.total_minor, "coupon": order.coupon_id, "request": order.purchase_request_id},
    )
    return order


@transaction.atomic
def checkout(*, actor: User, token: str, campaign: str = "", shipping: dict[str, Any] | None = None) -> StoreOrder:
    """Turn the actor's cart into an order and empty the cart. The same token (a double click,
    a second tab) returns the order made the first time. Refuses an empty cart, lines that
    cannot be priced for the buyer and a coupon no longer valid; nothing changes then. The
    order is attributed to the coupon's campaign, else to `campaign` (marketing analytics).
    A cart with a disc needs `shipping` (recipient, phone, address, postcode), checked here;
    without a disc the address is not asked for and not kept."""
    token = (token or "").strip()[:40]
    if not token:
        raise DomainError(_("The checkout form is out of date; open the cart again."))
    if not permissions.can_buy(actor):
        raise PermissionDenied(_("Only clients and member offices buy in the store."))
    key = f"checkout-{actor.pk}-{token}"
    cart = Cart.objects.select_for_update().filter(user=actor).first()
    existing = StoreOrder.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    view = selectors.cart_view(actor)
    if cart is None or not view.lines:
        raise DomainError(_("Your cart is empty."))
    if view.error:
        raise DomainError(view.error)
    draft = Draft(coupon=cart.coupon, campaign=(campaign or "").strip())
    if any(priced.line.option.kind == LicenceOption.Kind.DISC for priced in view.lines):
        draft.shipping = shipping_address_clean(shipping)
    for priced in view.lines:
        option = priced.line.option
        draft.lines.append(
            {
                "option": option,
                "description": f"{option.product.name} · {option.name}",
                "quantity": priced.line.quantity,
                "unit": priced.unit_minor,
                "total": priced.total_minor,
                "currency": priced.currency,
                "ip_ranges": priced.line.ip_ranges,
            }
        )
    order = place_order(actor=actor, draft=draft, key=key)
    CartLine.objects.filter(cart=cart).delete()
    cart.coupon = None
    cart.save(update_fields=["coupon", "updated_at"])
    return order


@transaction.atomic
def order_pay(*, order_id: int, actor: User) -> Payment:
    """Start (or resume) paying an order; returns its payment. An office order whose purchase
    request was approved becomes payable here. Refuses others' orders and closed ones."""
    order = lock_order(order_id)
    if not permissions.can_view_order(actor, order) or permissions.is_seller(actor):
        raise PermissionDenied(_("You cannot pay this order."))
    if order.status == Status.AWAITING_APPROVAL:
        order_sync_approval(order)
        if order.status == Status.AWAITING_APPROVAL:
            raise DomainError(_("This order waits for the purchase request to be approved."))
    if order.status != Status.PENDING:
        raise InvalidTransition(order, Status.PAID.label)
    home = selectors.home_office()
    payment = payment_create(
        purpose_type=ORDER_PURPOSE,
        purpose_id=order.pk,
        amount_minor=order.total_minor,
        currency=order.currency,
        description=_("Store order %(number)s") % {"number": order.number},
        payer_user=actor,
        payer_organization=order.buyer_organization,
        payer_name=order.buyer_name,
        payee_organization=home,
    )
    if payment.amount_minor != order.total_minor:
        raise DomainError(_("An earlier payment for this order is still open; cancel it first."))
    if order.payment_id != payment.pk:
        order.payment = payment
        order.save(update_fields=["payment", "updated_at"])
    return payment


@transaction.atomic
def order_cancel(*, order_id: int, actor: User) -> StoreOrder:
    """The buyer withdraws an unpaid order (a paid one is refunded by finance staff instead)."""
    order = lock_order(order_id)
    if order.buyer_user_id != actor.pk and not permissions.is_seller(actor):
        raise PermissionDenied(_("You cannot cancel this order."))
    if (
        order.payment_id
        and Payment.objects.filter(
            pk=order.payment_id, status__in=[Payment.Status.PROCESSING, Payment.Status.SUCCEEDED]
        ).exists()
    ):
        raise DomainError(_("This order is being paid; it can no longer be cancelled."))
    order.move_to(Status.CANCELLED)
    order.save(update_fields=["status", "updated_at"])
    audit.record(actor=actor, target=order, verb="store.order.cancelled", data={})
    return order


def order_sync_approval(order: StoreOrder) -> bool:
    """Follow the order's purchase request (order locked by the caller): approved → payable,
    rejected or cancelled → cancelled. Idempotent; True when the order moved."""
    if order.status != Status.AWAITING_APPROVAL or order.purchase_request_id is None:
        return False
    state = request_status(order.purchase_request_id)
    if state == "approved":
        order.move_to(Status.PENDING)
        order.approval_noticed_at = timezone.now()
        order.save(update_fields=["status", "approval_noticed_at", "updated_at"])
        audit.record(actor=None, target=order, verb="store.order.approved", data={})
        notify_buyer(
            order,
            "store.order.approved",
            gettext_noop("Order %(number)s was approved; it can be paid now (%(amount)s)"),
            {"number": order.number, "amount": money(order.total_minor, order.currency)},
        )
        return True
    if state == "closed":
        order.move_to(Status.CANCELLED)
        order.save(update_fields=["status", "updated_at"])
        audit.record(actor=None, target=order, verb="store.order.request_declined", data={})
        notify_buyer(
            order,
            "store.order.request_declined",
            gettext_noop("The purchase request for order %(number)s was not approved; the order is cancelled"),
            {"number": order.number},
        )
        return True
    return False


def orders_sync_approvals() -> int:
    """The sweep: every order waiting for its request, one transaction each."""
    moved = 0
    for order_id in StoreOrder.objects.filter(status=Status.AWAITING_APPROVAL).values_list("pk", flat=True):
        with transaction.atomic():
            moved += order_sync_approval(lock_order(order_id))
    return moved
