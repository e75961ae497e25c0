"""Subscriptions: subscribing, and the items staff add for the next digest."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class SubscriptionForm(forms.Form):
    topic = forms.CharField(label=_("Topic"), max_length=300)
    search_terms = forms.CharField(
        label=_("Saved search"),
        max_length=300,
        required=False,
        help_text=_("Words that new union-catalog records must contain, e.g. “graphene battery”."),
    )


class SubscriptionItemForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    url = forms.URLField(label=_("Link"), required=False, assume_scheme="https")
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)
