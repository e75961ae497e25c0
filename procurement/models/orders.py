"""Purchase orders, their lines, their gap-free numbers and their tracking timeline."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from office.models import TimeStampedModel
from office.workflow import Workflow
from procurement.models.purchase_requests import PurchaseRequest, PurchaseRequestLine
from procurement.models.vendors import Vendor
from procurement.querysets import PurchaseOrderQuerySet


class PurchaseOrder(Workflow, TimeStampedModel):
    """What goes to one vendor for one approved request."""

    class Status(models.TextChoices):
        PLACED = "placed", _("Placed")
        CONFIRMED = "confirmed", _("Confirmed by vendor")
        PAID = "paid", _("Paid")
        SHIPPED = "shipped", _("Shipped")
        PARTIALLY_RECEIVED = "partially_received", _("Partially received")
        RECEIVED = "received", _("Received")
        INVOICED = "invoiced", _("Invoiced")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    # The only legal moves and each state's colour (office.workflow).
    TRANSITIONS = {
        Status.PLACED: {Status.CONFIRMED, Status.PAID, Status.CANCELLED},
        Status.CONFIRMED: {Status.PAID, Status.CANCELLED},
        # Paid or shipped -> cancelled only through a full refund of an order nothing was received of.
        Status.PAID: {Status.SHIPPED, Status.PARTIALLY_RECEIVED, Status.RECEIVED, Status.CANCELLED},
        Status.SHIPPED: {Status.PARTIALLY_RECEIVED, Status.RECEIVED, Status.CANCELLED},
        Status.PARTIALLY_RECEIVED: {Status.RECEIVED},
        Status.RECEIVED: {Status.INVOICED},
        Status.INVOICED: {Status.CLOSED},
    }
    COLOURS = {
        Status.PLACED: "info",
        Status.CONFIRMED: "info",
        Status.PAID: "primary",
        Status.SHIPPED: "primary",
        Status.PARTIALLY_RECEIVED: "warning",
        Status.RECEIVED: "success",
        Status.INVOICED: "success",
        Status.CLOSED: "secondary",
        Status.CANCELLED: "secondary",
    }
    # Orders still travelling: polled, flagged late, shown as open.
    OPEN = (Status.PLACED, Status.CONFIRMED, Status.PAID, Status.SHIPPED, Status.PARTIALLY_RECEIVED)
    RANK = {s: i for i, s in enumerate(Status)}  # tracking never moves an order backwards

    organization = models.ForeignKey(
        "office.Organization", on_delete=models.PROTECT, related_name="purchase_orders", verbose_name=_("office")
    )
    request = models.ForeignKey(
        PurchaseRequest, on_delete=models.PROTECT, related_name="orders", verbose_name=_("purchase request")
    )
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="orders", verbose_name=_("vendor"))
    number = models.CharField(_("order number"), max_length=20, unique=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLACED)
    total_minor = models.BigIntegerField(_("total"))
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    encumbered_minor = models.BigIntegerField(_("encumbered"), default=0)
    spent_minor = models.BigIntegerField(_("spent"), default=0)
    # The payment whose success turned the encumbrance into spending, and how much of it has
    # been refunded back to the budget line (see actions.purchase_order_refunded).
    payment = models.ForeignKey(
        "payments.Payment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("payment"),
    )
    refunded_minor = models.BigIntegerField(_("refunded"), default=0)
    promised_on = models.DateField(_("promised delivery"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent to vendor"), null=True, blank=True)
    vendor_reference = models.CharField(_("vendor's reference"), max_length=100, blank=True)
    send_error = models.CharField(_("last sending error"), max_length=300, blank=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    late_flagged_at = models.DateTimeField(_("flagged late"), null=True, blank=True)
    last_polled_at = models.DateTimeField(_("last polled"), null=True, blank=True)

    objects = PurchaseOrderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("purchase order")
        verbose_name_plural = _("purchase orders")
        constraints = [
            models.CheckConstraint(condition=Q(total_minor__gt=0), name="purchaseorder_total_gt_0"),
            models.CheckConstraint(
                condition=Q(encumbered_minor__gte=0) & Q(spent_minor__gte=0), name="purchaseorder_amounts_gte_0"
            ),
            models.CheckConstraint(condition=Q(refunded_minor__gte=0), name="purchaseorder_refunded_gte_0"),
            models.UniqueConstraint(fields=["request", "vendor"], name="purchaseorder_one_per_request_vendor"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def is_late(self) -> bool:
        return bool(
            self.promised_on
            and self.status in self.OPEN
            and self.status != self.Status.PARTIALLY_RECEIVED
            and timezone.localdate() > self.promised_on
        )

    @property
    def is_payable(self) -> bool:
        return self.status in (self.Status.PLACED, self.Status.CONFIRMED)


class PurchaseOrderLine(models.Model):
    order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="lines", verbose_name=_("order"))
    request_line = models.OneToOneField(
        PurchaseRequestLine, on_delete=models.PROTECT, related_name="order_line", verbose_name=_("request line")
    )
    description = models.CharField(_("description"), max_length=300)
    sku = models.CharField(_("vendor's item number"), max_length=64, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price_minor = models.BigIntegerField(_("unit price"))
    received_quantity = models.PositiveIntegerField(_("received"), default=0)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(received_quantity__lte=F("quantity")), name="orderline_received_within_quantity"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.description}"

    @property
    def line_total_minor(self) -> int:
        return self.quantity * self.unit_price_minor

    @property
    def outstanding(self) -> int:
        return self.quantity - self.received_quantity


class OrderCounter(models.Model):
    """Gap-free order numbers per year (PO-2026-0001), taken under a row lock."""

    year = models.PositiveIntegerField(_("year"), unique=True)
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("order counter")
        verbose_name_plural = _("order counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class TrackingEvent(models.Model):
    """One line of an order's timeline. `key` makes every piece of news land once, however
    many times a poll or a webhook repeats it."""

    class Source(models.TextChoices):
        SYSTEM = "system", _("System")
        POLL = "poll", _("Vendor API (polled)")
        WEBHOOK = "webhook", _("Vendor webhook")
        MANUAL = "manual", _("Recorded by staff")

    order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="events", verbose_name=_("order"))
    key = models.CharField(_("event key"), max_length=120)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    status = models.CharField(_("vendor status"), max_length=40, blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)
    occurred_at = models.DateTimeField(_("time"), default=timezone.now)
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("by")
    )

    class Meta:
        ordering = ["occurred_at", "pk"]
        verbose_name = _("tracking event")
        verbose_name_plural = _("tracking events")
        constraints = [models.UniqueConstraint(fields=["order", "key"], name="trackingevent_once_per_key")]

    def __str__(self) -> str:
        return f"{self.order} {self.status or self.message}"
