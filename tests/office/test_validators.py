"""One rule each for values several apps ask for (office.money.clean_currency,
office.validators.clean_phone), used by every form and action that asks: the service client's
phone and fax, the store's recipient phone, the store's price currency, the vendor catalogue's
and the store's price actions."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from office.exceptions import DomainError
from office.money import CurrencyError, clean_currency
from office.validators import clean_phone

GOOD_PHONES = ["+86 20 8888 1001", "020-1234-5678", "+86 (20) 8888 1235", "12345", "(020) 8888 1001"]
BAD_PHONES = [
    "call me",
    "123",  # too few digits
    "020.1234.5678",  # dots: not on the list
    "020/1234",
    "+",
    "86+20 1234",  # a + only at the start
    "1" * 21,  # more digits than any number has
    "+86 20 8888 1001 8888 1001 8",  # more than 30 characters
    "０２０ １２３４ ５６７８",  # full-width digits
]


@pytest.mark.parametrize("value", GOOD_PHONES)
def test_a_number_someone_can_dial_is_kept_with_its_spaces_collapsed(value: str) -> None:
    assert clean_phone(f"  {value.replace(' ', '   ')} ") == value


@pytest.mark.parametrize("value", BAD_PHONES)
def test_anything_else_is_refused_in_the_readers_language(value: str) -> None:
    with pytest.raises(ValidationError, match="Enter a valid fax number"):
        clean_phone(value, "fax")
    with translation.override("zh-hans"), pytest.raises(ValidationError, match="请输入有效的"):
        clean_phone(value, translation.gettext("phone"))


def test_blank_is_blank() -> None:
    assert clean_phone("   ") == "" and clean_phone(None) == ""


@pytest.mark.parametrize(("value", "code"), [("cny", "CNY"), (" usd ", "USD"), ("EUR", "EUR")])
def test_a_currency_is_three_letters_upper_cased(value: str, code: str) -> None:
    assert clean_currency(value) == code


@pytest.mark.parametrize("value", ["", "CN", "CNYY", "C1Y", "ÄÖÜ", "¥", None])
def test_anything_else_is_not_a_currency(value: str | None) -> None:
    with pytest.raises(CurrencyError, match="three-letter code") as refused:
        clean_currency(value)
    assert isinstance(refused.value, DomainError)  # views show it like any refusal
    with translation.override("zh-hans"), pytest.raises(CurrencyError) as chinese:
        clean_currency(value)
    assert "CNY" in str(chinese.value) and "currency" not in str(chinese.value)


def test_a_blank_currency_takes_the_default_when_there_is_one() -> None:
    assert clean_currency("", "cny") == "CNY" and clean_currency(None, "USD") == "USD"
    with pytest.raises(CurrencyError):
        clean_currency("", "")


# --- the forms and actions that use them -----------------------------------------------------------


def test_the_service_clients_phone_and_fax_and_the_stores_recipient_phone_share_the_rule() -> None:
    from marketing.store.forms import CheckoutForm, PriceCurrencyForm
    from services.forms.clients import _clean_phone

    for value in BAD_PHONES:
        with pytest.raises(ValidationError):
            _clean_phone(value, "phone")
        form = CheckoutForm({"token": "t", "ship_phone": value})
        assert not form.is_valid() and "ship_phone" in form.errors, value
    for value in GOOD_PHONES:
        assert _clean_phone(value, "phone") == value
        form = CheckoutForm({"token": "t", "ship_phone": value})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["ship_phone"] == value
    with translation.override("zh-hans"):
        form = CheckoutForm({"token": "t", "ship_phone": "020.1234"})
        assert not form.is_valid() and "请输入有效的电话号码" in form.errors["ship_phone"][0]

    assert PriceCurrencyForm({"currency": "usd"}).is_valid()
    form = PriceCurrencyForm({"currency": "1CY"})
    assert not form.is_valid() and "three-letter code" in form.errors["currency"][0]


def test_the_store_checkout_action_refuses_what_the_form_refuses() -> None:
    from marketing.store.actions.shipping import shipping_address_clean

    address = {
        "ship_name": "Fang Wei",
        "ship_address": "Room 501, 100 Xianlie Road",
        "ship_postcode": "510070",
    }
    for value in BAD_PHONES:
        with pytest.raises(DomainError, match="phone number"):
            shipping_address_clean({**address, "ship_phone": value})
    with pytest.raises(DomainError, match="courier"):
        shipping_address_clean({**address, "ship_phone": " "})
    assert shipping_address_clean({**address, "ship_phone": " +86  20 8888 1001"})["ship_phone"] == "+86 20 8888 1001"
