"""Forms of the leadership office's org-structure and personnel pages (issue 16)."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from office.models import Department, Function, Position, StaffProfile


class _Crispy(forms.Form):
    layout: tuple[Any, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        if self.layout:
            self.helper.layout = Layout(*self.layout)


def _units(organization_id: int) -> Any:
    return Department.objects.filter(organization_id=organization_id, closed_at__isnull=True).order_by(
        "sort_order", "name"
    )


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.parent} › {obj}" if obj.parent_id else str(obj)


class DepartmentCreateForm(_Crispy):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(Department.Kind.DEPARTMENT, _("Department")), (Department.Kind.GROUP, _("Group"))],
    )
    parent = UnitChoiceField(label=_("Inside"), queryset=Department.objects.none(), required=False,
                             help_text=_("A group belongs to a department; a department may stand alone."))  # fmt: skip
    code = forms.SlugField(label=_("Code"), max_length=40, help_text=_("Letters, digits and hyphens, e.g. metadata."))
    name = forms.CharField(label=_("Name"), max_length=200)
    name_zh = forms.CharField(label=_("Chinese name"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    description_zh = forms.CharField(
        label=_("Chinese description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    layout = (Row(Column("kind"), Column("parent")), "code", Row(Column("name"), Column("name_zh")),
              Row(Column("description"), Column("description_zh")))  # fmt: skip

    def __init__(self, *args: Any, organization_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = _units(organization_id).exclude(kind=Department.Kind.LEADERSHIP)


class DepartmentRenameForm(_Crispy):
    name = forms.CharField(label=_("Name"), max_length=200)
    name_zh = forms.CharField(label=_("Chinese name"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    description_zh = forms.CharField(
        label=_("Chinese description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    layout = (Row(Column("name"), Column("name_zh")), Row(Column("description"), Column("description_zh")))


class DepartmentMoveForm(_Crispy):
    parent = UnitChoiceField(label=_("Move under"), queryset=Department.objects.none(), required=False,
                             empty_label=_("(top level)"))  # fmt: skip

    def __init__(self, *args: Any, organization_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = _units(organization_id)


class FunctionsForm(_Crispy):
    functions = forms.MultipleChoiceField(
        label=_("Functions"), choices=Function.choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("What the unit does for the office; access follows these (e.g. catalog review)."),
    )  # fmt: skip


class PositionForm(_Crispy):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=100)
    name_zh = forms.CharField(label=_("Chinese name"), max_length=100, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Position.Role.choices)
    rank = forms.IntegerField(label=_("Rank"), min_value=0, max_value=10_000, initial=100,
                              help_text=_("Lower comes first in the directory."))  # fmt: skip
    duties = forms.CharField(label=_("Job duties"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    duties_zh = forms.CharField(label=_("Chinese job duties"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    layout = (Row(Column("code"), Column("role"), Column("rank")), Row(Column("name"), Column("name_zh")),
              Row(Column("duties"), Column("duties_zh")))  # fmt: skip

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["code"].disabled = True


class InviteForm(_Crispy):
    display_name = forms.CharField(label=_("Name"), max_length=100)
    username = forms.CharField(label=_("User name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"))
    department = UnitChoiceField(label=_("Unit"), queryset=Department.objects.none())
    position = forms.ModelChoiceField(label=_("Position"), queryset=Position.objects.all())
    title = forms.CharField(label=_("Job title"), max_length=100, required=False)
    language = forms.ChoiceField(label=_("Language of the invitation"), choices=settings.LANGUAGES)
    layout = (Row(Column("display_name"), Column("username")), Row(Column("email"), Column("language")),
              Row(Column("department"), Column("position")), "title")  # fmt: skip

    def __init__(self, *args: Any, organization_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _units(organization_id)


class TransferForm(_Crispy):
    department = UnitChoiceField(label=_("New unit"), queryset=Department.objects.none())
    position = forms.ModelChoiceField(label=_("Position"), queryset=Position.objects.all())
    layout = (Row(Column("department"), Column("position")),)

    def __init__(self, *args: Any, organization_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _units(organization_id)


class _ColleagueField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name} ({obj.department})"


def _colleagues(organization_id: int, exclude_user_id: int) -> Any:
    return (
        StaffProfile.objects.filter(organization_id=organization_id, user__is_active=True)
        .exclude(user_id=exclude_user_id)
        .select_related("department")
        .order_by("display_name")
    )


class DeactivateForm(_Crispy):
    successor = _ColleagueField(label=_("Who takes over the open work"), queryset=StaffProfile.objects.none(),
                                required=False)  # fmt: skip

    def __init__(self, *args: Any, organization_id: int, user_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["successor"].queryset = _colleagues(organization_id, user_id)


class DeputyForm(_Crispy):
    deputy = _ColleagueField(label=_("Deputy"), queryset=StaffProfile.objects.none())
    starts_on = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))
    layout = (Row(Column("deputy"), Column("starts_on"), Column("ends_on")),)

    def __init__(self, *args: Any, organization_id: int, user_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Deactivated people are not offered; the action refuses them too.
        self.fields["deputy"].queryset = _colleagues(organization_id, user_id)
