"""Money between agencies: each completed request's charge and the monthly netted settlement."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from office.models import TimeStampedModel
from office.workflow import StatusBadge
from sharing.models.agencies import Agency
from sharing.models.requests import SharingRequest
from sharing.querysets import SettlementQuerySet


class Settlement(StatusBadge, TimeStampedModel):
    """One month's netted statement between two agencies (stored lower id first):
    what `first` owes `second` minus what `second` owes `first`; the debtor pays `amount_minor`."""

    class Status(models.TextChoices):
        ISSUED = "issued", _("Issued")
        PAID = "paid", _("Paid")
        SETTLED = "settled", _("Nothing to pay")

    COLOURS = {Status.ISSUED: "warning", Status.PAID: "success", Status.SETTLED: "secondary"}

    period_start = models.DateField(_("month"))
    first = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    second = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    first_owes_minor = models.BigIntegerField(_("first owes"), default=0)
    second_owes_minor = models.BigIntegerField(_("second owes"), default=0)
    debtor = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    creditor = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    amount_minor = models.BigIntegerField(_("net amount"), default=0)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ISSUED)
    payment = models.ForeignKey("payments.Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    objects = SettlementQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "first", "second"]
        verbose_name = _("settlement statement")
        verbose_name_plural = _("settlement statements")
        constraints = [
            models.UniqueConstraint(fields=["period_start", "first", "second", "currency"], name="settlement_once"),
            models.CheckConstraint(condition=Q(first__lt=F("second")), name="settlement_ordered_pair"),
            models.CheckConstraint(
                condition=Q(first_owes_minor__gte=0) & Q(second_owes_minor__gte=0) & Q(amount_minor__gte=0),
                name="settlement_amounts_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(status="paid", paid_at__isnull=False) | ~Q(status="paid"), name="settlement_paid_has_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period_start:%Y-%m} {self.first_id}/{self.second_id}"

    @property
    def is_payable(self) -> bool:
        return self.status == self.Status.ISSUED and self.amount_minor > 0


class Charge(models.Model):
    """What a borrower owes a lender for one completed request; closed into a Settlement."""

    request = models.OneToOneField(SharingRequest, on_delete=models.PROTECT, related_name="charge")
    debtor = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="charges_owed")
    creditor = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="charges_due")
    amount_minor = models.BigIntegerField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    free_reason = models.CharField(_("free because"), max_length=30, blank=True)
    settlement = models.ForeignKey(Settlement, on_delete=models.PROTECT, null=True, blank=True, related_name="charges")
    created_at = models.DateTimeField(_("charged"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("sharing charge")
        verbose_name_plural = _("sharing charges")
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gte=0), name="charge_amount_gte_0"),
            models.CheckConstraint(condition=~Q(debtor=F("creditor")), name="charge_two_parties"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.amount_minor} {self.currency}"
