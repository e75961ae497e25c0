"""Input shapes. Amounts are typed as text ("120.50") and parsed to minor units by
office.fields.MoneyField."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from office.fields import MoneyField
from payments import payables
from payments.models import Payment
from payments.permissions import billable_payers


class _Helper:
    def _helper(self, layout: Layout | None = None) -> FormHelper:
        helper = FormHelper()
        helper.form_tag = False  # the template owns <form> and buttons
        if layout is not None:
            helper.layout = layout
        return helper


class RefundForm(_Helper, forms.Form):
    amount = MoneyField(
        label=_("Amount"),
        required=False,
        help_text=_("Leave empty to refund everything that is left."),
        max_length=20,
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)

    def __init__(self, *args: Any, currency: str = "CNY", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.currency = self.fields["amount"].currency = currency
        self.helper = self._helper(Layout(Row(Column("amount", css_class="col-md-4"), Column("reason"))))


class PaymentFilterForm(_Helper, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False)
    provider = forms.ChoiceField(label=_("Provider"), required=False)
    purpose = forms.ChoiceField(label=_("Purpose"), required=False)
    flagged = forms.BooleanField(label=_("Flagged only"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["status"].choices = everything + list(Payment.Status.choices)
        self.fields["provider"].choices = everything + list(Payment.Provider.choices)
        self.fields["purpose"].choices = everything + payables.choices()
        self.helper = self._helper(
            Layout(Row(Column("q"), Column("status"), Column("provider"), Column("purpose"), Column("flagged")))
        )


class CardForm(forms.Form):
    """The simulated payment page: a test card number, nothing about the amount."""

    card_number = forms.CharField(label=_("Card number"), max_length=23)
    expiry = forms.CharField(label=_("Expiry (MM/YY)"), max_length=5, initial="12/34")
    cvc = forms.CharField(label=_("CVC"), max_length=4, initial="123")

    def clean_card_number(self) -> str:
        digits = "".join(ch for ch in self.cleaned_data["card_number"] if ch.isdigit())
        if len(digits) < 12:
            raise forms.ValidationError(_("Enter a card number."))
        return digits


class PaymentRequestForm(_Helper, forms.Form):
    payer = forms.ModelChoiceField(label=_("Who pays"), queryset=get_user_model().objects.none())
    description = forms.CharField(label=_("What it is for"), max_length=300)
    amount = MoneyField(label=_("Amount"), max_length=20)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The action checks the same predicate; a payer from elsewhere is "not one of the choices".
        self.fields["payer"].queryset = billable_payers(user).order_by("username")
        self.fields["payer"].label_from_instance = _payer_label
        self.currency = self.fields["amount"].currency = settings.DEFAULT_CURRENCY
        self.fields["amount"].help_text = _("In %(currency)s, e.g. 120.50") % {"currency": self.currency}
        self.helper = self._helper(Layout(Row(Column("payer"), Column("amount")), "description"))


def _payer_label(user: Any) -> str:
    for attr in ("client_account", "staff_profile"):
        profile = getattr(user, attr, None) if hasattr(user, attr) else None
        if profile is not None:
            return f"{profile.display_name} ({user.get_username()})"
    return user.get_username()
