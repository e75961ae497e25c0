"""Online purchasing (网上采购): vendors and their catalogs, carts, purchase requests and their
approval, purchase orders with tracking, receiving, invoices, and usage-right licences.

Every row belongs to one office (`organization`, directly or through its parent); lists start
from `visible_to(user)` so an office never sees another office's purchasing. Money is integer
minor units plus an ISO 4217 code.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from office.models import TimeStampedModel, localized
from office.workflow import StatusBadge, Workflow
from procurement.querysets import (
    LicenceQuerySet,
    PurchaseOrderQuerySet,
    PurchaseRequestQuerySet,
    VendorItemQuerySet,
    VendorQuerySet,
)

# Anything above these is a typing mistake, not a purchase (checked in forms, actions and the DB).
MAX_QUANTITY = 10_000
MAX_PRICE_MINOR = 10_000_000_000  # 100 million in a two-decimal currency


class Vendor(TimeStampedModel):
    """A supplier an office buys from. Manual vendors get the order as an e-mailed PDF and
    staff record its progress; API vendors speak JSON over HTTP and call our signed webhook."""

    class Integration(models.TextChoices):
        MANUAL = "manual", _("Manual (e-mailed order, progress recorded by staff)")
        API = "api", _("API (JSON over HTTP, signed status webhook)")
        SIMULATED = "simulated", _("Simulated API vendor (demo: orders advance by themselves)")

    organization = models.ForeignKey(
        "office.Organization", on_delete=models.PROTECT, related_name="vendors", verbose_name=_("office")
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    name_zh = models.CharField(_("Chinese name"), max_length=200, blank=True)
    integration = models.CharField(
        _("integration"), max_length=20, choices=Integration.choices, default=Integration.MANUAL
    )
    api_base_url = models.URLField(_("API base URL"), blank=True)
    api_key = models.CharField(_("API key"), max_length=200, blank=True)
    webhook_secret = models.CharField(_("webhook signing secret"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    email = models.EmailField(_("order e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.TextField(_("address"), blank=True)
    website = models.URLField(_("website"), blank=True)
    payee_name = models.CharField(_("payee (account holder)"), max_length=200, blank=True)
    bank_name = models.CharField(_("bank"), max_length=200, blank=True)
    bank_account = models.CharField(_("bank account"), max_length=64, blank=True)
    payment_terms = models.CharField(_("payment terms"), max_length=200, blank=True)
    lead_time_days = models.PositiveIntegerField(_("promised delivery (days)"), default=14)
    is_active = models.BooleanField(_("active"), default=True)

    objects = VendorQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("vendor")
        verbose_name_plural = _("vendors")
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="vendor_code_unique_per_office"),
        ]

    def __str__(self) -> str:
        return localized(self, "name")

    @property
    def is_api(self) -> bool:
        return self.integration in (self.Integration.API, self.Integration.SIMULATED)

    @property
    def payee(self) -> str:
        return self.payee_name or self.name


class VendorItem(TimeStampedModel):
    """One offer in a vendor's catalog, imported from CSV or synced from the vendor's API."""

    class Kind(models.TextChoices):
        BOOK = "book", _("Book")
        JOURNAL = "journal", _("Journal")
        DATABASE = "database", _("Database")
        E_RESOURCE = "e_resource", _("Other e-resource")
        EQUIPMENT = "equipment", _("Equipment")
        SUPPLIES = "supplies", _("Office supplies")

    class Format(models.TextChoices):
        PRINT = "print", _("Print")
        ELECTRONIC = "electronic", _("Electronic")
        USAGE_RIGHT = "usage_right", _("Usage right (rental)")

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="items", verbose_name=_("vendor"))
    sku = models.CharField(_("vendor's item number"), max_length=64)
    title = models.CharField(_("title"), max_length=300)
    title_zh = models.CharField(_("Chinese title"), max_length=300, blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.BOOK)
    format = models.CharField(_("format"), max_length=20, choices=Format.choices, default=Format.PRINT)
    isbn = models.CharField(_("ISBN/ISSN"), max_length=20, blank=True, db_index=True)
    term_months = models.PositiveIntegerField(_("rental term (months)"), null=True, blank=True)
    price_minor = models.BigIntegerField(_("price"))
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    available = models.BooleanField(_("available"), default=True)

    objects = VendorItemQuerySet.as_manager()

    class Meta:
        ordering = ["title", "price_minor"]
        verbose_name = _("catalog item")
        verbose_name_plural = _("catalog items")
        constraints = [
            models.UniqueConstraint(fields=["vendor", "sku"], name="vendoritem_sku_unique_per_vendor"),
            models.CheckConstraint(
                condition=Q(price_minor__gte=0) & Q(price_minor__lte=MAX_PRICE_MINOR), name="vendoritem_price_sane"
            ),
        ]

    def __str__(self) -> str:
        return localized(self, "title")


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


# Consortium buying lives in its own subpackage (procurement/consortia/) so it has the house
# module names (models, actions, permissions, views) without growing these files; importing its
# models here registers them with the procurement app.
from procurement.consortia.models import (  # noqa: E402, F401
    Consortium,
    Contract,
    Election,
    Membership,
    Nomination,
    Offer,
    OfferTier,
    ProviderRepresentative,
    Vote,
)
