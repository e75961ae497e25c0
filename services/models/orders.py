"""The service order, its files (attachments and deliverables) and its messages."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from office.models import TimeStampedModel
from office.workflow import Workflow
from services.models.catalog import DeliveryChannel, Offering
from services.querysets import ServiceOrderQuerySet


class ServiceOrder(Workflow, TimeStampedModel):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        QUOTED = "quoted", _("Quoted")
        ACCEPTED = "accepted", _("Accepted")
        PAID = "paid", _("Paid")
        ASSIGNED = "assigned", _("Assigned")
        IN_PROGRESS = "in_progress", _("In progress")
        DELIVERED = "delivered", _("Delivered")
        COMPLETED = "completed", _("Completed")
        DECLINED = "declined", _("Quote declined")
        CANCELLED = "cancelled", _("Cancelled")
        REFUNDED = "refunded", _("Refunded")

    # The only legal moves (DESIGN.md §4) and each state's colour (office.workflow).
    # Cancellation and refund only before delivery; a declined quote may be quoted again.
    TRANSITIONS = {
        Status.REQUESTED: {Status.QUOTED, Status.CANCELLED},
        Status.QUOTED: {Status.ACCEPTED, Status.DECLINED, Status.CANCELLED},
        Status.DECLINED: {Status.QUOTED, Status.CANCELLED},
        Status.ACCEPTED: {Status.PAID, Status.CANCELLED},
        Status.PAID: {Status.ASSIGNED, Status.REFUNDED},
        Status.ASSIGNED: {Status.ASSIGNED, Status.IN_PROGRESS, Status.REFUNDED},
        Status.IN_PROGRESS: {Status.DELIVERED, Status.REFUNDED},
        Status.DELIVERED: {Status.DELIVERED, Status.COMPLETED},
    }
    COLOURS = {
        Status.REQUESTED: "primary",
        Status.QUOTED: "warning",
        Status.ACCEPTED: "warning",
        Status.PAID: "primary",
        Status.ASSIGNED: "primary",
        Status.IN_PROGRESS: "primary",
        Status.DELIVERED: "primary",
        Status.COMPLETED: "success",
        Status.DECLINED: "secondary",
        Status.CANCELLED: "secondary",
        Status.REFUNDED: "secondary",
    }
    OPEN = (Status.REQUESTED, Status.QUOTED, Status.DECLINED, Status.ACCEPTED)
    ACTIVE = (Status.PAID, Status.ASSIGNED, Status.IN_PROGRESS)
    CLOSED = (Status.COMPLETED, Status.CANCELLED, Status.REFUNDED)

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    client = models.ForeignKey(
        "office.ClientAccount", on_delete=models.PROTECT, related_name="service_orders", verbose_name=_("client")
    )
    offering = models.ForeignKey(Offering, on_delete=models.PROTECT, related_name="orders", verbose_name=_("service"))
    department = models.ForeignKey(
        "office.Department", on_delete=models.PROTECT, related_name="service_orders", verbose_name=_("department")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED)

    # The client's requirements.
    topic = models.CharField(_("topic"), max_length=300)
    keywords = models.CharField(_("keywords"), max_length=500, blank=True)
    scope = models.TextField(_("scope and requirements"), blank=True)
    deadline = models.DateField(_("wanted by"), null=True, blank=True)
    delivery_channel = models.CharField(_("delivery channel"), max_length=20, choices=DeliveryChannel.choices)

    # The quote: the amount paid is always this, from our database.
    quoted_amount_minor = models.BigIntegerField(_("quoted price"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    due_date = models.DateField(_("due date"), null=True, blank=True)
    quote_note = models.TextField(_("quote notes"), blank=True)
    quoted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    quoted_at = models.DateTimeField(_("quoted"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    payment = models.ForeignKey(
        "payments.Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("payment")
    )
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    # The buyer as the client's invoice details stood when the order was paid: the invoice
    # shows this, so editing the profile later never changes an invoice already issued.
    invoice_buyer = models.JSONField(_("buyer on the invoice"), default=dict, blank=True, editable=False)

    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_service_orders",
        verbose_name=_("assigned to"),
    )
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    closed_reason = models.TextField(_("reason for cancellation or refund"), blank=True)

    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.TextField(_("comment"), blank=True)

    objects = ServiceOrderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("service order")
        verbose_name_plural = _("service orders")
        constraints = [
            models.CheckConstraint(
                condition=Q(quoted_amount_minor__isnull=True) | Q(quoted_amount_minor__gt=0),
                name="serviceorder_quote_gt_0",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | (Q(rating__gte=1) & Q(rating__lte=5)),
                name="serviceorder_rating_1_to_5",
            ),
        ]
        # Newest first: a client's orders, and every staff list (its unit scope is filtered along);
        # the queue's "due soon" and "overdue" (and the overdue sweep) by status and due date.
        indexes = [
            models.Index(fields=["department", "status"]),
            models.Index(fields=["client", "-created_at", "-id"], name="serviceorder_client_recent"),
            models.Index(fields=["-created_at", "-id"], name="serviceorder_recent"),
            models.Index(fields=["status", "due_date"], name="serviceorder_status_due"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.topic}"

    @property
    def is_overdue(self) -> bool:
        return bool(self.due_date and self.status in self.ACTIVE and self.due_date < timezone.localdate())


def _order_file_path(instance: OrderFile, filename: str) -> str:
    # Server-generated name: the client's file name never reaches the file system.
    return f"services/orders/{instance.order_id}/{uuid.uuid4().hex}{instance.extension}"


class OrderFile(models.Model):
    """A client's attachment to its requirements, or a deliverable uploaded by staff."""

    class Kind(models.TextChoices):
        REQUIREMENT = "requirement", _("Client attachment")
        DELIVERABLE = "deliverable", _("Deliverable")
        REPORT = "report", _("Formal report")

    order = models.ForeignKey(ServiceOrder, on_delete=models.PROTECT, related_name="files", verbose_name=_("order"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=_order_file_path, max_length=200)
    extension = models.CharField(max_length=10, editable=False)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("order file")
        verbose_name_plural = _("order files")

    def __str__(self) -> str:
        return self.original_name


class OrderMessage(models.Model):
    """A message between the client and staff on an order; `internal` notes are the work log."""

    order = models.ForeignKey(ServiceOrder, on_delete=models.PROTECT, related_name="messages", verbose_name=_("order"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("message"))
    internal = models.BooleanField(_("work log (staff only)"), default=False)
    minutes_spent = models.PositiveIntegerField(_("minutes spent"), default=0)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("order message")
        verbose_name_plural = _("order messages")

    def __str__(self) -> str:
        return f"{self.order_id}: {self.body[:40]}"
