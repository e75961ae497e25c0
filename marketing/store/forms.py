from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from marketing.store.models import MAX_QUANTITY
from office.fields import MoneyField


class CartAddForm(forms.Form):
    quantity = forms.IntegerField(label=_("Seats or copies"), min_value=1, max_value=MAX_QUANTITY, initial=1)
    ip_ranges = forms.CharField(
        label=_("IP ranges (offices; one per line)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CouponForm(forms.Form):
    code = forms.CharField(label=_("Coupon code"), max_length=40, required=False)


class CheckoutForm(forms.Form):
    token = forms.CharField(max_length=40, widget=forms.HiddenInput)


class UpgradeForm(forms.Form):
    extra_seats = forms.IntegerField(label=_("Seats to add"), min_value=1, max_value=MAX_QUANTITY)


class CouponCreateForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40)
    campaign = forms.CharField(label=_("Campaign"), max_length=80, required=False)
    percent_off = forms.IntegerField(label=_("Percent off"), min_value=1, max_value=100, required=False)
    amount_off_minor = MoneyField(label=_("Amount off"), required=False)
    valid_from = forms.DateField(label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"}))
    max_uses = forms.IntegerField(label=_("Uses allowed"), min_value=1, max_value=1_000_000, initial=100)
