"""Storefront pricing (marketing/store/pricing.py): tiers, volume, tax, coupons, pro-rating.
Pure functions: examples for the rules, Hypothesis for the invariants."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketing.store import pricing
from marketing.store.pricing import CouponTerms, PricingError, Tier

TODAY = datetime.date(2026, 6, 1)
TIERS = [
    Tier("member", 1, 300_000, "CNY"),
    Tier("member", 5, 240_000, "CNY"),
    Tier("member", 20, 200_000, "CNY"),
    Tier("individual", 1, 120_000, "CNY"),
]
FAST = settings(max_examples=200, deadline=None, derandomize=True, database=None)


def coupon(**kw) -> CouponTerms:
    values = {
        "percent_off": 10,
        "amount_off_minor": None,
        "currency": "CNY",
        "valid_from": TODAY - datetime.timedelta(days=1),
        "valid_until": TODAY + datetime.timedelta(days=1),
        "max_uses": 5,
        "used_count": 0,
    }
    values.update(kw)
    return CouponTerms(**values)


@pytest.mark.parametrize(("quantity", "unit"), [(1, 300_000), (4, 300_000), (5, 240_000), (19, 240_000), (20, 200_000)])
def test_volume_tier_is_the_highest_reached(quantity, unit):
    assert pricing.unit_price(TIERS, "member", quantity).unit_minor == unit


def test_buyer_type_without_a_tier_is_refused():
    with pytest.raises(PricingError, match="no_tier"):
        pricing.unit_price(TIERS, "organisation", 1)


@pytest.mark.parametrize("quantity", [0, -1])
def test_seats_below_one_are_refused(quantity):
    with pytest.raises(PricingError):
        pricing.unit_price(TIERS, "member", quantity)
    with pytest.raises(PricingError):
        pricing.line_total(100, quantity)


def test_tax_included_six_percent():
    # 106.00 tax-inclusive at 6 % holds 6.00 tax.
    assert pricing.tax_included(10_600, 600) == 600
    assert pricing.tax_included(0, 600) == 0
    assert pricing.tax_included(10_600, 0) == 0
    assert pricing.tax_included(1, 600) == 0  # 0.0566 fen rounds to 0
    assert pricing.tax_included(9, 600) == 1  # 0.509 fen rounds half up to 1


def test_tax_rate_setting(settings):
    settings.STORE_TAX_RATE = "0.13"
    assert pricing.tax_rate_bp() == 1300
    settings.STORE_TAX_RATE = "6"
    assert pricing.tax_rate_bp() == 600
    settings.STORE_TAX_RATE = "nonsense"
    assert pricing.tax_rate_bp() == 600


def test_percent_and_amount_coupons():
    assert pricing.coupon_discount(10_001, coupon(percent_off=10), today=TODAY, currency="CNY") == 1_000
    assert (
        pricing.coupon_discount(5_000, coupon(percent_off=None, amount_off_minor=8_000), today=TODAY, currency="CNY")
        == 5_000
    )  # never more than the subtotal


@pytest.mark.parametrize(
    ("terms", "code"),
    [
        (coupon(valid_until=TODAY - datetime.timedelta(days=1)), "coupon_expired"),
        (coupon(valid_from=TODAY + datetime.timedelta(days=1)), "coupon_expired"),
        (coupon(active=False), "coupon_expired"),
        (coupon(used_count=5), "coupon_used_up"),
        (coupon(percent_off=None, amount_off_minor=100, currency="USD"), "coupon_currency"),
    ],
)
def test_unusable_coupons_are_refused(terms, code):
    with pytest.raises(PricingError, match=code):
        pricing.coupon_discount(10_000, terms, today=TODAY, currency="CNY")


def test_coupon_valid_on_its_last_day():
    assert pricing.coupon_discount(1_000, coupon(valid_until=TODAY), today=TODAY, currency="CNY") == 100


def test_quote_refuses_mixed_currencies_and_empty_carts():
    with pytest.raises(PricingError, match="currencies"):
        pricing.quote([(100, "CNY"), (100, "USD")], today=TODAY, rate_bp=600)
    with pytest.raises(PricingError, match="empty"):
        pricing.quote([], today=TODAY, rate_bp=600)


def test_prorated_upgrade_half_a_term():
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    end = start + datetime.timedelta(days=100)
    now = start + datetime.timedelta(days=50)
    assert pricing.prorated_upgrade(unit_minor=10_000, extra_seats=3, starts=start, ends=end, now=now) == 15_000


def test_prorated_upgrade_refused_after_the_term_and_for_no_seats():
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    end = start + datetime.timedelta(days=10)
    with pytest.raises(PricingError, match="term_over"):
        pricing.prorated_upgrade(unit_minor=100, extra_seats=1, starts=start, ends=end, now=end)
    with pytest.raises(PricingError, match="seats"):
        pricing.prorated_upgrade(unit_minor=100, extra_seats=0, starts=start, ends=end, now=start)


# --- invariants ---------------------------------------------------------------------------

amounts = st.integers(min_value=0, max_value=10**12)
rates = st.integers(min_value=0, max_value=5_000)


@FAST
@given(total=amounts, rate=rates)
def test_tax_is_between_zero_and_the_total_and_nearest(total, rate):
    tax = pricing.tax_included(total, rate)
    assert 0 <= tax <= total
    if total and rate:
        exact = total * rate / (10_000 + rate)
        assert abs(tax - exact) <= 0.5 + 1e-6 * max(1, exact)


@FAST
@given(quantity=st.integers(min_value=1, max_value=10_000), other=st.integers(min_value=1, max_value=10_000))
def test_more_seats_never_cost_more_per_seat(quantity, other):
    low, high = sorted((quantity, other))
    assert pricing.unit_price(TIERS, "member", high).unit_minor <= pricing.unit_price(TIERS, "member", low).unit_minor


@FAST
@given(
    lines=st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=8),
    percent=st.integers(min_value=1, max_value=100),
    amount=st.integers(min_value=1, max_value=10**10),
    use_percent=st.booleans(),
    rate=rates,
)
def test_quote_adds_up(lines, percent, amount, use_percent, rate):
    terms = coupon(percent_off=percent) if use_percent else coupon(percent_off=None, amount_off_minor=amount)
    q = pricing.quote([(line, "CNY") for line in lines], coupon=terms, today=TODAY, rate_bp=rate)
    assert q.subtotal_minor == sum(lines)
    assert 0 <= q.discount_minor <= q.subtotal_minor
    assert q.total_minor == q.subtotal_minor - q.discount_minor >= 0
    assert 0 <= q.tax_minor <= q.total_minor


@FAST
@given(
    unit=st.integers(min_value=0, max_value=10**9),
    seats=st.integers(min_value=1, max_value=1_000),
    term_days=st.integers(min_value=1, max_value=3_650),
    elapsed=st.floats(min_value=0, max_value=0.999),
)
def test_prorated_upgrade_is_at_most_the_full_term_and_shrinks_with_time(unit, seats, term_days, elapsed):
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    end = start + datetime.timedelta(days=term_days)
    now = start + datetime.timedelta(seconds=int(term_days * 86400 * elapsed))
    later = now + datetime.timedelta(seconds=int((end - now).total_seconds() // 2))
    cost = pricing.prorated_upgrade(unit_minor=unit, extra_seats=seats, starts=start, ends=end, now=now)
    assert 0 <= cost <= unit * seats
    if later < end:
        assert pricing.prorated_upgrade(unit_minor=unit, extra_seats=seats, starts=start, ends=end, now=later) <= cost
