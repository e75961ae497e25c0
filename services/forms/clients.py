"""Clients: registration and their own contact and invoice details."""

from __future__ import annotations

from typing import Any

from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from office.models import ClientAccount
from services.forms.common import _helper


class ClientRegistrationForm(forms.Form):
    username = forms.RegexField(
        label=_("User name"),
        max_length=150,
        regex=r"^[\w.@+-]+\Z",
        help_text=_("Letters, digits and @/./+/-/_ only."),
    )
    email = forms.EmailField(label=_("E-mail"), max_length=254)  # the user model's column
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False, max_length=128)
    kind = forms.ChoiceField(label=_("I register as"), choices=ClientAccount.Kind.choices)
    display_name = forms.CharField(label=_("Contact name"), max_length=200)
    organisation_name = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    fax = forms.CharField(label=_("Fax"), max_length=40, required=False)
    postal_address = forms.CharField(
        label=_("Postal address"), widget=forms.Textarea(attrs={"rows": 2}), max_length=500, required=False
    )
    invoice_title = forms.CharField(label=_("Invoice title"), max_length=200, required=False)
    tax_id = forms.CharField(label=_("Tax ID"), max_length=40, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Layout(
                Row(Column("username"), Column("email")),
                Row(Column("password"), Column("kind")),
                Row(Column("display_name"), Column("organisation_name")),
                Row(Column("phone"), Column("fax")),
                "postal_address",
                Row(Column("invoice_title"), Column("tax_id")),
            )
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") == ClientAccount.Kind.ORGANISATION and not data.get("organisation_name"):
            self.add_error("organisation_name", _("Enter the organisation's name."))
        password = data.get("password")
        if password:
            try:
                password_validation.validate_password(password)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data


def _clean_phone(value: str, label: str) -> str:
    """A telephone or fax number: office.validators.clean_phone, one rule with the store's
    recipient phone (its ValidationError is the form's)."""
    from office.validators import clean_phone

    return clean_phone(value, label)


class ClientProfileForm(forms.ModelForm):
    """A client's contact and invoice details. The e-mail address is not on this form: it is
    the account's login identity and where deliveries go, so it changes only through customer
    service (see the page)."""

    class Meta:
        model = ClientAccount
        fields = [
            "kind",
            "display_name",
            "organisation_name",
            "phone",
            "fax",
            "postal_address",
            "invoice_title",
            "tax_id",
        ]
        labels = {
            "kind": _("I am"),
            "display_name": _("Contact name"),
            "organisation_name": _("Organisation"),
            "phone": _("Phone"),
            "fax": _("Fax"),
            "postal_address": _("Postal address"),
            "invoice_title": _("Invoice title"),
            "tax_id": _("Tax ID"),
        }
        help_texts = {
            "fax": _("Used when results are delivered by fax."),
            "postal_address": _("Used when results are delivered by post."),
            "invoice_title": _("The name printed on your invoices (an organisation's full registered name)."),
            "tax_id": _("Unified social credit code or taxpayer number: 15 to 20 letters and digits."),
        }
        widgets = {"postal_address": forms.Textarea(attrs={"rows": 3, "maxlength": 500})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["display_name"].required = True
        self.helper = _helper(
            Layout(
                Row(Column("kind"), Column("display_name")),
                "organisation_name",
                Row(Column("phone"), Column("fax")),
                "postal_address",
                Row(Column("invoice_title"), Column("tax_id")),
            )
        )

    def clean_display_name(self) -> str:
        value = self.cleaned_data["display_name"].strip()
        if not value:
            raise forms.ValidationError(_("Enter a contact name."))
        return value

    def clean_phone(self) -> str:
        return _clean_phone(self.cleaned_data["phone"], _("phone"))

    def clean_fax(self) -> str:
        return _clean_phone(self.cleaned_data["fax"], _("fax"))

    def clean_postal_address(self) -> str:
        value = self.cleaned_data["postal_address"].strip()
        if len(value) > 500:
            raise forms.ValidationError(_("The postal address is too long (500 characters at most)."))
        return value

    def clean_tax_id(self) -> str:
        import re

        value = self.cleaned_data["tax_id"].strip().upper().replace(" ", "")
        if value and not re.fullmatch(r"[0-9A-Z]{15,20}", value):
            raise forms.ValidationError(_("A tax ID has 15 to 20 letters and digits."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") == ClientAccount.Kind.ORGANISATION and not (data.get("organisation_name") or "").strip():
            self.add_error("organisation_name", _("Enter the organisation's name."))
        if data.get("tax_id") and not (data.get("invoice_title") or "").strip():
            self.add_error("invoice_title", _("Enter the invoice title that goes with the tax ID."))
        return data
