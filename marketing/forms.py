from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketing.models import Inquiry, NewsItem, Page, Partner, Resource, Subject, SubjectLink

MIN_SECONDS = 3  # a person takes longer than this to fill in the form; a script does not
_SALT = "marketing.inquiry.form"


class _Helper:
    def _helper(self) -> None:
        self.helper = FormHelper()
        self.helper.form_tag = False


class InquiryForm(_Helper, forms.Form):
    """The public cooperation / general inquiry form. Spam protection without JavaScript or an
    outside service: a honeypot field people never see, and a signed time stamp (a form sent
    back within MIN_SECONDS was filled in by a script); the view also limits POSTs per IP."""

    kind = forms.ChoiceField(
        label=_("Your inquiry is about"),
        choices=[(Inquiry.Kind.COOPERATION, _("Cooperation")), (Inquiry.Kind.GENERAL, _("General inquiry"))],
        widget=forms.RadioSelect,
        initial=Inquiry.Kind.COOPERATION,
    )
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("E-mail"))
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    subject = forms.CharField(label=_("Subject"), max_length=200, required=False)
    message = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000)
    # The honeypot: hidden from people by CSS and aria-hidden, named like a field bots fill in.
    website = forms.CharField(label=_("Leave this field empty"), required=False)
    stamp = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._helper()
        if not self.is_bound:
            self.initial["stamp"] = signing.dumps(int(timezone.now().timestamp()), salt=_SALT)
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    def is_spam(self) -> bool:
        if self.cleaned_data.get("website"):
            return True
        try:
            sent = signing.loads(self.cleaned_data.get("stamp") or "", salt=_SALT, max_age=86400)
        except signing.BadSignature:
            return True
        return timezone.now().timestamp() - int(sent) < MIN_SECONDS


class PageForm(_Helper, forms.ModelForm):
    class Meta:
        model = Page
        fields = [
            "slug",
            "kind",
            "title",
            "title_zh",
            "summary",
            "summary_zh",
            "body",
            "body_zh",
            "is_published",
            "sort_order",
        ]
        widgets = {"body": forms.Textarea(attrs={"rows": 12}), "body_zh": forms.Textarea(attrs={"rows": 12})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._helper()


class NewsForm(_Helper, forms.ModelForm):
    class Meta:
        model = NewsItem
        fields = ["slug", "title", "title_zh", "body", "body_zh", "publish_from", "publish_until", "campaign"]
        widgets = {
            "publish_from": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "publish_until": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._helper()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("publish_from"), data.get("publish_until")
        if start and end and end <= start:
            self.add_error("publish_until", _("The end must come after the start."))
        return data


class PartnerForm(_Helper, forms.ModelForm):
    logo = forms.FileField(label=_("Logo (PNG, JPEG or SVG, at most 1 MB)"), required=False)

    class Meta:
        model = Partner
        fields = ["kind", "name", "name_zh", "description", "description_zh", "url", "is_published", "sort_order"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._helper()

    def clean_logo(self) -> Any:
        logo = self.cleaned_data.get("logo")
        if logo:
            if logo.size > 1024 * 1024:
                raise forms.ValidationError(_("The logo is larger than 1 MB."))
            if not logo.name.lower().endswith((".png", ".jpg", ".jpeg", ".svg")):
                raise forms.ValidationError(_("The logo must be a PNG, JPEG or SVG file."))
        return logo


class ResourceForm(_Helper, forms.ModelForm):
    class Meta:
        model = Resource
        fields = [
            "slug", "kind", "title", "title_zh", "abstract", "abstract_zh", "coverage", "coverage_zh",
            "sample", "sample_zh", "fulltext_url", "access_terms", "access_terms_zh", "subjects", "tags",
            "is_published",
        ]  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._helper()


class SubjectForm(_Helper, forms.ModelForm):
    class Meta:
        model = Subject
        fields = ["parent", "code", "name", "name_zh", "sort_order"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._helper()


class SubjectLinkForm(_Helper, forms.ModelForm):
    class Meta:
        model = SubjectLink
        fields = ["subject", "title", "title_zh", "url", "resource", "description", "description_zh", "sort_order"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._helper()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("url") and not data.get("resource"):
            raise forms.ValidationError(_("Give an address or choose one of our resources."))
        return data


class AnswerForm(_Helper, forms.Form):
    reply = forms.CharField(
        label=_("Reply (e-mailed in the inquirer's language)"), widget=forms.Textarea(attrs={"rows": 8})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._helper()


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(Inquiry.Status.CLOSED, ""), (Inquiry.Status.SPAM, ""), (Inquiry.Status.NEW, "")]
    )
