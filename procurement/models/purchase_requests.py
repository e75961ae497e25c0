"""What staff ask for: cart lines, purchase requests and their lines, and the deputies who
approve them while a head is away."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from office.models import TimeStampedModel
from office.workflow import Workflow
from procurement.models.limits import MAX_PRICE_MINOR, MAX_QUANTITY
from procurement.models.vendors import Vendor, VendorItem
from procurement.querysets import PurchaseRequestQuerySet


class CartLine(TimeStampedModel):
    """An item a staff member means to request; the cart becomes one request per submit."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="procurement_cart", verbose_name=_("user")
    )
    item = models.ForeignKey(VendorItem, on_delete=models.CASCADE, related_name="+", verbose_name=_("item"))
    quantity = models.PositiveIntegerField(_("quantity"), default=1)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("cart line")
        verbose_name_plural = _("cart lines")
        constraints = [
            models.UniqueConstraint(fields=["user", "item"], name="cartline_one_per_item"),
            models.CheckConstraint(
                condition=Q(quantity__gte=1) & Q(quantity__lte=MAX_QUANTITY), name="cartline_quantity_sane"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.item}"


class Deputy(TimeStampedModel):
    """While a head is away, the deputy approves for the department in their place."""

    department = models.ForeignKey(
        "office.Department", on_delete=models.CASCADE, related_name="procurement_deputies", verbose_name=_("department")
    )
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("head")
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="procurement_deputy_for",
        verbose_name=_("deputy"),
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("deputy")
        verbose_name_plural = _("deputies")
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="deputy_period_ordered")]

    def __str__(self) -> str:
        return f"{self.deputy} ({self.starts_on} – {self.ends_on})"

    def is_active_on(self, day: datetime.date) -> bool:
        return self.starts_on <= day <= self.ends_on


class PurchaseRequest(Workflow, TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Waiting for the head")
        HEAD_APPROVED = "head_approved", _("Waiting for the director")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        RETURNED = "returned", _("Returned for changes")
        CANCELLED = "cancelled", _("Cancelled")
        ORDERED = "ordered", _("Ordered")

    # The only legal moves and each state's colour (office.workflow): actions move a request
    # with move_to(), and nothing else assigns `status`.
    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED, Status.CANCELLED},
        Status.SUBMITTED: {Status.HEAD_APPROVED, Status.APPROVED, Status.REJECTED, Status.RETURNED, Status.CANCELLED},
        Status.HEAD_APPROVED: {Status.APPROVED, Status.REJECTED, Status.RETURNED, Status.CANCELLED},
        Status.RETURNED: {Status.SUBMITTED, Status.CANCELLED},
        Status.APPROVED: {Status.ORDERED, Status.CANCELLED},
    }
    COLOURS = {
        Status.DRAFT: "info",
        Status.SUBMITTED: "info",
        Status.HEAD_APPROVED: "info",
        Status.APPROVED: "success",
        Status.REJECTED: "secondary",
        Status.RETURNED: "warning",
        Status.CANCELLED: "secondary",
        Status.ORDERED: "success",
    }
    PENDING = (Status.SUBMITTED, Status.HEAD_APPROVED)

    organization = models.ForeignKey(
        "office.Organization", on_delete=models.PROTECT, related_name="purchase_requests", verbose_name=_("office")
    )
    department = models.ForeignKey(
        "office.Department", on_delete=models.PROTECT, related_name="purchase_requests", verbose_name=_("department")
    )
    budget = models.ForeignKey(
        "office.Budget", on_delete=models.PROTECT, related_name="purchase_requests", verbose_name=_("budget line")
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="purchase_requests",
        verbose_name=_("requester"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    justification = models.TextField(_("justification"))
    total_minor = models.BigIntegerField(_("total"), default=0)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    # What approval reserved on the budget line; released or turned into spending later.
    encumbered_minor = models.BigIntegerField(_("encumbered"), default=0)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    head_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by (head)"),
    )
    head_approved_at = models.DateTimeField(_("approved by head at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("final approval by"),
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    decision_comment = models.TextField(_("comment"), blank=True)

    objects = PurchaseRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("purchase request")
        verbose_name_plural = _("purchase requests")
        constraints = [
            models.CheckConstraint(condition=Q(total_minor__gte=0), name="purchaserequest_total_gte_0"),
            models.CheckConstraint(condition=Q(encumbered_minor__gte=0), name="purchaserequest_encumbered_gte_0"),
        ]
        # The lists' filters, newest first (checked with EXPLAIN at volume: docs/benchmarks.md):
        # an office's (leadership; a head's units are filtered along it), by status, a requester's,
        # and the requests waiting for a decision in the order the inbox shows them.
        indexes = [
            models.Index(fields=["organization", "-created_at", "-id"], name="purchasereq_office_recent"),
            models.Index(fields=["organization", "status", "-created_at", "-id"], name="purchasereq_office_status"),
            models.Index(fields=["requester", "-created_at", "-id"], name="purchasereq_requester_recent"),
            models.Index(
                fields=["organization", "submitted_at"],
                condition=Q(status__in=["submitted", "head_approved"]),
                name="purchasereq_pending",
            ),
        ]

    def __str__(self) -> str:
        return _("Purchase request %(pk)s") % {"pk": self.pk}

    @property
    def reference(self) -> str:
        return f"PR-{self.pk}"

    @property
    def is_pending(self) -> bool:
        return self.status in self.PENDING


class PurchaseRequestLine(models.Model):
    request = models.ForeignKey(
        PurchaseRequest, on_delete=models.CASCADE, related_name="lines", verbose_name=_("purchase request")
    )
    item = models.ForeignKey(VendorItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("item"))
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="+", verbose_name=_("vendor"))
    description = models.CharField(_("description"), max_length=300)
    quantity = models.PositiveIntegerField(_("quantity"))
    # The catalog price when the line was added: a later catalog change does not move the request.
    unit_price_minor = models.BigIntegerField(_("unit price"))
    line_total_minor = models.BigIntegerField(_("line total"))

    class Meta:
        ordering = ["vendor_id", "pk"]
        verbose_name = _("request line")
        verbose_name_plural = _("request lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1) & Q(quantity__lte=MAX_QUANTITY), name="requestline_quantity_sane"
            ),
            models.CheckConstraint(
                condition=Q(unit_price_minor__gte=0) & Q(unit_price_minor__lte=MAX_PRICE_MINOR),
                name="requestline_price_sane",
            ),
            models.CheckConstraint(
                condition=Q(line_total_minor=F("quantity") * F("unit_price_minor")), name="requestline_total_matches"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.description}"
