"""The selling unit's writes: coupons (campaign codes for the marketing analytics). Refunds go
through the payments app (finance staff), whose refund handler ends the grants."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from marketing.store import permissions
from marketing.store.models import Coupon
from office import audit
from office.exceptions import DomainError

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _check_terms(
    *,
    percent_off: int | None,
    amount_off_minor: int | None,
    valid_from: datetime.date,
    valid_until: datetime.date,
    max_uses: int,
    coupon: Coupon | None = None,
) -> bool:
    """A coupon's terms, the same checks on create and on edit (`coupon`: the one edited, locked):
    one discount (a percentage of 1 to 100 or an amount above zero) that changes only while the
    coupon is unused, an end after the start, at least one use and no fewer than those made.
    Returns whether the discount changed."""
    if (percent_off is None) == (amount_off_minor is None):
        raise DomainError(_("Give either a percentage or an amount off."))
    if percent_off is not None and not 1 <= percent_off <= 100:
        raise DomainError(_("The percentage must lie between 1 and 100."))
    if amount_off_minor is not None and amount_off_minor < 1:
        raise DomainError(_("Enter an amount above zero."))
    used = coupon.used_count if coupon is not None else 0
    changed = coupon is not None and (percent_off, amount_off_minor) != (coupon.percent_off, coupon.amount_off_minor)
    if changed and used:
        raise DomainError(_("This coupon has been used, so its discount stays; create a new coupon instead."))
    if valid_until < valid_from:
        raise DomainError(_("The coupon must end after it starts."))
    if max_uses < 1:
        raise DomainError(_("Allow at least one use."))
    if max_uses < used:
        raise DomainError(
            _("The coupon has been used %(count)s times; allow at least that many uses.") % {"count": used}
        )
    return changed


@transaction.atomic
def coupon_create(
    *,
    actor: User,
    code: str,
    campaign: str = "",
    percent_off: int | None = None,
    amount_off_minor: int | None = None,
    currency: str = "CNY",
    valid_from: datetime.date,
    valid_until: datetime.date,
    max_uses: int = 100,
) -> Coupon:
    """A new coupon; refuses non-sellers, a taken code, both or neither discount, bad dates."""
    if not permissions.is_seller(actor):
        raise PermissionDenied(_("Only the selling unit creates coupons."))
    code = (code or "").strip().upper()
    if not code or not code.replace("-", "").replace("_", "").isalnum():
        raise DomainError(_("Use letters, digits and dashes for the code."))
    if Coupon.objects.filter(code=code).exists():
        raise DomainError(_("This code is taken."))
    terms = {"valid_from": valid_from, "valid_until": valid_until, "max_uses": max_uses}
    _check_terms(percent_off=percent_off, amount_off_minor=amount_off_minor, **terms)
    coupon = Coupon.objects.create(
        code=code,
        campaign=(campaign or "").strip()[:80],
        percent_off=percent_off,
        amount_off_minor=amount_off_minor,
        currency=currency,
        valid_from=valid_from,
        valid_until=valid_until,
        max_uses=max_uses,
    )
    audit.record(actor=actor, target=coupon, verb="store.coupon.created", data={"code": code})
    return coupon


@transaction.atomic
def coupon_update(
    *,
    actor: User,
    coupon_id: int,
    campaign: str = "",
    percent_off: int | None = None,
    amount_off_minor: int | None = None,
    valid_from: datetime.date,
    valid_until: datetime.date,
    max_uses: int,
    active: bool = True,
) -> Coupon:
    """Edit a coupon: campaign, dates, uses allowed, active. The discount changes only while the
    coupon is unused (orders placed with it keep what they were given either way); the code
    never changes. Refuses non-sellers, bad dates and fewer uses than already made."""
    if not permissions.is_seller(actor):
        raise PermissionDenied(_("Only the selling unit edits coupons."))
    coupon = Coupon.objects.select_for_update().filter(pk=coupon_id).first()
    if coupon is None:
        raise DomainError(_("This coupon does not exist."))
    terms = {"valid_from": valid_from, "valid_until": valid_until, "max_uses": max_uses}
    discount_changed = _check_terms(percent_off=percent_off, amount_off_minor=amount_off_minor, coupon=coupon, **terms)
    coupon.campaign = (campaign or "").strip()[:80]
    coupon.percent_off, coupon.amount_off_minor = percent_off, amount_off_minor
    coupon.valid_from, coupon.valid_until, coupon.max_uses, coupon.active = valid_from, valid_until, max_uses, active
    coupon.save()
    audit.record(
        actor=actor,
        target=coupon,
        verb="store.coupon.updated",
        data={"code": coupon.code, "active": active, "max_uses": max_uses, "discount_changed": discount_changed},
    )
    return coupon
