"""Amounts typed by people become integer minor units, or a translated ValueError: never a crash."""

from __future__ import annotations

import pytest

from office.money import parse_money


@pytest.mark.parametrize(
    ("text", "minor"),
    [("1234.50", 123450), ("1,234.5", 123450), ("¥12", 1200), ("0", 0), ("1e3", 100000)],
)
def test_amounts_parse_to_minor_units(text: str, minor: int) -> None:
    assert parse_money(text, "CNY") == minor


@pytest.mark.parametrize("text", ["", "abc", "Infinity", "-inf", "NaN", "sNaN", "1e400", "1" * 25, "1.234"])
def test_what_is_not_an_amount_is_a_value_error(text: str) -> None:
    with pytest.raises(ValueError):
        parse_money(text, "CNY")
