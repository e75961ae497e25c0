"""The formal, numbered report of an order, and the yearly counter of its numbers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from office.models import TimeStampedModel
from services.models.orders import OrderFile, ServiceOrder


class ReportCounter(models.Model):
    """The last formal report number issued per year; locked while a number is taken."""

    year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("report counter")
        verbose_name_plural = _("report counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class Report(TimeStampedModel):
    """The formal, numbered report of a novelty search (or similar), signed off by a reviewer."""

    order = models.OneToOneField(ServiceOrder, on_delete=models.PROTECT, related_name="report")
    number = models.CharField(_("report number"), max_length=30, unique=True)
    findings = models.TextField(_("search findings"))
    conclusion = models.TextField(_("conclusion"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file = models.OneToOneField(OrderFile, on_delete=models.PROTECT, related_name="report", null=True, blank=True)

    class Meta:
        verbose_name = _("formal report")
        verbose_name_plural = _("formal reports")

    def __str__(self) -> str:
        return self.number
