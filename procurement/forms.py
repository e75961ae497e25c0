"""Input shape for purchasing. Rules that need other rows live in the actions."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from office.exceptions import DomainError
from office.fields import MoneyField
from office.money import to_major
from procurement.actions.licences import MAX_CONCURRENT_USERS, normalize_ip_ranges
from procurement.integrations import VENDOR_STATUSES
from procurement.models import MAX_QUANTITY, Licence, Vendor, VendorItem


class _Crispy:
    def _helper(self) -> None:
        self.helper = FormHelper()
        self.helper.form_tag = False  # the template owns <form> and buttons


class VendorForm(_Crispy, forms.ModelForm):
    class Meta:
        model = Vendor
        fields = [
            "code",
            "name",
            "name_zh",
            "integration",
            "api_base_url",
            "api_key",
            "webhook_secret",
            "contact_name",
            "email",
            "phone",
            "address",
            "website",
            "payee_name",
            "bank_name",
            "bank_account",
            "payment_terms",
            "lead_time_days",
            "is_active",
        ]
        # Write-only: a stored secret is never sent back to the browser (issue 17 item 8).
        widgets = {
            "api_key": forms.PasswordInput(render_value=False),
            "webhook_secret": forms.PasswordInput(render_value=False),
        }

    SECRETS = ("api_key", "webhook_secret")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.SECRETS:
            if getattr(self.instance, name):
                self.fields[name].help_text = _("Stored. Leave blank to keep it; type a new one to replace it.")
        self._helper()

    def _stored_unless_typed(self, name: str) -> str:
        return self.cleaned_data.get(name) or getattr(self.instance, name)

    def clean_api_key(self) -> str:
        return self._stored_unless_typed("api_key")

    def clean_webhook_secret(self) -> str:
        return self._stored_unless_typed("webhook_secret")

    @property
    def changed_data(self) -> list[str]:
        """A secret left blank is kept, not changed (the audit lists the changed fields)."""
        return [
            name for name in super().changed_data if name not in self.SECRETS or self.data.get(self.add_prefix(name))
        ]

    def clean_lead_time_days(self) -> int:
        days = self.cleaned_data["lead_time_days"]
        if days > 365:
            raise forms.ValidationError(_("Enter at most 365 days."))
        return days

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("integration") == Vendor.Integration.API and not data.get("api_base_url"):
            self.add_error("api_base_url", _("An API vendor needs the address of its API."))
        if data.get("integration") == Vendor.Integration.API and not data.get("webhook_secret"):
            self.add_error("webhook_secret", _("An API vendor needs a secret to sign its webhook calls."))
        return data


class ApprovalLimitForm(forms.Form):
    """A department head's approval limit, typed as an amount ("8,000.00") in the office currency."""

    limit = MoneyField(label=_("Approval limit"), allow_zero=True)

    def __init__(self, *args: Any, currency: str = "CNY", current_minor: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["limit"].currency = currency
        if current_minor is not None:
            self.initial["limit"] = str(to_major(current_minor, currency))


class CatalogImportForm(_Crispy, forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8, header row: sku,title,title_zh,kind,format,isbn,term_months,price,currency,available"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._helper()

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > 5_000_000:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(_("Upload a .csv file."))
        return upload.read()


class CatalogSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    vendor = forms.ChoiceField(label=_("Vendor"), required=False)
    kind = forms.ChoiceField(label=_("Type"), required=False, choices=[("", _("All types")), *VendorItem.Kind.choices])
    fmt = forms.ChoiceField(
        label=_("Format"), required=False, choices=[("", _("All formats")), *VendorItem.Format.choices]
    )
    price_min = MoneyField(label=_("Price from"), required=False, allow_zero=True)
    price_max = MoneyField(label=_("Price up to"), required=False, allow_zero=True)
    available = forms.BooleanField(label=_("Available only"), required=False)

    def __init__(self, *args: Any, vendors: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vendor"].choices = [("", _("All vendors")), *((str(v.pk), str(v)) for v in vendors)]
        for field in self.fields.values():  # Bootstrap classes: the filter bar is laid out by its template
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select form-select-sm"
            else:
                widget.attrs["class"] = "form-control form-control-sm"


class QuantityForm(forms.Form):
    quantity = forms.IntegerField(label=_("Quantity"), min_value=0, max_value=MAX_QUANTITY)


class CartAddForm(forms.Form):
    item = forms.IntegerField(min_value=1)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=MAX_QUANTITY, initial=1)


class CheckoutForm(_Crispy, forms.Form):
    budget = forms.ModelChoiceField(label=_("Budget line"), queryset=None)
    justification = forms.CharField(label=_("Justification"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args: Any, budgets: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["budget"].queryset = budgets
        self._helper()


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class DeputyForm(_Crispy, forms.Form):
    deputy = forms.ModelChoiceField(label=_("Deputy"), queryset=None)
    starts_on = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, organization_id: int, exclude_user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deputy"].queryset = (
            get_user_model()
            .objects.filter(staff_profile__organization_id=organization_id)
            .exclude(pk=exclude_user.pk)
            .order_by("username")
        )
        self.fields["deputy"].label_from_instance = lambda u: u.staff_profile.display_name
        self._helper()


# The vendor's tracking codes (procurement.integrations.VENDOR_STATUSES) as a reader's label.
VENDOR_STATUS_LABELS = {
    "accepted": _("Accepted by the vendor"),
    "confirmed": _("Confirmed by the vendor"),
    "processing": _("Being prepared"),
    "shipped": _("Shipped"),
    "in_transit": _("In transit"),
    "delayed": _("Delayed"),
    "delivered": _("Delivered"),
}
_TRACKING_ORDER = ("accepted", "confirmed", "processing", "shipped", "in_transit", "delayed", "delivered")


class TrackingForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(s, VENDOR_STATUS_LABELS.get(s, s)) for s in _TRACKING_ORDER if s in VENDOR_STATUSES],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    message = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )


class InvoiceForm(_Crispy, forms.Form):
    number = forms.CharField(label=_("Invoice number"), max_length=64)
    issued_on = forms.DateField(label=_("Invoice date"), widget=forms.DateInput(attrs={"type": "date"}))
    amount = MoneyField(label=_("Amount"), allow_zero=True)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._helper()


class _LicenceFields(_Crispy, forms.ModelForm):
    """Shape checks shared by the new-licence and the edit form; `actions.licence_update`
    checks the same rules again."""

    def clean_ip_ranges(self) -> str:
        try:
            return normalize_ip_ranges(self.cleaned_data["ip_ranges"])
        except DomainError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_concurrent_users(self) -> int:
        value = self.cleaned_data["concurrent_users"]
        if not 1 <= value <= MAX_CONCURRENT_USERS:
            raise forms.ValidationError(
                _("Concurrent users must lie between 1 and %(max)s.") % {"max": MAX_CONCURRENT_USERS}
            )
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The licence must end after it starts."))
        return data


class LicenceForm(_LicenceFields):
    class Meta:
        model = Licence
        fields = [
            "vendor",
            "title",
            "starts_on",
            "ends_on",
            "concurrent_users",
            "permitted_sites",
            "ip_ranges",
            "terms",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, vendors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vendor"].queryset = vendors
        self._helper()


class LicenceEditForm(_LicenceFields):
    """Usage rights of an existing licence (the resource and vendor stay)."""

    class Meta:
        model = Licence
        fields = ["starts_on", "ends_on", "concurrent_users", "permitted_sites", "ip_ranges", "terms"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ip_ranges": forms.Textarea(attrs={"rows": 4, "placeholder": "10.0.0.0/16"}),
            "terms": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._helper()


class RenewForm(forms.Form):
    ends_on = forms.DateField(label=_("New end date"), widget=forms.DateInput(attrs={"type": "date"}))
