"""Renewing a licence (one click, at today's price for its seats) and adding seats (pro-rated
for what is left of the term). Each makes an order through the same checkout path, so an
office above its head's limit goes through a purchase request here too."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketing.store import permissions, pricing, selectors
from marketing.store.actions.checkout import Draft, place_order
from marketing.store.actions.common import check_max_seats, check_seats, lock_grant
from marketing.store.models import Grant, StoreOrder, StoreOrderLine
from office.exceptions import DomainError

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _open_order_for(grant: Grant, purpose: str) -> StoreOrder | None:
    """An unpaid renewal/upgrade order of the grant: a second click returns it."""
    return (
        StoreOrder.objects.filter(
            lines__grant=grant,
            lines__purpose=purpose,
            status__in=[StoreOrder.Status.PENDING, StoreOrder.Status.AWAITING_APPROVAL],
        )
        .order_by("-pk")
        .first()
    )


def _checked(grant_id: int, actor: User) -> tuple[Grant, str]:
    grant = lock_grant(grant_id)
    if not permissions.can_manage_grant(actor, grant):
        raise PermissionDenied(_("You cannot change this licence."))
    if not grant.option.has_term:
        raise DomainError(_("Only licences with a term are renewed or extended."))
    if grant.status == Grant.Status.REVOKED:
        raise DomainError(_("This licence was ended by a refund; buy it again instead."))
    return grant, permissions.buyer_type_for(actor) or ""


@transaction.atomic
def grant_renew(*, grant_id: int, actor: User) -> StoreOrder:
    """An order renewing the grant for another term with its seats, at the current price."""
    grant, buyer_type = _checked(grant_id, actor)
    existing = _open_order_for(grant, StoreOrderLine.Purpose.RENEWAL)
    if existing is not None:
        return existing
    try:
        unit, total, currency = selectors.price_line(grant.option, buyer_type, grant.seats)
    except pricing.PricingError as exc:
        raise DomainError(selectors.pricing_message(exc)) from None
    line = _line(grant, StoreOrderLine.Purpose.RENEWAL, grant.seats, unit, total, currency, _("renewal"))
    return place_order(actor=actor, draft=Draft(lines=[line]), key=f"renew-{grant.pk}-{secrets.token_hex(6)}")


@transaction.atomic
def grant_upgrade(*, grant_id: int, actor: User, extra_seats: Any) -> StoreOrder:
    """An order for `extra_seats` more seats until the end of the current term, pro-rated."""
    grant, buyer_type = _checked(grant_id, actor)
    extra = check_seats(extra_seats)
    check_max_seats(grant.option, grant.seats + extra)
    if not grant.usable_at() or grant.ends_at is None:
        raise DomainError(_("This licence has ended; renew it first."))
    try:
        tier = pricing.unit_price(selectors.tiers_of(grant.option), buyer_type, grant.seats + extra)
        total = pricing.prorated_upgrade(
            unit_minor=tier.unit_minor, extra_seats=extra, starts=grant.starts_at, ends=grant.ends_at,
            now=timezone.now(),
        )  # fmt: skip
    except pricing.PricingError as exc:
        raise DomainError(selectors.pricing_message(exc)) from None
    line = _line(grant, StoreOrderLine.Purpose.UPGRADE, extra, tier.unit_minor, total, tier.currency, _("more seats"))
    return place_order(actor=actor, draft=Draft(lines=[line]), key=f"upgrade-{grant.pk}-{secrets.token_hex(6)}")


def _line(grant: Grant, purpose: str, quantity: int, unit: int, total: int, currency: str, what: str) -> dict:
    return {
        "option": grant.option,
        "purpose": purpose,
        "grant": grant,
        "description": f"{grant.product.name} · {grant.option.name} ({what})",
        "quantity": quantity,
        "unit": unit,
        "total": total,
        "currency": currency,
        "ip_ranges": grant.ip_ranges,
    }
