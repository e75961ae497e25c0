"""Consultations: the question and the replies."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ConsultationForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Your question"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
