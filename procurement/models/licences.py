"""Usage-right licences for e-resources."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from office.models import TimeStampedModel
from office.workflow import StatusBadge
from procurement.models.orders import PurchaseOrder, PurchaseOrderLine
from procurement.models.vendors import Vendor
from procurement.querysets import LicenceQuerySet


class Licence(StatusBadge, TimeStampedModel):
    """A bought or rented right to use an e-resource for a term."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        EXPIRED = "expired", _("Expired")
        RENEWED = "renewed", _("Renewed")

    COLOURS = {Status.ACTIVE: "success", Status.EXPIRED: "secondary", Status.RENEWED: "info"}

    organization = models.ForeignKey(
        "office.Organization", on_delete=models.PROTECT, related_name="licences", verbose_name=_("office")
    )
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="licences", verbose_name=_("vendor"))
    order = models.ForeignKey(
        PurchaseOrder,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="licences",
        verbose_name=_("order"),
    )
    order_line = models.OneToOneField(
        PurchaseOrderLine, on_delete=models.PROTECT, null=True, blank=True, related_name="licence"
    )
    title = models.CharField(_("resource"), max_length=300)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    concurrent_users = models.PositiveIntegerField(_("concurrent users"), default=1)
    permitted_sites = models.CharField(_("permitted sites"), max_length=300, blank=True)
    ip_ranges = models.TextField(_("IP ranges"), blank=True, help_text=_("One CIDR range per line."))
    terms = models.TextField(_("licence terms"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    reminder_sent_at = models.DateTimeField(_("renewal reminder sent"), null=True, blank=True)
    renewed_by = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="renewal_of", verbose_name=_("renewal")
    )

    objects = LicenceQuerySet.as_manager()

    class Meta:
        ordering = ["ends_on", "title"]
        verbose_name = _("licence")
        verbose_name_plural = _("licences")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="licence_period_ordered"),
            models.CheckConstraint(condition=Q(concurrent_users__gte=1), name="licence_users_gte_1"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def days_left(self) -> int:
        return (self.ends_on - timezone.localdate()).days
