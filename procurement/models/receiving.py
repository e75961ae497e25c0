"""Receiving goods against an order, and the vendor's invoice."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from office.models import TimeStampedModel
from procurement.models.limits import MAX_PRICE_MINOR
from procurement.models.orders import PurchaseOrder, PurchaseOrderLine


class Receipt(models.Model):
    """Goods taken in (or sent back) against an order; one per delivery."""

    order = models.ForeignKey(PurchaseOrder, on_delete=models.PROTECT, related_name="receipts", verbose_name=_("order"))
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("received by"))
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["received_at", "pk"]
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")

    def __str__(self) -> str:
        return f"{self.order} {self.received_at:%Y-%m-%d}"


class ReceiptLine(models.Model):
    receipt = models.ForeignKey(Receipt, on_delete=models.CASCADE, related_name="lines", verbose_name=_("receipt"))
    order_line = models.ForeignKey(
        PurchaseOrderLine, on_delete=models.PROTECT, related_name="receipt_lines", verbose_name=_("order line")
    )
    # Positive: taken in; negative: returned to the vendor (damaged, wrong item).
    quantity = models.IntegerField(_("quantity"))

    class Meta:
        verbose_name = _("receipt line")
        verbose_name_plural = _("receipt lines")
        constraints = [models.CheckConstraint(condition=~Q(quantity=0), name="receiptline_quantity_not_0")]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.order_line}"


class Invoice(TimeStampedModel):
    """The vendor's invoice for an order; matched against the order and what was received."""

    order = models.OneToOneField(
        PurchaseOrder, on_delete=models.PROTECT, related_name="invoice", verbose_name=_("order")
    )
    number = models.CharField(_("invoice number"), max_length=64)
    issued_on = models.DateField(_("invoice date"))
    amount_minor = models.BigIntegerField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("entered by"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-issued_on"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_minor__gte=0) & Q(amount_minor__lte=MAX_PRICE_MINOR), name="invoice_amount_sane"
            ),
        ]

    def __str__(self) -> str:
        return self.number
