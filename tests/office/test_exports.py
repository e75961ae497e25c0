"""CSV downloads: BOM, formula guard on text, numbers untouched; money in major units."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from office.exports import csv_cell, csv_response
from office.money import to_major


def test_text_that_would_run_as_a_formula_gets_an_apostrophe_and_numbers_do_not():
    assert csv_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert [csv_cell(v) for v in ("+1", "-cmd", "@SUM(A1)", "\tx", "\rx")] == [
        "'+1",
        "'-cmd",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
    ]
    assert csv_cell("研究 report") == "研究 report"
    assert csv_cell(-12) == -12 and csv_cell(Decimal("-1.50")) == Decimal("-1.50") and csv_cell(None) == ""


def test_csv_response_is_an_attachment_with_a_bom_and_guarded_cells():
    response = csv_response("x.csv", ["name", "amount"], [["=1+1", Decimal("12.30")], ["中心", 5]])
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(text[1:]))) == [["name", "amount"], ["'=1+1", "12.30"], ["中心", "5"]]


def test_to_major_uses_the_currencys_decimals_not_floats():
    assert to_major(12345, "CNY") == Decimal("123.45")
    assert to_major(12345, "JPY") == Decimal("12345")
    assert to_major(12345, "KWD") == Decimal("12.345")
    assert str(to_major(10, "USD")) == "0.10"
