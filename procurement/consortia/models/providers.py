"""A provider's own accounts (its representatives)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from office.models import TimeStampedModel


class ProviderRepresentative(TimeStampedModel):
    """A provider's own account: it sees and answers only the negotiations and contracts of
    consortia that buy from its vendor record (never elections, members' internals or payments)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="provider_representations",
        verbose_name=_("user"),
    )
    vendor = models.ForeignKey(
        "procurement.Vendor", on_delete=models.CASCADE, related_name="representatives", verbose_name=_("provider")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("provider representative")
        verbose_name_plural = _("provider representatives")
        constraints = [models.UniqueConstraint(fields=["user", "vendor"], name="providerrep_once_per_vendor")]

    def __str__(self) -> str:
        return f"{self.user} ({self.vendor})"
