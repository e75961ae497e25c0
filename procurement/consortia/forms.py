"""Input shapes for consortium pages. Money is typed as text ("9,500.00") and parsed to minor
units; price tiers are typed one per line as "from: price" ("3: 9500.00")."""

from __future__ import annotations

import re
from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from office.money import parse_money
from procurement.actions.licences import MAX_CONCURRENT_USERS
from procurement.consortia.models import Offer
from procurement.consortia.selectors import name_of


class _Form(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False  # the template owns <form> and buttons


# An office's FTE goes to a PostgreSQL integer column: a larger number was a DataError (500).
MAX_FTE = 2_147_483_647


def _money(text: str, currency: str = "CNY") -> int:
    try:
        return parse_money(text, currency)
    except ValueError as exc:
        raise forms.ValidationError(str(exc)) from None


class ConsortiumForm(_Form):
    vendor = forms.ModelChoiceField(queryset=None, label=_("Provider (one of your vendors)"))
    name = forms.CharField(label=_("Name"), max_length=200)
    resource = forms.CharField(label=_("Resource"), max_length=300)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    list_price = forms.CharField(label=_("List price for one office alone"), max_length=30)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="CNY")
    fte = forms.IntegerField(label=_("Your office's FTE"), min_value=0, max_value=MAX_FTE, initial=0, required=False)

    def __init__(self, *args: Any, vendors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vendor"].queryset = vendors

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "list_price" in data:
            data["list_price_minor"] = _money(data["list_price"], data.get("currency") or "CNY")
        return data


class FteForm(_Form):
    fte = forms.IntegerField(label=_("Your office's FTE"), min_value=0, max_value=MAX_FTE, initial=0, required=False)


class InviteForm(_Form):
    organization = forms.ModelChoiceField(queryset=None, label=_("Office"))
    representative_email = forms.EmailField(
        label=_("Their representative's e-mail (optional)"),
        required=False,
        help_text=_("A staff member of that office who may accept for it."),
    )

    def __init__(self, *args: Any, offices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = offices


class PersonChoiceField(forms.ModelChoiceField):
    """People listed by their staff display name (usernames mean nothing to other offices)."""

    def label_from_instance(self, obj: Any) -> str:
        return name_of(obj)


class RepresentativeForm(_Form):
    representative = PersonChoiceField(queryset=None, label=_("Representative"))

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["representative"].queryset = staff


class DeadlineForm(_Form):
    deadline = forms.DateTimeField(label=_("Deadline"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


class NominationForm(_Form):
    candidate = PersonChoiceField(queryset=None, label=_("Candidate"))
    statement = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["candidate"].queryset = candidates


class VoteForm(_Form):
    nomination = forms.IntegerField(widget=forms.HiddenInput)


class ReasonForm(_Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class OfferForm(_Form):
    basis = forms.ChoiceField(label=_("Tiers by"), choices=Offer.Basis.choices)
    tiers = forms.CharField(
        label=_("Price tiers"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: from how many members (or FTE), then the price per member, e.g. “3: 9500.00”."),
    )
    term_months = forms.IntegerField(label=_("Term (months)"), min_value=1, max_value=120, initial=12)
    concurrent_users = forms.IntegerField(
        label=_("Concurrent users per member"), min_value=1, max_value=MAX_CONCURRENT_USERS, initial=5
    )
    sites = forms.CharField(label=_("Permitted sites"), max_length=300, required=False)
    ill_allowed = forms.BooleanField(label=_("Interlibrary loan allowed"), required=False)
    archival_rights = forms.BooleanField(label=_("Archival rights"), required=False)
    perpetual_access = forms.BooleanField(label=_("Perpetual access"), required=False)
    renewal_cap_percent = forms.IntegerField(
        label=_("Renewal price cap (percent increase)"), min_value=0, max_value=100, required=False
    )
    message = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    on_behalf_of_provider = forms.BooleanField(
        label=_("This is the provider's offer, received by e-mail or phone"), required=False
    )

    def __init__(self, *args: Any, currency: str = "CNY", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.currency = currency

    def clean_tiers(self) -> list[tuple[int, int]]:
        tiers = []
        for line in self.cleaned_data["tiers"].splitlines():
            if not line.strip():
                continue
            minimum, sep, price = line.partition(":")
            # ASCII digits ("²" is isdigit() but not int()), no more than an integer column holds.
            if not sep or not re.fullmatch(r"[0-9]{1,9}", minimum.strip()):
                raise forms.ValidationError(_("Write each tier as “from: price”, e.g. “3: 9500.00”."))
            tiers.append((int(minimum.strip()), _money(price, self.currency)))
        if not tiers:
            raise forms.ValidationError(_("Give at least one price tier."))
        return tiers


class SignForm(_Form):
    signed_name = forms.CharField(label=_("Type your full name to sign"), max_length=200)
    sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)
