"""Input shapes for customer contact. The chat's forms are drawn by hand in the compact widget;
the survey and canned-answer forms use crispy like the rest of the site."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from marketing.support.actions.chat import MAX_MESSAGE
from marketing.support.models import CannedAnswer, SurveyInvitation


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False  # the template owns <form> and buttons
    return helper


class StartForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=120, required=False)
    email = forms.EmailField(label=_("Your e-mail"), required=False)
    message = forms.CharField(label=_("Your message"), max_length=MAX_MESSAGE, widget=forms.Textarea(attrs={"rows": 3}))
    page = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)
    # A field people never see (hidden by CSS and labelled so): a bot that fills it is refused.
    website = forms.CharField(required=False, label=_("Leave this empty"))

    def __init__(self, *args: Any, known: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A signed-in client is known by the account; anybody else says who they are.
        self.fields["name"].required = self.fields["email"].required = not known

    def clean_website(self) -> str:
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Your message could not be sent."))
        return ""


class MessageForm(forms.Form):
    text = forms.CharField(label=_("Message"), max_length=MAX_MESSAGE, widget=forms.Textarea(attrs={"rows": 2}))


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Reply"), max_length=MAX_MESSAGE, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    canned = forms.ModelChoiceField(
        label=_("Canned answer"), queryset=CannedAnswer.objects.filter(is_active=True), required=False
    )

    def __init__(self, *args: Any, language: str = "en", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.language = language
        self.fields["canned"].label_from_instance = lambda answer: answer.display_title

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        text = (data.get("text") or "").strip()
        canned = data.get("canned")
        if not text and canned is not None:
            data["text"] = canned.text_for(self.language)  # sent as is, in the visitor's language
        elif not text:
            raise forms.ValidationError(_("Write a reply or choose a canned answer."))
        return data


class TransferForm(forms.Form):
    to_user_id = forms.TypedChoiceField(label=_("Pass to"), coerce=int)

    def __init__(self, *args: Any, colleagues: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_user_id"].choices = [(p.user_id, p.display_name) for p in colleagues]


class CannedAnswerForm(forms.ModelForm):
    class Meta:
        model = CannedAnswer
        fields = ["title", "title_zh", "text", "text_zh", "sort_order", "is_active"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3}), "text_zh": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()


SCORE_CHOICES = [(n, str(n)) for n in range(11)]
RATING_CHOICES = [("", "–"), *[(n, str(n)) for n in range(1, 6)]]


class SurveyForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How likely are you to recommend us to a colleague? (0 = not at all, 10 = certainly)"),
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "form-check-inline"}),
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for topic, label in SurveyInvitation.TOPICS.items():
            self.fields[f"rating_{topic}"] = forms.TypedChoiceField(
                label=label, choices=RATING_CHOICES, coerce=int, empty_value=None, required=False
            )
        self.helper = _helper()

    def ratings(self) -> dict[str, Any]:
        return {topic: self.cleaned_data.get(f"rating_{topic}") for topic in SurveyInvitation.TOPICS}


class NoteForm(forms.Form):
    note = forms.CharField(label=_("What was done"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()
