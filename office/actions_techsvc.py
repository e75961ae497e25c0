"""Technical services' writes (issue 16): periodic schedules within safe bounds (through
django-celery-beat's models) and the equipment inventory (add, edit, retire, assign, attach
documents). Each write locks its row, checks, writes and audits."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from office import audit, permissions
from office.access import staff_profile
from office.exceptions import DomainError
from office.models import Department, Equipment, EquipmentDocument, StaffProfile
from office.uploads import save_upload

BACKUP_TASK = "office.tasks.backup_run_task"
MIN_INTERVAL_SECONDS = 60
MAX_INTERVAL_SECONDS = 86400  # every periodic job runs at least daily


@transaction.atomic
def schedule_update(
    *, actor: Any, task_id: int, enabled: bool, time: datetime.time | None = None, every_minutes: int | None = None
) -> Any:
    """Change when a periodic job runs. A wall-clock job keeps its shape (daily stays daily)
    and only moves in time; an interval stays between a minute and a day; the backup is
    never switched off."""
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    if not permissions.can_edit_schedules(actor):
        raise PermissionDenied(_("Only technical services change the schedules."))
    task = PeriodicTask.objects.select_for_update(of=("self",)).select_related("crontab", "interval").filter(pk=task_id)
    task = task.first()
    if task is None:
        raise DomainError(_("This schedule does not exist."))
    if task.task == BACKUP_TASK and not enabled:
        raise DomainError(_("The backup runs at least daily: it cannot be switched off."))
    before = {"enabled": task.enabled, "crontab": task.crontab_id, "interval": task.interval_id}
    if task.crontab is not None and time is not None:
        old = task.crontab
        if task.task == BACKUP_TASK and (old.day_of_month != "*" or old.day_of_week != "*"):
            raise DomainError(_("The backup runs at least daily."))
        task.crontab, _created = CrontabSchedule.objects.get_or_create(
            minute=str(time.minute), hour=str(time.hour), day_of_week=old.day_of_week,
            day_of_month=old.day_of_month, month_of_year=old.month_of_year, timezone=settings.TIME_ZONE,
        )  # fmt: skip
    elif task.interval is not None and every_minutes is not None:
        seconds = every_minutes * 60
        if not MIN_INTERVAL_SECONDS <= seconds <= MAX_INTERVAL_SECONDS:
            raise DomainError(_("Choose between 1 minute and 1,440 minutes (once a day)."))
        task.interval, _created = IntervalSchedule.objects.get_or_create(every=seconds, period=IntervalSchedule.SECONDS)
    task.enabled = enabled
    task.save()
    after = {"enabled": task.enabled, "crontab": task.crontab_id, "interval": task.interval_id}
    audit.record(
        actor=actor, target=task, verb="office.schedule.changed",
        organization=staff_profile(actor).organization, data={"name": task.name, "before": before, "after": after},
    )  # fmt: skip
    return task


# Retention never below these (a week of dailies, a month of weeklies, a quarter of monthlies).
RETENTION_FLOOR = {"daily": 7, "weekly": 4, "monthly": 3}
RETENTION_CEILING = {"daily": 366, "weekly": 104, "monthly": 120}


@transaction.atomic
def retention_update(*, actor: Any, daily: int, weekly: int, monthly: int) -> Any:
    """How many backups retention keeps; never below the floor (nothing changes if it is)."""
    from office.models import BackupRetention

    if not permissions.can_edit_schedules(actor):
        raise PermissionDenied(_("Only technical services change the schedules."))
    wanted = {"daily": daily, "weekly": weekly, "monthly": monthly}
    for key, value in wanted.items():
        if value < RETENTION_FLOOR[key]:
            raise DomainError(
                _("Keep at least %(daily)d daily, %(weekly)d weekly and %(monthly)d monthly backups.") % RETENTION_FLOOR
            )
        if value > RETENTION_CEILING[key]:
            raise DomainError(_("That keeps more backups than the store is meant to hold."))
    row = BackupRetention.objects.select_for_update().order_by("pk").first() or BackupRetention(
        keep_daily=0, keep_weekly=0, keep_monthly=0
    )
    before = {"daily": row.keep_daily, "weekly": row.keep_weekly, "monthly": row.keep_monthly}
    row.keep_daily, row.keep_weekly, row.keep_monthly, row.updated_by = daily, weekly, monthly, actor
    row.save()
    audit.record(actor=actor, target=row, verb="office.backup_retention.changed",
                 organization=staff_profile(actor).organization, data={"before": before, "after": wanted})  # fmt: skip
    return row


EQUIPMENT_FIELDS = ("name", "kind", "manufacturer", "model_name", "serial_number", "location", "purchase_date",
                    "warranty_until", "notes")  # fmt: skip


def _check_equipment(actor: Any) -> Any:
    profile = staff_profile(actor)
    if profile is None or not permissions.can_manage_equipment(actor, profile.organization):
        raise PermissionDenied(_("Only technical services keep the equipment inventory."))
    return profile.organization


def _assignment(organization: Any, custodian_id: int, assigned_to_id: int | None) -> dict[str, Any]:
    custodian = Department.objects.filter(pk=custodian_id, organization=organization).first()
    if custodian is None:
        raise DomainError(_("Choose a unit of your office as the custodian."))
    if (
        assigned_to_id
        and not StaffProfile.objects.filter(
            user_id=assigned_to_id, organization=organization, user__is_active=True
        ).exists()
    ):
        raise DomainError(_("Choose an active colleague of your office."))
    return {"custodian": custodian, "assigned_to_id": assigned_to_id or None}


def _check_dates(values: dict[str, Any]) -> None:
    bought, warranty = values.get("purchase_date"), values.get("warranty_until")
    if bought and warranty and warranty < bought:
        raise DomainError(_("The warranty cannot end before the purchase date."))


@transaction.atomic
def equipment_save(
    *, actor: Any, equipment_id: int | None = None, asset_tag: str = "", custodian_id: int,
    assigned_to_id: int | None = None, **fields: Any,
) -> Equipment:  # fmt: skip
    """Add an item to the office's inventory, or change one (also who or which room has it)."""
    organization = _check_equipment(actor)
    values = {key: value for key, value in fields.items() if key in EQUIPMENT_FIELDS}
    _check_dates(values)
    values.update(_assignment(organization, custodian_id, assigned_to_id))
    if equipment_id is None:
        tag = asset_tag.strip().lower()
        if not tag or Equipment.objects.filter(organization=organization, asset_tag=tag).exists():
            raise DomainError(_("Another item of your office already has this asset tag."))
        item = Equipment.objects.create(organization=organization, asset_tag=tag, **values)
        audit.record(actor=actor, target=item, verb="office.equipment.added", data={"tag": tag})
        return item
    item = Equipment.objects.select_for_update().filter(pk=equipment_id, organization=organization).first()
    if item is None:
        raise DomainError(_("This item is not in your office's inventory."))
    if item.status == Equipment.Status.RETIRED:
        raise DomainError(_("A retired item is no longer edited."))
    changed = {key: str(value) for key, value in values.items() if getattr(item, key) != value}
    for key, value in values.items():
        setattr(item, key, value)
    item.save()
    audit.record(actor=actor, target=item, verb="office.equipment.changed", data={"fields": sorted(changed)})
    return item


@transaction.atomic
def equipment_retire(*, actor: Any, equipment_id: int) -> Equipment:
    organization = _check_equipment(actor)
    item = Equipment.objects.select_for_update().filter(pk=equipment_id, organization=organization).first()
    if item is None:
        raise DomainError(_("This item is not in your office's inventory."))
    if item.status == Equipment.Status.RETIRED:
        raise DomainError(_("This item is already retired."))
    if item.tickets.open().exists():
        raise DomainError(_("Close its open maintenance tickets first."))
    item.status, item.retired_at, item.assigned_to = Equipment.Status.RETIRED, timezone.now(), None
    item.save(update_fields=["status", "retired_at", "assigned_to", "updated_at"])
    audit.record(actor=actor, target=item, verb="office.equipment.retired", data={})
    return item


@transaction.atomic
def equipment_document_add(*, actor: Any, equipment_id: int, title: str, upload: Any) -> EquipmentDocument:
    organization = _check_equipment(actor)
    item = Equipment.objects.select_for_update().filter(pk=equipment_id, organization=organization).first()
    if item is None:
        raise DomainError(_("This item is not in your office's inventory."))
    document = EquipmentDocument(equipment=item, title=title.strip() or upload.name, uploaded_by=actor)
    save_upload(document.file, upload.name, upload)
    document.save()
    audit.record(actor=actor, target=item, verb="office.equipment.document_added", data={"document": document.pk})
    return document


def backup_request(*, actor: Any) -> None:
    """Queue a backup now (issue 20): technical services' button on the Backups page. The
    backup itself runs in a worker (office.tasks.backup_run_task, trigger "manual"); the store
    lock stops it if another backup or drill is running. Refused while a backup is running."""
    from office.models import BackupRun
    from office.queue import enqueue_on_commit

    if not permissions.can_run_backup(actor):
        raise PermissionDenied
    with transaction.atomic():
        if BackupRun.objects.filter(status=BackupRun.Status.RUNNING).exists():
            raise DomainError(_("A backup is running already; it is in the list when it ends."))
        audit.record(actor=actor, verb="office.backup.requested", data={"trigger": BackupRun.Trigger.MANUAL})
        enqueue_on_commit(BACKUP_TASK, trigger=BackupRun.Trigger.MANUAL.value)
