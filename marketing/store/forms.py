from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from marketing.store.models import MAX_QUANTITY, BuyerType, LicenceOption, Product
from office import money
from office.fields import MoneyField
from office.validators import clean_phone


class CartAddForm(forms.Form):
    quantity = forms.IntegerField(label=_("Seats or copies"), min_value=1, max_value=MAX_QUANTITY, initial=1)
    ip_ranges = forms.CharField(
        label=_("IP ranges (offices; one per line)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CouponForm(forms.Form):
    code = forms.CharField(label=_("Coupon code"), max_length=40, required=False)


class CheckoutForm(forms.Form):
    """The checkout token, and the address a disc goes to (asked for and checked only when the
    cart holds a disc: actions.shipping.shipping_address_clean)."""

    token = forms.CharField(max_length=40, widget=forms.HiddenInput)
    ship_name = forms.CharField(label=_("Recipient"), max_length=100, required=False)
    ship_phone = forms.CharField(label=_("Recipient's phone"), max_length=30, required=False)
    ship_address = forms.CharField(
        label=_("Shipping address"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    ship_postcode = forms.CharField(label=_("Postcode"), max_length=12, required=False)

    def clean_ship_phone(self) -> str:
        """The rule of the service clients' phone and fax (office.validators.clean_phone); the
        checkout action asks for it when the cart holds a disc."""
        return clean_phone(self.cleaned_data["ship_phone"], _("phone"))


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


# --- the selling unit: catalogue, prices, coupons, discs -------------------------------------

COVER_MAX_BYTES = 2 * 1024 * 1024
SAMPLE_MAX_BYTES = 20 * 1024 * 1024
SAMPLE_EXTENSIONS = (".pdf", ".txt", ".csv", ".zip", ".epub", ".png", ".jpg", ".jpeg")


def content_max_bytes() -> int:
    """The deliverable's limit: settings.STORE_MAX_CONTENT_BYTES (default 500 MB)."""
    from django.conf import settings

    return int(getattr(settings, "STORE_MAX_CONTENT_BYTES", 500 * 1024 * 1024))


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}"


class _Crispy:
    def _crispy(self) -> None:
        from crispy_forms.helper import FormHelper

        self.helper = FormHelper()
        self.helper.form_tag = False


class ProductForm(_Crispy, forms.ModelForm):
    """A product's texts, unit and files. Covers are checked to be images (PNG, JPEG or WebP:
    served inline on public pages, so nothing a browser would run); the sample is a document
    downloaded as an attachment; the deliverable is only served through the checking view."""

    cover_upload = forms.FileField(label=_("Cover image (PNG, JPEG or WebP, at most 2 MB)"), required=False)
    remove_cover = forms.BooleanField(label=_("Remove the cover image"), required=False)
    sample_upload = forms.FileField(
        label=_("Sample (PDF, text, CSV, ZIP, EPUB or image, at most 20 MB)"), required=False
    )
    remove_sample = forms.BooleanField(label=_("Remove the sample"), required=False)
    content_upload = forms.FileField(label=_("File delivered on download"), required=False)

    class Meta:
        model = Product
        fields = [
            "slug", "kind", "department", "name", "name_zh", "summary", "summary_zh", "description",
            "description_zh", "subjects", "access_text", "access_text_zh",
        ]  # fmt: skip
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "description_zh": forms.Textarea(attrs={"rows": 5}),
            "access_text": forms.Textarea(attrs={"rows": 4}),
            "access_text_zh": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, units: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from office.models import Department

        self.fields["department"].queryset = Department.objects.filter(pk__in=[u.pk for u in units or []])
        self.fields["department"].label = _("Selling unit")
        self.fields["slug"].label = _("Web address (slug)")
        self.fields["slug"].help_text = _("Lower-case letters, digits and dashes: /store/p/<slug>/")
        self.fields["content_upload"].help_text = _(
            "At most %(mb)s MB; buyers reach it only through their licence."
        ) % {"mb": _megabytes(content_max_bytes())}
        self._crispy()

    def clean_cover_upload(self) -> Any:
        upload = self.cleaned_data.get("cover_upload")
        if not upload:
            return upload
        if upload.size > COVER_MAX_BYTES:
            raise forms.ValidationError(_("The cover image is larger than 2 MB."))
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(upload) as image:
                image_format = image.format
                image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise forms.ValidationError(_("The cover must be a PNG, JPEG or WebP image.")) from None
        if image_format not in {"PNG", "JPEG", "WEBP"}:
            raise forms.ValidationError(_("The cover must be a PNG, JPEG or WebP image."))
        upload.seek(0)
        return upload

    def clean_sample_upload(self) -> Any:
        upload = self.cleaned_data.get("sample_upload")
        if upload:
            if upload.size > SAMPLE_MAX_BYTES:
                raise forms.ValidationError(_("The sample is larger than 20 MB."))
            if not upload.name.lower().endswith(SAMPLE_EXTENSIONS):
                raise forms.ValidationError(_("The sample must be a PDF, text, CSV, ZIP, EPUB or image file."))
        return upload

    def clean_content_upload(self) -> Any:
        upload = self.cleaned_data.get("content_upload")
        if upload and upload.size > content_max_bytes():
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": _megabytes(content_max_bytes())}
            )
        return upload

    def action_data(self) -> dict[str, Any]:
        """The cleaned data as `actions.product_save` takes it."""
        data = dict(self.cleaned_data)
        data["cover"], data["sample"], data["content"] = (
            data.pop("cover_upload"),
            data.pop("sample_upload"),
            data.pop("content_upload"),
        )
        return data


class PublishForm(forms.Form):
    published = forms.BooleanField(required=False)


class LicenceOptionForm(_Crispy, forms.ModelForm):
    class Meta:
        model = LicenceOption
        fields = [
            "kind", "name", "name_zh", "term_months", "max_seats", "ip_ranges_required", "max_downloads",
            "link_days", "rights", "rights_zh", "offices_only", "active",
        ]  # fmt: skip
        widgets = {"rights": forms.Textarea(attrs={"rows": 3}), "rights_zh": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "term_months": _("Online access and transmission rights: 1 to 120 months. Downloads and discs have none."),
            "max_downloads": _("Download licences: how often the file may be downloaded (1 to 1,000)."),
            "link_days": _("Download licences: how long a download link works (1 to 31 days)."),
            "offices_only": _("Transmission rights are always for member offices only."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["term_months"].widget.attrs.update({"min": 1, "max": 120})
        self.fields["max_seats"].widget.attrs.update({"min": 1, "max": MAX_QUANTITY})
        self.fields["max_seats"].help_text = _(
            "Online access and transmission rights: the seats are the users who may be in at the same time. "
            "Empty: no limit of its own."
        )
        self.fields["max_downloads"].required = False
        self.fields["link_days"].required = False
        self._crispy()

    def validate_unique(self) -> None:
        """The action checks what is saved; the form checks input shape only."""


class PriceTierForm(forms.Form):
    buyer_type = forms.ChoiceField(label=_("Buyer type"), choices=[])
    min_quantity = forms.IntegerField(label=_("From seats or copies"), min_value=1, max_value=MAX_QUANTITY)
    unit_minor = MoneyField(label=_("Unit price (tax included)"), allow_zero=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A blank first choice, so a row left empty posts nothing and is ignored.
        self.fields["buyer_type"].choices = [("", "—"), *BuyerType.choices]


class _PriceTierBaseFormSet(forms.BaseFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"


PriceTierFormSet = forms.formset_factory(
    PriceTierForm, formset=_PriceTierBaseFormSet, extra=3, can_delete=True, max_num=30, validate_max=True
)


class PriceCurrencyForm(forms.Form):
    currency = forms.CharField(label=_("Currency"), max_length=3, min_length=3, initial="CNY")

    def clean_currency(self) -> str:
        try:
            return money.clean_currency(self.cleaned_data["currency"])
        except money.CurrencyError as exc:
            raise forms.ValidationError(str(exc)) from None


class CouponEditForm(forms.Form):
    campaign = forms.CharField(label=_("Campaign"), max_length=80, required=False)
    percent_off = forms.IntegerField(label=_("Percent off"), min_value=1, max_value=100, required=False)
    amount_off_minor = MoneyField(label=_("Amount off"), required=False)
    valid_from = forms.DateField(label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"}))
    max_uses = forms.IntegerField(label=_("Uses allowed"), min_value=1, max_value=1_000_000)
    active = forms.BooleanField(label=_("Active"), required=False)


class ShipForm(forms.Form):
    carrier = forms.CharField(label=_("Carrier"), max_length=60)
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=40)
