"""Consultations: a client's question and the thread of its answers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from office.models import TimeStampedModel
from office.workflow import StatusBadge
from services.querysets import ConsultationQuerySet


class Consultation(StatusBadge, TimeStampedModel):
    """A client's question, answered by customer-service staff; first response time tracked."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for an answer")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    COLOURS = {Status.OPEN: "warning", Status.ANSWERED: "info", Status.CLOSED: "secondary"}

    client = models.ForeignKey(
        "office.ClientAccount", on_delete=models.PROTECT, related_name="consultations", verbose_name=_("client")
    )
    department = models.ForeignKey("office.Department", on_delete=models.PROTECT, related_name="consultations")
    subject = models.CharField(_("subject"), max_length=200)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    first_response_at = models.DateTimeField(_("first answered"), null=True, blank=True)

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def __str__(self) -> str:
        return self.subject

    @property
    def first_response_hours(self) -> float | None:
        if self.first_response_at is None:
            return None
        return round((self.first_response_at - self.created_at).total_seconds() / 3600, 1)


class ConsultationMessage(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_staff = models.BooleanField(default=False)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("consultation message")
        verbose_name_plural = _("consultation messages")

    def __str__(self) -> str:
        return f"{self.consultation_id}: {self.body[:40]}"
