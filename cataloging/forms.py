"""Input shapes of the union catalog pages."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cataloging import marc
from cataloging.actions.statements import FIRST_STATEMENT_YEAR

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
NEW_RECORD_TEMPLATE = """LDR 00000nam a2200000 i 4500
008 250101s2025    cc            000 0 chi d
020 ## $a
084 ## $a$2clc
100 1# $a
245 10 $a$c
264 #1 $a$b$c
300 ## $a
650 #0 $a"""


class MarcRecordForm(forms.Form):
    marc_text = forms.CharField(
        label=_("MARC record"),
        widget=forms.Textarea(attrs={"rows": 18, "class": "font-monospace", "spellcheck": "false"}),
        help_text=_(
            "One field a line: tag, space, two indicators (# for blank), space, then subfields ($a…). "
            "Control fields: tag, space, data. Write {dollar} for a dollar sign in the data."
        ),
    )
    note = forms.CharField(label=_("What changed"), max_length=300, required=False)
    keep_invalid_isbn = forms.BooleanField(
        label=_("Save with an invalid ISBN anyway (the reviewer sees the error)"), required=False
    )

    def clean_marc_text(self) -> str:
        text = self.cleaned_data["marc_text"]
        try:
            record = marc.record_from_text(text)
            marc.to_storage(record)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
        # Drop empty subfields left over from the template, so "$a" alone is no content.
        self.record = record
        for f in record.fields:
            if not f.is_control_field():
                f.subfields = [sf for sf in f.subfields if sf.value.strip()]
        record.fields = [f for f in record.fields if f.is_control_field() or f.subfields]
        # An invalid ISBN is an error on the field, not silently dropped on save (issue 20).
        problems = [
            marc.isbn_problem(sf.value)
            for f in record.get_fields("020")
            for sf in f.subfields
            if sf.code == "a" and sf.value.strip()
        ]
        problems = [p for p in problems if p]
        if problems and not self.data.get("keep_invalid_isbn"):
            raise forms.ValidationError(problems)
        return text


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the contributing office"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )


class HoldingForm(forms.Form):
    call_number = forms.CharField(label=_("Call number"), max_length=100, required=False)
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    copies = forms.IntegerField(label=_("Copies"), min_value=1, max_value=9999, initial=1)
    lendable = forms.BooleanField(label=_("May be lent to other offices"), required=False, initial=True)


class HoldingEditForm(HoldingForm):
    note = forms.CharField(label=_("Internal note (only your office sees it)"), max_length=500, required=False)


class MarcUploadForm(forms.Form):
    file = forms.FileField(
        label=_("MARC file"),
        help_text=_("ISO 2709 (UTF-8 or MARC-8) or MARCXML, at most 20 MB."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is %(size).1f MB; the limit is 20 MB. Split it into smaller files.")
                % {"size": upload.size / 1024 / 1024}
            )
        data = upload.read()
        upload.seek(0)
        try:
            marc.check_file(data)
        except marc.MarcFileError as exc:
            raise forms.ValidationError(str(exc)) from None
        return upload


class StatementCloseForm(forms.Form):
    month = forms.CharField(
        label=_("Month"), max_length=7, widget=forms.TextInput(attrs={"type": "month", "placeholder": "2025-01"})
    )

    def clean_month(self) -> tuple[int, int]:
        value = self.cleaned_data["month"]
        match = re.fullmatch(r"(\d{4})-(\d{2})", value)
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise forms.ValidationError(_("Enter a month as YYYY-MM."))
        year, month = int(match.group(1)), int(match.group(2))
        # The action refuses an unfinished month too, but only after computing the month's
        # bounds: 9999-12 ends in year 10000 and 0000-01 starts in year 0, which no date holds.
        today = timezone.localdate()
        if year < FIRST_STATEMENT_YEAR or (year, month) >= (today.year, today.month):
            raise forms.ValidationError(_("Enter a finished month, from 2000 on."))
        return year, month


class CompareForm(forms.Form):
    a = forms.IntegerField(label=_("Older version"), min_value=1)
    b = forms.IntegerField(label=_("Newer version"), min_value=1)
