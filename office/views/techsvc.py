"""Technical services' pages (issue 16): a periodic schedule's edit page, and the equipment
inventory's add, edit, retire and documents (served through a checking view)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from office import actions_techsvc, forms_techsvc, permissions, schedules
from office.access import staff_profile, staff_required
from office.models import Equipment, EquipmentDocument
from office.views_support import run_action


@login_required
def schedule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    from django_celery_beat.models import PeriodicTask

    if not permissions.can_edit_schedules(request.user):
        raise PermissionDenied
    task = get_object_or_404(PeriodicTask.objects.select_related("crontab", "interval"), pk=pk)
    initial: dict[str, Any] = {"enabled": task.enabled}
    if task.crontab is not None and task.crontab.hour.isdigit() and task.crontab.minute.isdigit():
        initial["time"] = f"{int(task.crontab.hour):02d}:{int(task.crontab.minute):02d}"
    if task.interval is not None:
        initial["every_minutes"] = max(1, int(task.interval.schedule.run_every.total_seconds()) // 60)
    form = forms_techsvc.ScheduleForm(request.POST or None, task=task, initial=initial)
    title, description = schedules.SCHEDULE_TEXTS.get(task.name, (task.name, ""))
    context = {"form": form, "task": task, "title": title, "description": description}
    if request.method != "POST":
        return render(request, "office/equipment_schedule_form.html", context)
    return run_action(
        request,
        form,
        lambda data: actions_techsvc.schedule_update(
            actor=request.user,
            task_id=task.pk,
            enabled=data["enabled"],
            time=data.get("time"),
            every_minutes=data.get("every_minutes"),
        ),  # fmt: skip
        success=_("The schedule was changed."),
        redirect_to="office:schedule_list",
        template="office/equipment_schedule_form.html",
        template_context=context,
    )


def _office_id(request: HttpRequest) -> int:
    profile = staff_profile(request.user)
    if profile is None or not permissions.can_manage_equipment(request.user, profile.organization):
        raise PermissionDenied
    return profile.organization_id


def _equipment_data(data: dict[str, Any]) -> dict[str, Any]:
    values = {key: data[key] for key in actions_techsvc.EQUIPMENT_FIELDS if key in data}
    values["custodian_id"] = data["custodian"].pk
    values["assigned_to_id"] = data["assigned_to"].user_id if data.get("assigned_to") else None
    return values


@login_required
def equipment_create(request: HttpRequest) -> HttpResponse:
    organization_id = _office_id(request)
    form = forms_techsvc.EquipmentForm(request.POST or None, organization_id=organization_id)
    context = {"form": form, "item": None}
    if request.method != "POST":
        return render(request, "office/equipment_form.html", context)
    return run_action(
        request,
        form,
        lambda data: actions_techsvc.equipment_save(
            actor=request.user, asset_tag=data["asset_tag"], **_equipment_data(data)
        ),
        success=_("The item was added to the inventory."),
        redirect_to=lambda item: ("office:equipment_detail", item.pk),
        template="office/equipment_form.html",
        template_context=context,
    )


@login_required
def equipment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organization_id = _office_id(request)
    item = get_object_or_404(Equipment, pk=pk, organization_id=organization_id)
    initial = {key: getattr(item, key) for key in ("asset_tag", *actions_techsvc.EQUIPMENT_FIELDS)}
    initial["custodian"] = item.custodian_id
    if item.assigned_to_id:
        initial["assigned_to"] = getattr(item.assigned_to, "staff_profile", None)
    form = forms_techsvc.EquipmentForm(request.POST or None, organization_id=organization_id, initial=initial,
                                       editing=True)  # fmt: skip
    context = {"form": form, "item": item}
    if request.method != "POST":
        return render(request, "office/equipment_form.html", context)
    return run_action(
        request,
        form,
        lambda data: actions_techsvc.equipment_save(actor=request.user, equipment_id=item.pk, **_equipment_data(data)),
        success=_("The item was saved."),
        redirect_to=("office:equipment_detail", item.pk),
        template="office/equipment_form.html",
        template_context=context,
    )


@require_POST
@login_required
def equipment_retire(request: HttpRequest, pk: int) -> HttpResponse:
    organization_id = _office_id(request)
    item = get_object_or_404(Equipment, pk=pk, organization_id=organization_id)
    return run_action(
        request,
        None,
        lambda _data: actions_techsvc.equipment_retire(actor=request.user, equipment_id=item.pk),
        success=_("The item was retired."),
        redirect_to=("office:equipment_detail", item.pk),
    )


@require_POST
@login_required
def equipment_document_add(request: HttpRequest, pk: int) -> HttpResponse:
    organization_id = _office_id(request)
    item = get_object_or_404(Equipment, pk=pk, organization_id=organization_id)
    form = forms_techsvc.EquipmentDocumentForm(request.POST, request.FILES)
    return run_action(
        request,
        form,
        lambda data: actions_techsvc.equipment_document_add(
            actor=request.user, equipment_id=item.pk, title=data["title"], upload=data["file"]
        ),
        success=_("The document was attached."),
        redirect_to=("office:equipment_detail", item.pk),
    )


@require_safe
@staff_required
def equipment_document_download(request: HttpRequest, pk: int, doc: int) -> FileResponse:
    """Staff of the item's office only; another office's item is a 404."""
    item = get_object_or_404(Equipment.objects.visible_to(request.user), pk=pk)
    document = get_object_or_404(EquipmentDocument, pk=doc, equipment=item)
    name = document.file.name.rsplit("/", 1)[-1]
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=name)


@login_required
def retention_edit(request: HttpRequest) -> HttpResponse:
    """How many backups retention keeps (technical services, never below the floor)."""
    from office.backups.retention import current_retention

    if not permissions.can_edit_schedules(request.user):
        raise PermissionDenied
    form = forms_techsvc.RetentionForm(request.POST or None, initial=current_retention())
    context = {"form": form, "floor": actions_techsvc.RETENTION_FLOOR}
    if request.method != "POST":
        return render(request, "office/equipment_retention_form.html", context)
    return run_action(
        request,
        form,
        lambda data: actions_techsvc.retention_update(actor=request.user, **data),
        success=_("The retention was changed."),
        redirect_to="office:schedule_list",
        template="office/equipment_retention_form.html",
        template_context=context,
    )


@login_required
@require_POST
def backup_run_now(request: HttpRequest) -> HttpResponse:
    """Queue a backup now (issue 20), after a confirmation (the dialog, or a page without JS)."""
    if not permissions.can_run_backup(request.user):
        raise PermissionDenied
    if request.POST.get("confirm") != "yes":
        context = {
            "confirm_title": _("Run a backup now?"),
            "confirm_summary": _(
                "A backup of the database and files starts in the background; it takes a few minutes and "
                "appears in the list when it ends. The nightly backup runs as usual."
            ),
            "confirm_button": _("Run a backup now"),
            "confirm_class": "btn-primary",
            "confirm_action": request.path,
            "confirm_fields": [],
            "confirm_back": reverse("office:backup_list"),
        }
        return render(request, "partials/confirm_page.html", context)
    return run_action(
        request,
        None,
        lambda data: actions_techsvc.backup_request(actor=request.user),
        success=_("A backup was queued: it appears in the list when it ends (reload the page in a few minutes)."),
        redirect_to="office:backup_list",
    )
