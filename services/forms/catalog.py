"""The catalog: a service offering."""

from __future__ import annotations

from typing import Any

from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from office.access import staff_profile
from office.fields import MoneyField, currency_from
from office.models import Department
from services.forms.common import _helper
from services.models import DeliveryChannel, Offering


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
