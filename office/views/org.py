"""The leadership office's org-structure pages (issue 16): the unit tree, a unit's page
(rename, move, functions, close), and positions with their job duties. Director and
administrative assistant only (403 for everybody else); another office's unit is a 404."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from office import actions_org, forms_org, permissions
from office.access import staff_profile
from office.models import Department, Function, Position
from office.views_support import run_action


def _leadership(request: HttpRequest) -> int:
    """The office the leadership member runs; 403 for everybody else."""
    if not permissions.can_manage_org(request.user):
        raise PermissionDenied
    return staff_profile(request.user).organization_id  # type: ignore[union-attr]


def _tree(organization_id: int) -> list[tuple[int, Department]]:
    units = list(
        Department.objects.filter(organization_id=organization_id)
        .annotate(people=Count("staff", filter=Q(staff__user__is_active=True)))
        .prefetch_related("functions")
        .order_by("sort_order", "name")
    )
    children: dict[int | None, list[Department]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    rows: list[tuple[int, Department]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for unit in children.get(parent_id, []):
            rows.append((depth, unit))
            walk(unit.pk, depth + 1)

    walk(None, 0)
    return rows


@login_required
def org_chart(request: HttpRequest) -> HttpResponse:
    organization_id = _leadership(request)
    labels = dict(Function.choices)
    rows = [
        {"depth": depth, "unit": unit, "functions": [labels[f.function] for f in unit.functions.all()]}
        for depth, unit in _tree(organization_id)
    ]
    return render(request, "office/org/chart.html", {"rows": rows})


@login_required
def unit_create(request: HttpRequest) -> HttpResponse:
    organization_id = _leadership(request)
    initial = {"parent": request.GET.get("parent") or None, "kind": request.GET.get("kind") or "department"}
    form = forms_org.DepartmentCreateForm(request.POST or None, organization_id=organization_id, initial=initial)
    context = {"form": form}
    if request.method != "POST":
        return render(request, "office/org/unit_form.html", context)
    return run_action(
        request,
        form,
        lambda data: actions_org.department_create(
            actor=request.user,
            code=data["code"],
            kind=data["kind"],
            name=data["name"],
            parent_id=data["parent"].pk if data["parent"] else None,
            name_zh=data["name_zh"],
            description=data["description"],
            description_zh=data["description_zh"],
        ),
        success=_("The unit was created."),
        redirect_to=lambda unit: ("office:org_unit", unit.pk),
        template="office/org/unit_form.html",
        template_context=context,
    )


def _unit(request: HttpRequest, pk: int) -> Department:
    organization_id = _leadership(request)
    return get_object_or_404(Department.objects.select_related("parent"), pk=pk, organization_id=organization_id)


def _unit_context(unit: Department, **forms: Any) -> dict[str, Any]:
    functions = list(unit.functions.values_list("function", flat=True))
    data = {"name": unit.name, "name_zh": unit.name_zh, "description": unit.description,
            "description_zh": unit.description_zh}  # fmt: skip
    return {
        "unit": unit,
        "rename_form": forms.get("rename") or forms_org.DepartmentRenameForm(initial=data),
        "move_form": forms.get("move")
        or forms_org.DepartmentMoveForm(organization_id=unit.organization_id, initial={"parent": unit.parent_id}),
        "functions_form": forms.get("functions") or forms_org.FunctionsForm(initial={"functions": functions}),
        "people": unit.staff.filter(user__is_active=True).select_related("position", "user"),
        "groups": unit.children.order_by("sort_order", "name"),
    }


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "office/org/unit_detail.html", _unit_context(_unit(request, pk)))


@require_POST
@login_required
def unit_rename(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit(request, pk)
    form = forms_org.DepartmentRenameForm(request.POST)
    return run_action(
        request,
        form,
        lambda data: actions_org.department_update(actor=request.user, department_id=unit.pk, **data),
        success=_("The unit was renamed."),
        redirect_to=("office:org_unit", unit.pk),
        template="office/org/unit_detail.html",
        template_context=lambda: _unit_context(unit, rename=form),
    )


@require_POST
@login_required
def unit_move(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit(request, pk)
    form = forms_org.DepartmentMoveForm(request.POST, organization_id=unit.organization_id)
    return run_action(
        request,
        form,
        lambda data: actions_org.department_move(
            actor=request.user, department_id=unit.pk, parent_id=data["parent"].pk if data["parent"] else None
        ),
        success=_("The unit was moved."),
        redirect_to=("office:org_unit", unit.pk),
        template="office/org/unit_detail.html",
        template_context=lambda: _unit_context(unit, move=form),
        error_field="parent",
    )


@require_POST
@login_required
def unit_functions(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit(request, pk)
    form = forms_org.FunctionsForm(request.POST)
    return run_action(
        request,
        form,
        lambda data: actions_org.department_set_functions(
            actor=request.user, department_id=unit.pk, functions=data["functions"]
        ),
        success=_("The unit's functions were saved."),
        redirect_to=("office:org_unit", unit.pk),
        template="office/org/unit_detail.html",
        template_context=lambda: _unit_context(unit, functions=form),
        error_field="functions",
    )


@require_POST
@login_required
def unit_close(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit(request, pk)
    return run_action(
        request,
        None,
        lambda _data: actions_org.department_close(actor=request.user, department_id=unit.pk),
        success=_("The unit was closed."),
        redirect_to="office:org_chart",
    )


# --- positions and job duties ------------------------------------------------------------------


@login_required
def position_list(request: HttpRequest) -> HttpResponse:
    _leadership(request)
    positions = Position.objects.annotate(people=Count("holders", filter=Q(holders__user__is_active=True)))
    return render(request, "office/org/position_list.html", {"positions": positions})


@login_required
def position_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _leadership(request)
    position = get_object_or_404(Position, pk=pk) if pk else None
    initial = {}
    if position is not None:
        initial = {key: getattr(position, key) for key in ("code", *actions_org.POSITION_FIELDS)}
    form = forms_org.PositionForm(request.POST or None, initial=initial, editing=position is not None)
    context = {"form": form, "position": position}
    if request.method != "POST":
        return render(request, "office/org/position_form.html", context)
    return run_action(
        request,
        form,
        lambda data: actions_org.position_save(
            actor=request.user,
            position_id=position.pk if position else None,
            **{key: value for key, value in data.items() if position is None or key != "code"},
        ),
        success=_("The position was saved."),
        redirect_to="office:org_positions",
        template="office/org/position_form.html",
        template_context=context,
    )
