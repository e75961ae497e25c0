"""User training: the sessions and their registrations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from office.models import TimeStampedModel, localized
from services.querysets import TrainingSessionQuerySet


class TrainingSession(TimeStampedModel):
    title = models.CharField(_("topic"), max_length=200)
    title_zh = models.CharField(_("Chinese topic"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    department = models.ForeignKey("office.Department", on_delete=models.PROTECT, related_name="training_sessions")
    trainer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    location = models.CharField(_("place"), max_length=200, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    capacity = models.PositiveIntegerField(_("places"))
    fee_minor = models.BigIntegerField(_("fee"), default=0)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    is_published = models.BooleanField(_("published"), default=True)

    objects = TrainingSessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gt=0), name="training_capacity_gt_0"),
            models.CheckConstraint(condition=Q(fee_minor__gte=0), name="training_fee_gte_0"),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="training_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> str:
        return localized(self, "title")


class TrainingRegistration(TimeStampedModel):
    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")
        ATTENDED = "attended", _("Attended")

    session = models.ForeignKey(TrainingSession, on_delete=models.PROTECT, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="training_registrations")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    # Sessions with a fee: the payment purpose "services.training_registration".
    payment = models.ForeignKey("payments.Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("training registration")
        verbose_name_plural = _("training registrations")
        constraints = [
            # One live registration per person and session (a cancelled one may be followed by a new one).
            models.UniqueConstraint(
                fields=["session", "user"], condition=~Q(status="cancelled"), name="training_registration_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.session_id} {self.user_id} {self.status}"
