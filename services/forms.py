"""Input shapes (crispy, Bootstrap 5). Money is typed as text ("800.00") and parsed to minor
units by office.fields.MoneyField; statuses, amounts to pay and owners never come from a form."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.contrib.auth import password_validation
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from office.access import staff_profile
from office.fields import DateTimeField, MoneyField, currency_from
from office.models import ClientAccount, Department
from services import permissions
from services.models import DeliveryChannel, Offering, OrderFile
from services.selectors import staff_name


def _helper(layout: Layout | None = None) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False  # the template owns <form> and buttons
    if layout is not None:
        helper.layout = layout
    return helper


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; each is validated by `services.uploads` in the action."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


# --- catalog ----------------------------------------------------------------------------------


class OfferingForm(forms.ModelForm):
    price = MoneyField(label=_("Price"), required=False, max_length=20, help_text=_("Empty for quoted services."))
    delivery_channels = forms.MultipleChoiceField(
        label=_("Delivery channels"), choices=DeliveryChannel.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Offering
        fields = [
            "code",
            "kind",
            "name",
            "name_zh",
            "description",
            "description_zh",
            "department",
            "pricing",
            "currency",
            "period_days",
            "turnaround_days",
            "delivery_channels",
            "is_active",
            "sort_order",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "description_zh": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        profile = staff_profile(user)
        departments = Department.objects.none()
        if profile is not None:
            departments = Department.objects.filter(organization_id=profile.organization_id)
        self.fields["department"].queryset = departments
        self.fields["price"].currency = currency_from(self)
        if self.instance.pk and self.instance.price_minor:
            self.initial["price"] = self.instance.price_minor
        self.helper = _helper(
            Layout(
                Row(Column("code"), Column("kind"), Column("department")),
                Row(Column("name"), Column("name_zh")),
                Row(Column("description"), Column("description_zh")),
                Row(Column("pricing"), Column("price"), Column("currency"), Column("period_days")),
                Row(Column("turnaround_days"), Column("sort_order"), Column("is_active")),
                "delivery_channels",
            )
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        pricing = data.get("pricing")
        if pricing == Offering.Pricing.QUOTED:
            self.instance.price_minor = None
        elif data.get("price") is not None:
            self.instance.price_minor = data["price"]
        elif "price" not in self.errors:
            self.add_error("price", _("Fixed-price and subscription services need a price."))
        if pricing == Offering.Pricing.SUBSCRIPTION and not data.get("period_days"):
            self.add_error("period_days", _("Subscriptions need a period."))
        return data


# --- clients ------------------------------------------------------------------------------------


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


# --- orders -------------------------------------------------------------------------------------


class OrderForm(forms.Form):
    topic = forms.CharField(label=_("Topic"), max_length=300)
    keywords = forms.CharField(label=_("Keywords"), max_length=500, required=False)
    scope = forms.CharField(
        label=_("Scope and requirements"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
        help_text=_("Years, languages, databases, kinds of documents, what the result is for."),
    )
    deadline = forms.DateField(label=_("Wanted by"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    delivery_channel = forms.ChoiceField(label=_("Preferred delivery"))
    attachments = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args: Any, offering: Offering, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(DeliveryChannel.choices)
        self.fields["delivery_channel"].choices = [(c, labels[c]) for c in offering.delivery_channels if c in labels]
        self.helper = _helper(
            Layout("topic", "keywords", "scope", Row(Column("deadline"), Column("delivery_channel")), "attachments")
        )

    def clean_deadline(self) -> Any:
        deadline = self.cleaned_data["deadline"]
        if deadline and deadline < timezone.localdate():
            raise forms.ValidationError(_("The deadline cannot be in the past."))
        return deadline


class QuoteForm(forms.Form):
    amount = MoneyField(label=_("Price"), max_length=20)
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)

    def __init__(self, *args: Any, currency: str = "CNY", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.currency = self.fields["amount"].currency = currency
        self.helper = _helper(Layout(Row(Column("amount"), Column("due_date")), "note"))

    def clean_due_date(self) -> Any:
        due = self.cleaned_data["due_date"]
        if due < timezone.localdate():
            raise forms.ValidationError(_("The due date cannot be in the past."))
        return due


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )


class RefundReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)


class AssignForm(forms.Form):
    assignee = forms.TypedChoiceField(label=_("Assign to"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, staff: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", _("Automatically: the least-loaded staff member"))] + [
            (p.user_id, p.display_name) for p in staff
        ]


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    internal = forms.BooleanField(label=_("Work log entry (staff only)"), required=False)
    minutes_spent = forms.IntegerField(label=_("Minutes spent"), required=False, min_value=0, max_value=1440)

    def __init__(self, *args: Any, log_work: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not log_work:
            del self.fields["internal"]
            del self.fields["minutes_spent"]
            self.helper = _helper()
        else:
            self.helper = _helper(Layout("body", Row(Column("internal"), Column("minutes_spent"))))


class FileForm(forms.Form):
    file = forms.FileField(label=_("File"))


# The fields each delivery channel needs; the form shows only those of the chosen channel.
CHANNEL_FIELDS = {
    DeliveryChannel.EMAIL: [],
    DeliveryChannel.DOWNLOAD: [],
    DeliveryChannel.FAX: ["fax_number"],
    DeliveryChannel.POST: ["postal_address", "tracking_number"],
}


class DeliverForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=DeliveryChannel.choices, widget=forms.HiddenInput)
    files = forms.TypedMultipleChoiceField(
        label=_("Deliverables"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    fax_number = forms.CharField(label=_("Fax number"), max_length=40, required=False)
    postal_address = forms.CharField(
        label=_("Postal address"), widget=forms.Textarea(attrs={"rows": 2}), max_length=500, required=False
    )
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=60, required=False)
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)

    def __init__(self, *args: Any, files: list[OrderFile], channel: str = "", **kwargs: Any) -> None:
        """`channel`: the channel whose fields are shown (a page view; a POST reads its own).
        The only deliverable is ticked from the start."""
        super().__init__(*args, **kwargs)
        self.fields["files"].choices = [(f.pk, f.original_name) for f in files]
        if len(files) == 1 and not self.is_bound:
            self.initial["files"] = [files[0].pk]
        if not self.is_bound:
            channel = channel if channel in CHANNEL_FIELDS else self.initial.get("channel", DeliveryChannel.EMAIL)
            self.initial["channel"] = channel
            shown = CHANNEL_FIELDS.get(channel, [])
            for name in ("fax_number", "postal_address", "tracking_number"):
                if name not in shown:
                    del self.fields[name]
        self.helper = _helper(Layout(*[n for n in ("channel", "files", "fax_number", "postal_address",
                                                   "tracking_number", "note") if n in self.fields]))  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in ("fax_number", "postal_address", "tracking_number"):
            data.setdefault(name, "")
        return data


class ReportForm(forms.Form):
    findings = forms.CharField(label=_("Search findings"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20000)
    conclusion = forms.CharField(label=_("Conclusion"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    reviewer = forms.TypedChoiceField(label=_("Reviewer (signs off)"), coerce=int)

    def __init__(self, *args: Any, reviewers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].choices = [(u.pk, staff_name(u)) for u in reviewers]


class ConfirmForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        coerce=int,
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )


# --- subscriptions, consultations, training --------------------------------------------------------


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


class ConsultationForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Your question"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class TrainingSessionForm(forms.ModelForm):
    fee = MoneyField(
        label=_("Fee"), max_length=20, required=False, allow_zero=True, help_text=_("Empty or 0 for free sessions.")
    )

    class Meta:
        from services.models import TrainingSession

        model = TrainingSession
        fields = [
            "title",
            "title_zh",
            "description",
            "department",
            "trainer",
            "starts_at",
            "ends_at",
            "location",
            "online_url",
            "capacity",
            "currency",
            "is_published",
        ]
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "ends_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"starts_at": DateTimeField, "ends_at": DateTimeField}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        from django.contrib.auth import get_user_model

        super().__init__(*args, **kwargs)
        profile = staff_profile(user)
        org_id = profile.organization_id if profile else None
        # Only the departments whose sessions `user` may edit (the action asks the same predicate).
        departments = [unit.pk for unit in permissions.training_departments(user)]
        self.fields["department"].queryset = Department.objects.filter(pk__in=departments)
        self.fields["trainer"].queryset = get_user_model().objects.filter(
            staff_profile__organization_id=org_id, is_active=True
        )
        self.fields["online_url"].assume_scheme = "https"
        self.fields["fee"].currency = currency_from(self)
        if self.instance.pk:
            self.initial.setdefault("fee", self.instance.fee_minor)
        self.helper = _helper()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "fee" not in self.errors:
            self.instance.fee_minor = data.get("fee") or 0
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("The session must end after it starts."))
        return data
