"""Delivered scans and the expiring, limited-use links that fetch them."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sharing.models.requests import SharingRequest


def _delivered_file_path(instance: DeliveredFile, filename: str) -> str:
    # Server-generated name: the uploader's file name never reaches the file system.
    return f"sharing/{instance.request_id}/{uuid.uuid4().hex}.pdf"


class DeliveredFile(models.Model):
    """A scan the lender delivered (PDF); the bytes are deleted after SHARING_FILE_DAYS."""

    request = models.ForeignKey(SharingRequest, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(_("file"), upload_to=_delivered_file_path, max_length=200, blank=True)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("delivered file")
        verbose_name_plural = _("delivered files")

    def __str__(self) -> str:
        return self.original_name


class DownloadLink(models.Model):
    """An expiring, limited-use link to one delivered file for one user (e-mailed to them)."""

    file = models.ForeignKey(DeliveredFile, on_delete=models.CASCADE, related_name="links")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    max_uses = models.PositiveSmallIntegerField(_("uses allowed"), default=3)
    use_count = models.PositiveSmallIntegerField(_("used"), default=0)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("download link")
        verbose_name_plural = _("download links")
        constraints = [models.CheckConstraint(condition=Q(use_count__lte=F("max_uses")), name="downloadlink_uses")]

    def __str__(self) -> str:
        return f"{self.file_id} → {self.user_id}"

    @property
    def is_usable(self) -> bool:
        return timezone.now() < self.expires_at and self.use_count < self.max_uses and not self.file.deleted_at
