"""Form fields shared by every app."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from office.money import parse_money, to_major


class MoneyField(forms.CharField):
    """An amount typed in major units ("1,234.50", "¥800"), cleaned to integer minor units by
    office.money.parse_money: the currency's decimals, at most settings.MONEY_MAX_AMOUNT.

    Above zero unless `allow_zero` (a free training session) or `allow_negative` (a budget
    correction takes money back; zero is still refused there). An empty optional field
    cleans to None. `currency` may be changed after the form is built, for forms where the
    currency is chosen on the form itself (see `currency_from`). An int initial value is shown
    in major units."""

    default_error_messages = {
        "not_positive": _("Enter an amount above zero."),
        "negative": _("Enter an amount of zero or more."),
        "zero": _("Enter an amount other than zero."),
    }

    def __init__(
        self, *, currency: str = "CNY", allow_zero: bool = False, allow_negative: bool = False, **kwargs: Any
    ) -> None:
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)
        self.currency = currency
        self.allow_zero, self.allow_negative = allow_zero, allow_negative

    def clean(self, value: Any) -> int | None:  # type: ignore[override]
        text = super().clean(value)  # required, max_length, NUL
        if text in self.empty_values:
            return None
        try:
            amount = parse_money(text, self.currency)
        except ValueError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from None
        if amount == 0 and not self.allow_zero:
            code = "zero" if self.allow_negative else "not_positive"
            raise forms.ValidationError(self.error_messages[code], code=code)
        if amount < 0 and not self.allow_negative:
            code = "negative" if self.allow_zero else "not_positive"
            raise forms.ValidationError(self.error_messages[code], code=code)
        return amount

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return str(to_major(value, self.currency))
        return value


def currency_from(form: forms.BaseForm, field: str = "currency", default: str = "CNY") -> str:
    """The currency a form's amounts are typed in when the form has a currency field of its
    own: the submitted one (it is validated as a field; here it only picks the decimals),
    else the instance's, else `default`. Field cleaning runs before the form sees the
    currency's cleaned value, hence the raw data."""
    if form.is_bound:
        submitted = str(form.data.get(form.add_prefix(field)) or "").strip().upper()
        if submitted:
            return submitted
    instance = getattr(form, "instance", None)
    return getattr(instance, field, None) or default


class DateTimeField(forms.DateTimeField):
    """A date and time that the database can give back. Year 1 at midnight in Shanghai is
    year 0 in UTC: PostgreSQL stored it, and every page that read the row back failed
    (Python's datetime has no year 0), so a value whose UTC time is outside years 1 to 9999
    is refused as an invalid date/time."""

    def to_python(self, value: Any) -> datetime.datetime | None:
        result = super().to_python(value)
        if result is not None:
            try:
                result.astimezone(datetime.UTC)
            except OverflowError:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        return result
