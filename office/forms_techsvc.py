"""Forms of technical services' pages (issue 16): schedules and the equipment inventory."""

from __future__ import annotations

from typing import Any

from crispy_forms.layout import Column, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from office.forms_org import UnitChoiceField, _ColleagueField, _colleagues, _Crispy, _units
from office.models import Department, Equipment, StaffProfile

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


class ScheduleForm(_Crispy):
    enabled = forms.BooleanField(label=_("Enabled"), required=False)
    time = forms.TimeField(label=_("Time of day"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    every_minutes = forms.IntegerField(label=_("Every (minutes)"), required=False, min_value=1)

    def __init__(self, *args: Any, task: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if task.crontab is None:
            del self.fields["time"]
        if task.interval is None:
            del self.fields["every_minutes"]


class EquipmentForm(_Crispy):
    asset_tag = forms.SlugField(label=_("Asset tag"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Equipment.Kind.choices)
    manufacturer = forms.CharField(label=_("Manufacturer"), max_length=100, required=False)
    model_name = forms.CharField(label=_("Model"), max_length=100, required=False)
    serial_number = forms.CharField(label=_("Serial number"), max_length=100, required=False)
    custodian = UnitChoiceField(label=_("Custodian unit"), queryset=Department.objects.none())
    location = forms.CharField(label=_("Room"), max_length=200, required=False)
    assigned_to = _ColleagueField(label=_("Assigned to"), queryset=StaffProfile.objects.none(), required=False)
    purchase_date = forms.DateField(label=_("Purchase date"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    warranty_until = forms.DateField(label=_("Warranty until"), required=False,
                                     widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    layout = (Row(Column("asset_tag"), Column("name"), Column("kind")),
              Row(Column("manufacturer"), Column("model_name"), Column("serial_number")),
              Row(Column("custodian"), Column("location"), Column("assigned_to")),
              Row(Column("purchase_date"), Column("warranty_until")), "notes")  # fmt: skip

    def __init__(self, *args: Any, organization_id: int, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["custodian"].queryset = _units(organization_id)
        self.fields["assigned_to"].queryset = _colleagues(organization_id, 0)
        if editing:
            self.fields["asset_tag"].disabled = True


class EquipmentDocumentForm(_Crispy):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(label=_("File"), help_text=_("A manual, invoice or warranty card; at most 20 MB."))
    layout = (Row(Column("title"), Column("file")),)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_DOCUMENT_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload


class RetentionForm(_Crispy):
    daily = forms.IntegerField(label=_("Daily backups kept"), min_value=0)
    weekly = forms.IntegerField(label=_("Weekly backups kept"), min_value=0)
    monthly = forms.IntegerField(label=_("Monthly backups kept"), min_value=0)
    layout = (Row(Column("daily"), Column("weekly"), Column("monthly")),)
