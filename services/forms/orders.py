"""Service orders: the order, the quote and the answers to it, assignment, messages, files,
delivery, the formal report, and the client's confirmation."""

from __future__ import annotations

from typing import Any

from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from office.fields import MoneyField
from services.forms.common import MultipleFileField, _helper
from services.models import DeliveryChannel, Offering, OrderFile
from services.selectors import staff_name


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
