"""Input shapes for resource sharing (crispy, Bootstrap 5). Amounts are typed in major units
and parsed to minor units by MoneyField; statuses and parties never come from a form."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from office.fields import MoneyField
from sharing.models import Agency, SharingRequest


def _helper(layout: Layout | None = None) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    if layout is not None:
        helper.layout = layout
    return helper


class CitationForm(forms.Form):
    title = forms.CharField(label=_("Title (book or journal)"), max_length=1000, required=False)
    author = forms.CharField(label=_("Author"), max_length=500, required=False)
    isbn = forms.CharField(label=_("ISBN"), max_length=20, required=False)
    issn = forms.CharField(label=_("ISSN"), max_length=9, required=False)
    publisher = forms.CharField(label=_("Publisher"), max_length=500, required=False)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1000, max_value=2100)
    volume = forms.CharField(label=_("Volume"), max_length=40, required=False)
    issue = forms.CharField(label=_("Issue"), max_length=40, required=False)
    pages = forms.CharField(label=_("Pages"), max_length=40, required=False, help_text=_("For a copy, e.g. 12-30"))
    article_title = forms.CharField(label=_("Article or chapter title"), max_length=1000, required=False)
    article_author = forms.CharField(label=_("Article or chapter author"), max_length=500, required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    urgent = forms.BooleanField(label=_("Urgent (surcharge)"), required=False)
    copyright_declared = forms.BooleanField(
        label=_(
            "I declare that the copy is for private study or research only and within the fair-use terms "
            "of copyright law (copies only)."
        ),
        required=False,
    )

    CITATION = ("title", "author", "isbn", "issn", "publisher", "year", "volume", "issue", "pages")
    ARTICLE = ("article_title", "article_author", "note")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Layout(
                "title",
                Row(Column("author"), Column("publisher")),
                Row(Column("isbn"), Column("issn"), Column("year")),
                Row(Column("volume"), Column("issue"), Column("pages")),
                Row(Column("article_title"), Column("article_author")),
                "note",
                "urgent",
                "copyright_declared",
            )
        )


class RequestForm(CitationForm):
    service_type = forms.ChoiceField(
        label=_("Service"), choices=SharingRequest.ServiceType.choices, widget=forms.RadioSelect, initial="loan"
    )
    record = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout.fields.insert(0, "service_type")
        self.helper.layout.fields.insert(0, "record")


class ClientRequestForm(CitationForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pages"].required = True
        self.fields["copyright_declared"].required = True
        self.fields["copyright_declared"].label = _(
            "I declare that the copy is for private study or research only and within the fair-use terms "
            "of copyright law."
        )


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class ConditionForm(forms.Form):
    fee = MoneyField(label=_("Fee"), required=False, allow_zero=True)
    currency = forms.CharField(label=_("Currency"), max_length=3, required=False)
    note = forms.CharField(label=_("Condition"), max_length=500, required=False)

    def __init__(self, *args: Any, currency: str = "CNY", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fee"].currency = (self.data.get("currency") or currency).upper()[:3]


class UnfilledForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=SharingRequest.Reason.choices)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class ShipForm(forms.Form):
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=60, required=False)
    due_date = forms.DateField(label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class TrackingForm(forms.Form):
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=60, required=False)


class AnswerForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Answer"), choices=[("yes", _("Yes")), ("no", _("No"))], coerce=lambda v: v == "yes"
    )
    due_date = forms.DateField(label=_("New due date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class DeliverForm(forms.Form):
    file = forms.FileField(label=_("Scan (PDF)"))


class PolicyForm(forms.Form):
    rota_rule = forms.ChoiceField(label=_("Rota rule"), choices=Agency.RotaRule.choices)
    preference_list = forms.CharField(
        label=_("Preferred lenders"),
        required=False,
        help_text=_("Agency ids, most preferred first, e.g. CN-HOME, CN-RIVER"),
    )
    answer_days = forms.IntegerField(label=_("Answer within (working days)"), min_value=1, max_value=90)
    loan_days = forms.IntegerField(label=_("Loan period (days)"), min_value=1, max_value=90)
    max_renewals = forms.IntegerField(label=_("Renewals allowed"), min_value=0, max_value=10)
    lends = forms.BooleanField(label=_("Lends to other offices"), required=False)
    loan_fee_minor = MoneyField(label=_("Fee per loan"), allow_zero=True)
    copy_fee_minor = MoneyField(label=_("Fee per copy"), allow_zero=True)
    page_fee_minor = MoneyField(label=_("Fee per copied page"), allow_zero=True)
    urgent_fee_minor = MoneyField(label=_("Urgent surcharge"), allow_zero=True)

    def __init__(self, *args: Any, currency: str = "CNY", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("loan_fee_minor", "copy_fee_minor", "page_fee_minor", "urgent_fee_minor"):
            self.fields[name].currency = currency
        self.helper = _helper(
            Layout(
                Row(Column("rota_rule"), Column("preference_list")),
                Row(Column("answer_days"), Column("loan_days"), Column("max_renewals")),
                "lends",
                Row(Column("loan_fee_minor"), Column("copy_fee_minor")),
                Row(Column("page_fee_minor"), Column("urgent_fee_minor")),
            )
        )

    def clean_preference_list(self) -> list[str]:
        text = self.cleaned_data.get("preference_list") or ""
        return [part.strip().upper() for part in text.split(",") if part.strip()]


# --- the directory (home office leadership) ---------------------------------------------------

CURRENCIES = [(code, code) for code in ("CNY", "HKD", "USD", "EUR", "GBP", "JPY")]


class PartnerForm(forms.Form):
    """An outside partner library. `agency_id` and `secret` only when it is added: the id
    never changes, and the security code has its own page (set once, shown once)."""

    agency_id = forms.CharField(
        label=_("Agency id (ISIL)"), max_length=16, help_text=_("e.g. CN-PARTNER; it cannot be changed later.")
    )
    name = forms.CharField(label=_("Library name"), max_length=200)
    name_zh = forms.CharField(label=_("Chinese name"), max_length=200, required=False)
    iso_address = forms.CharField(
        label=_("ISO 18626 address"),
        max_length=200,
        required=False,
        help_text=_("Where our messages go, https://…; empty: nothing is sent."),
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    postal_address = forms.CharField(label=_("Postal address"), max_length=300, required=False)
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCIES, initial="CNY")
    loan_fee_minor = MoneyField(label=_("Fee per loan"), allow_zero=True)
    copy_fee_minor = MoneyField(label=_("Fee per copy"), allow_zero=True)
    page_fee_minor = MoneyField(label=_("Fee per copied page"), allow_zero=True)
    urgent_fee_minor = MoneyField(label=_("Urgent surcharge"), allow_zero=True)
    is_active = forms.BooleanField(label=_("Active (messages accepted and sent)"), required=False, initial=True)
    secret = forms.CharField(
        label=_("Security code"),
        max_length=128,
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("The code the partner proposed (16 characters or more), or leave empty to generate one."),
    )

    def __init__(self, *args: Any, creating: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        currency = str(self.data.get("currency") or self.initial.get("currency") or "CNY").upper()
        for name in ("loan_fee_minor", "copy_fee_minor", "page_fee_minor", "urgent_fee_minor"):
            self.fields[name].currency = currency if currency in dict(CURRENCIES) else "CNY"
            self.fields[name].initial = 0
        if not creating:
            del self.fields["agency_id"]
            del self.fields["secret"]
        layout = [
            Row(Column("agency_id"), Column("name"), Column("name_zh"))
            if creating
            else Row(Column("name"), Column("name_zh")),
            "iso_address",
            Row(Column("email"), Column("postal_address")),
            Row(Column("currency"), Column("loan_fee_minor"), Column("copy_fee_minor")),
            Row(Column("page_fee_minor"), Column("urgent_fee_minor")),
            "is_active",
        ]
        if creating:
            layout.append("secret")
        self.helper = _helper(Layout(*layout))


class SecretForm(forms.Form):
    secret = forms.CharField(
        label=_("New security code"),
        max_length=128,
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("The code the partner proposed (16 characters or more), or leave empty to generate one."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class ReciprocityForm(forms.Form):
    """An agreement between two member offices; the offices only when it is made."""

    first = forms.TypedChoiceField(label=_("Office"), coerce=int)
    second = forms.TypedChoiceField(label=_("Other office"), coerce=int)
    # An <input type="date"> shows only an ISO date, whatever the language.
    starts_on = forms.DateField(
        label=_("Free lending from"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    ends_on = forms.DateField(
        label=_("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Empty: open-ended."),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, creating: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if creating:
            offices = [(a.pk, str(a)) for a in Agency.objects.active().members()]
            self.fields["first"].choices = self.fields["second"].choices = [("", "---------"), *offices]
        else:
            del self.fields["first"]
            del self.fields["second"]
        rows = [Row(Column("first"), Column("second"))] if creating else []
        self.helper = _helper(Layout(*rows, Row(Column("starts_on"), Column("ends_on")), "note"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("first") and data.get("first") == data.get("second"):
            self.add_error("second", _("Choose another office."))
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("The agreement cannot end before it starts."))
        return data
