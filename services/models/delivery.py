"""Deliveries of an order's results, and the expiring download links they make."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from services.models.catalog import DeliveryChannel
from services.models.orders import OrderFile, ServiceOrder


class Delivery(models.Model):
    """One delivery of an order's deliverables by one channel; recorded whatever the channel."""

    order = models.ForeignKey(ServiceOrder, on_delete=models.PROTECT, related_name="deliveries")
    channel = models.CharField(_("channel"), max_length=20, choices=DeliveryChannel.choices)
    files = models.ManyToManyField(OrderFile, related_name="deliveries", blank=True)
    recipient = models.CharField(_("sent to"), max_length=300, blank=True)
    postal_address = models.TextField(_("postal address"), blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=60, blank=True)
    note = models.TextField(_("note"), blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    emailed_at = models.DateTimeField(_("e-mail sent"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self) -> str:
        return f"{self.order_id} {self.channel}"


class DownloadLink(models.Model):
    """An expiring link to one deliverable, usable only by the client user it was made for.
    The URL carries only the id: the check is who asks and when (no secret in the URL)."""

    file = models.ForeignKey(OrderFile, on_delete=models.PROTECT, related_name="links")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="links", null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"))
    download_count = models.PositiveIntegerField(_("downloads"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("download link")
        verbose_name_plural = _("download links")

    def __str__(self) -> str:
        return f"{self.file} → {self.user}"

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at
