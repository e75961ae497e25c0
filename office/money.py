"""Money is integer minor units plus an ISO 4217 code; these helpers convert at the edges."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from office.exceptions import DomainError

# Currencies whose minor unit is not 1/100 (ISO 4217 exponent).
EXPONENTS = {"JPY": 0, "KRW": 0, "BHD": 3, "KWD": 3}
SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "HKD": "HK$"}


CURRENCY_CODE = re.compile(r"[A-Z]{3}")


class CurrencyError(DomainError):
    """A currency code an action or form refuses."""


def clean_currency(value: Any, default: str | None = None) -> str:
    """ " cny " → "CNY": an ISO 4217-shaped code (three ASCII letters), upper-cased. A blank
    value is `default` when one is given, else refused. Raises CurrencyError (translated)."""
    code = str(value or "").strip().upper() or (default or "").upper()
    if not CURRENCY_CODE.fullmatch(code):
        raise CurrencyError(_("The currency must be a three-letter code such as CNY."))
    return code


def exponent(currency: str) -> int:
    return EXPONENTS.get(currency.upper(), 2)


def to_major(amount_minor: int, currency: str = "CNY") -> Decimal:
    """12345 → Decimal("123.45") for CNY: for form initial values and exports, never a float."""
    exp = exponent(currency)
    return Decimal(amount_minor).scaleb(-exp).quantize(Decimal(1).scaleb(-exp))


def format_money(amount_minor: int, currency: str = "CNY") -> str:
    exp = exponent(currency)
    value = Decimal(amount_minor).scaleb(-exp)
    symbol = SYMBOLS.get(currency.upper())
    text = f"{value:,.{exp}f}"
    return f"{symbol}{text}" if symbol else f"{text} {currency.upper()}"


def max_amount() -> Decimal:
    """The largest amount, in major units, that anyone may type (settings.MONEY_MAX_AMOUNT)."""
    from django.conf import settings

    return Decimal(getattr(settings, "MONEY_MAX_AMOUNT", 100_000_000))


def max_minor(currency: str = "CNY") -> int:
    """settings.MONEY_MAX_AMOUNT in `currency`'s minor units."""
    return int(max_amount().scaleb(exponent(currency)))


class AmountError(DomainError):
    """An amount an action refuses: the server-side half of office.fields.MoneyField."""


def check_amount(
    amount_minor: int,
    currency: str = "CNY",
    *,
    allow_zero: bool = False,
    allow_negative: bool = False,
    limit_minor: int | None = None,
) -> int:
    """Refuse in an action what MoneyField refuses on a form, for callers other than the form
    (tasks, the shell, a future API): anything but an int of minor units, more than
    settings.MONEY_MAX_AMOUNT (or `limit_minor`, a column's own bound, if smaller) in either
    sign, zero unless `allow_zero`, below zero unless `allow_negative`. Raises AmountError
    (translated, with MoneyField's messages); returns the amount."""
    if isinstance(amount_minor, bool) or not isinstance(amount_minor, int):
        raise AmountError(_("Enter an amount such as 1234.50."))
    limit = max_minor(currency) if limit_minor is None else min(max_minor(currency), limit_minor)
    if abs(amount_minor) > limit:
        raise AmountError(_("Enter an amount of at most %(limit)s.") % {"limit": format_money(limit, currency)})
    if amount_minor == 0 and not allow_zero:
        raise AmountError(_("Enter an amount other than zero.") if allow_negative else _("Enter an amount above zero."))
    if amount_minor < 0 and not allow_negative:
        raise AmountError(_("Enter an amount of zero or more.") if allow_zero else _("Enter an amount above zero."))
    return amount_minor


def parse_money(text: str, currency: str = "CNY") -> int:
    """ "1,234.5" → 123450 (for CNY). Raises ValueError with a translated message.

    The size is bounded by settings.MONEY_MAX_AMOUNT in either sign: nothing the office
    charges, pays or allocates comes near it, and amounts are summed into PostgreSQL bigints
    (92233720368547758.07 yuan, the bigint's end, was accepted, quoted and paid)."""
    cleaned = (text or "").strip().replace(",", "").lstrip("¥$€£")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(_("Enter an amount such as 1234.50.")) from None
    # "Infinity", "NaN" and exponents past what quantize can hold are not amounts either.
    if not value.is_finite() or abs(value.adjusted()) > 18:
        raise ValueError(_("Enter an amount such as 1234.50."))
    exp = exponent(currency)
    if abs(value) > max_amount():
        limit = format_money(max_minor(currency), currency)
        raise ValueError(_("Enter an amount of at most %(limit)s.") % {"limit": limit})
    if value != value.quantize(Decimal(1).scaleb(-exp)):
        raise ValueError(_("Use at most %(n)d decimal places.") % {"n": exp})
    return int((value.scaleb(exp)).to_integral_value(rounding=ROUND_HALF_UP))
