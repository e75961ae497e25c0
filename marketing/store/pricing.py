"""Storefront pricing as pure functions over integers (minor units): no database, no floats.

- `unit_price`: the tier for a buyer type and quantity (the highest `min_quantity` reached);
- `line_total`: unit × quantity;
- `coupon_discount`: what a coupon takes off a subtotal (never more than the subtotal);
- `tax_included`: the tax contained in a tax-inclusive amount (round half up);
- `prorated_upgrade`: what more seats cost for the rest of a term (rounded up, in our favour
  by at most one minor unit);
- `quote`: all of it for a cart.

Prices are stored and shown tax-inclusive; the tax rate is `settings.STORE_TAX_RATE`
("0.06" = 6 %), read through `tax_rate_bp()` as basis points.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings

DEFAULT_TAX_RATE = "0.06"


@dataclass(frozen=True)
class Tier:
    buyer_type: str
    min_quantity: int
    unit_minor: int
    currency: str


@dataclass(frozen=True)
class CouponTerms:
    percent_off: int | None
    amount_off_minor: int | None
    currency: str
    valid_from: datetime.date
    valid_until: datetime.date
    max_uses: int
    used_count: int
    active: bool = True


@dataclass(frozen=True)
class Quote:
    subtotal_minor: int
    discount_minor: int
    total_minor: int
    tax_minor: int
    currency: str


class PricingError(ValueError):
    """A price cannot be given (no tier for the buyer, bad quantity, unusable coupon). The
    message is a code; callers translate it."""


def tax_rate_bp() -> int:
    """The tax rate in basis points (6 % → 600), from settings.STORE_TAX_RATE."""
    raw = getattr(settings, "STORE_TAX_RATE", DEFAULT_TAX_RATE)
    try:
        rate = Decimal(str(raw))
    except InvalidOperation:
        rate = Decimal(DEFAULT_TAX_RATE)
    if rate > 1:  # given as a percentage ("6")
        rate = rate / 100
    if rate < 0:
        rate = Decimal(0)
    return int((rate * 10_000).to_integral_value())


def unit_price(tiers: Iterable[Tier], buyer_type: str, quantity: int) -> Tier:
    if quantity < 1:
        raise PricingError("quantity")
    reached = [t for t in tiers if t.buyer_type == buyer_type and t.min_quantity <= quantity]
    if not reached:
        raise PricingError("no_tier")
    return max(reached, key=lambda t: t.min_quantity)


def line_total(unit_minor: int, quantity: int) -> int:
    if quantity < 1 or unit_minor < 0:
        raise PricingError("quantity")
    return unit_minor * quantity


def coupon_check(terms: CouponTerms, *, today: datetime.date, currency: str) -> None:
    if not terms.active or today < terms.valid_from or today > terms.valid_until:
        raise PricingError("coupon_expired")
    if terms.used_count >= terms.max_uses:
        raise PricingError("coupon_used_up")
    if terms.amount_off_minor is not None and terms.currency != currency:
        raise PricingError("coupon_currency")


def coupon_discount(subtotal_minor: int, terms: CouponTerms, *, today: datetime.date, currency: str) -> int:
    """The discount (≥ 0, ≤ subtotal); percent discounts round down (in the buyer's favour: a
    fraction of a minor unit is not charged either way, so the buyer keeps it)."""
    coupon_check(terms, today=today, currency=currency)
    if terms.percent_off is not None:
        discount = subtotal_minor * terms.percent_off // 100
    else:
        discount = terms.amount_off_minor or 0
    return max(0, min(discount, subtotal_minor))


def tax_included(total_minor: int, rate_bp: int) -> int:
    """The tax inside a tax-inclusive total: total × r / (1 + r), rounded half up."""
    if total_minor <= 0 or rate_bp <= 0:
        return 0
    numerator = total_minor * rate_bp
    denominator = 10_000 + rate_bp
    return (2 * numerator + denominator) // (2 * denominator)


def prorated_upgrade(
    *, unit_minor: int, extra_seats: int, starts: datetime.datetime, ends: datetime.datetime, now: datetime.datetime
) -> int:
    """What `extra_seats` cost from `now` to the end of a term that runs `starts`..`ends`, at a
    full-term seat price of `unit_minor`; charged by the second, rounded up."""
    if extra_seats < 1:
        raise PricingError("seats")
    term = int((ends - starts).total_seconds())
    left = int((ends - max(now, starts)).total_seconds())
    if term <= 0 or left <= 0:
        raise PricingError("term_over")
    return -(-unit_minor * extra_seats * left // term)


def quote(
    line_totals: Sequence[tuple[int, str]],
    *,
    coupon: CouponTerms | None = None,
    today: datetime.date,
    rate_bp: int,
) -> Quote:
    """The order's figures from its line totals (all in one currency) and an optional coupon."""
    if not line_totals:
        raise PricingError("empty")
    currencies = {currency for _total, currency in line_totals}
    if len(currencies) != 1:
        raise PricingError("currencies")
    currency = currencies.pop()
    subtotal = sum(total for total, _currency in line_totals)
    discount = coupon_discount(subtotal, coupon, today=today, currency=currency) if coupon else 0
    total = subtotal - discount
    return Quote(subtotal, discount, total, tax_included(total, rate_bp), currency)
