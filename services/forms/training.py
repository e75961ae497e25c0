"""Training: a session."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from office.access import staff_profile
from office.fields import DateTimeField, MoneyField, currency_from
from office.models import Department
from services import permissions
from services.forms.common import _helper


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
