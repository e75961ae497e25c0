"""Operations: Celery worker heartbeats, backups, restore drills and backup retention."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from office.workflow import StatusBadge


class WorkerHeartbeat(models.Model):
    """The last time each Celery worker ran the periodic heartbeat task (health page)."""

    hostname = models.CharField(_("worker"), max_length=200, unique=True)
    last_seen = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return self.hostname


class BackupRun(StatusBadge, models.Model):
    """One backup of the database and media into the backup store (office/backups/).

    Good means: SUCCEEDED, its folder holds manifest.json (written last) and every file's
    SHA-256 matched the manifest when the run ended. PRUNED rows stay for the history chart.
    """

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        PRUNED = "pruned", _("Pruned")

    COLOURS = {
        Status.RUNNING: "secondary",
        Status.SUCCEEDED: "success",
        Status.FAILED: "danger",
        Status.PRUNED: "secondary",
    }

    class Trigger(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        MANUAL = "manual", _("Manual")

    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RUNNING)
    trigger = models.CharField(_("trigger"), max_length=20, choices=Trigger.choices, default=Trigger.SCHEDULED)
    location = models.CharField(_("location"), max_length=500, blank=True)
    size_bytes = models.BigIntegerField(_("size"), default=0)
    manifest = models.JSONField(_("manifest"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    pruned_at = models.DateTimeField(_("pruned"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("backup")
        verbose_name_plural = _("backups")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.status}"

    @property
    def file_names(self) -> list[str]:
        return sorted(self.manifest.get("files", {}))


class BackupDrill(StatusBadge, models.Model):
    """One restore drill: a backup restored into a scratch database and compared with its
    manifest (row counts, content checksums, migrations). Never touches the live database."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Failed")

    COLOURS = {Status.RUNNING: "secondary", Status.PASSED: "success", Status.FAILED: "danger"}

    backup = models.ForeignKey(
        BackupRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="drills", verbose_name=_("backup")
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RUNNING)
    details = models.JSONField(_("details"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("restore drill")
        verbose_name_plural = _("restore drills")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.status}"


class BackupRetention(models.Model):
    """How many daily, weekly and monthly backups retention keeps, set by technical services
    within floors (office.actions_techsvc); one row, and without it the settings' defaults."""

    keep_daily = models.PositiveIntegerField(_("daily backups kept"))
    keep_weekly = models.PositiveIntegerField(_("weekly backups kept"))
    keep_monthly = models.PositiveIntegerField(_("monthly backups kept"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )

    class Meta:
        verbose_name = _("backup retention")
        verbose_name_plural = _("backup retention")

    def __str__(self) -> str:
        return f"{self.keep_daily}/{self.keep_weekly}/{self.keep_monthly}"
