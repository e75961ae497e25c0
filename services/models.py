"""Information services for local and remote clients (DESIGN.md §2, §4).

An `Offering` is one priced service of the catalog; a client orders it as a `ServiceOrder`
that moves through the workflow in `ServiceOrder.TRANSITIONS`. Files (the client's
attachments and the staff's deliverables) live in `OrderFile` under server-generated names
and are only ever served by a view after a permission check; a `DownloadLink` is an
expiring, per-client way to fetch one deliverable. Money is integer minor units.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from office.models import TimeStampedModel, localized
from office.workflow import StatusBadge, Workflow
from services.querysets import (
    ConsultationQuerySet,
    OfferingQuerySet,
    ServiceOrderQuerySet,
    SubscriptionQuerySet,
    TrainingSessionQuerySet,
)


class DeliveryChannel(models.TextChoices):
    EMAIL = "email", _("E-mail with attachment")
    DOWNLOAD = "download", _("Download link")
    FAX = "fax", _("Fax")
    POST = "post", _("Post")


class Offering(TimeStampedModel):
    """One service of the public catalog, provided by one department."""

    class Kind(models.TextChoices):
        TOPIC = "topic", _("Topic (SDI) service")
        NOVELTY = "novelty", _("Novelty search")
        TRACKING = "tracking", _("Follow-up tracking")
        CLIPPING = "clipping", _("Clipping service")
        DATA_COLLECTION = "data_collection", _("Data collection")
        COMPILATION = "compilation", _("Translation and compilation")
        TECHNICAL = "technical", _("Technical-solution service")
        CONSULTATION = "consultation", _("Consultation")
        TRAINING = "training", _("User training")

    class Pricing(models.TextChoices):
        FIXED = "fixed", _("Fixed price")
        QUOTED = "quoted", _("Quoted per job")
        SUBSCRIPTION = "subscription", _("Subscription per period")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    name_zh = models.CharField(_("Chinese name"), max_length=200, blank=True)
    description = models.TextField(_("description"))
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    department = models.ForeignKey(
        "office.Department", on_delete=models.PROTECT, related_name="offerings", verbose_name=_("providing department")
    )
    pricing = models.CharField(_("pricing model"), max_length=20, choices=Pricing.choices, default=Pricing.QUOTED)
    price_minor = models.BigIntegerField(
        _("price (minor units)"), null=True, blank=True, help_text=_("Per job, or per period for subscriptions.")
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    period_days = models.PositiveIntegerField(_("subscription period (days)"), null=True, blank=True)
    turnaround_days = models.PositiveIntegerField(_("turnaround (working days)"), default=5)
    delivery_channels = models.JSONField(_("delivery channels"), default=list, blank=True)
    is_active = models.BooleanField(_("offered"), default=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    objects = OfferingQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("service offering")
        verbose_name_plural = _("service offerings")
        constraints = [
            models.CheckConstraint(
                condition=Q(price_minor__isnull=True) | Q(price_minor__gt=0), name="offering_price_gt_0"
            ),
            # A quoted offering has no list price; the others must have one.
            models.CheckConstraint(
                condition=Q(pricing="quoted") | Q(price_minor__isnull=False), name="offering_priced_unless_quoted"
            ),
            models.CheckConstraint(
                condition=~Q(pricing="subscription") | Q(period_days__gt=0), name="offering_subscription_has_period"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return localized(self, "name")

    @property
    def display_description(self) -> str:
        return localized(self, "description")

    def channel_labels(self) -> list[str]:
        labels = dict(DeliveryChannel.choices)
        return [str(labels[c]) for c in self.delivery_channels if c in labels]


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


# --- subscriptions: recurring topic tracking and clipping ------------------------------------------


class Subscription(StatusBadge, TimeStampedModel):
    """A client's subscription to a periodic service; each period is paid (`SubscriptionPeriod`)
    and brings one `Digest`, built from a saved search over the union catalog and staff items."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting first payment")
        ACTIVE = "active", _("Active")
        CANCELLED = "cancelled", _("Cancelled")

    COLOURS = {Status.PENDING: "warning", Status.ACTIVE: "success", Status.CANCELLED: "secondary"}

    client = models.ForeignKey(
        "office.ClientAccount", on_delete=models.PROTECT, related_name="subscriptions", verbose_name=_("client")
    )
    offering = models.ForeignKey(Offering, on_delete=models.PROTECT, related_name="subscriptions")
    topic = models.CharField(_("topic"), max_length=300)
    search_terms = models.CharField(
        _("saved search"), max_length=300, blank=True, help_text=_("Words that new catalog records must contain.")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    period_days = models.PositiveIntegerField(_("period (days)"))
    price_minor = models.BigIntegerField(_("price per period"))
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    paid_until = models.DateField(_("paid until"), null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.CheckConstraint(condition=Q(price_minor__gt=0), name="subscription_price_gt_0"),
            models.CheckConstraint(condition=Q(period_days__gt=0), name="subscription_period_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.offering} · {self.topic}"

    @property
    def department(self) -> object:
        return self.offering.department


class SubscriptionPeriod(TimeStampedModel):
    """One paid (or to be paid) period; the payment purpose "services.subscription_period"."""

    subscription = models.ForeignKey(Subscription, on_delete=models.PROTECT, related_name="periods")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    amount_minor = models.BigIntegerField(_("amount"))
    payment = models.ForeignKey("payments.Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)

    class Meta:
        ordering = ["subscription", "starts_on"]
        verbose_name = _("subscription period")
        verbose_name_plural = _("subscription periods")
        constraints = [
            models.UniqueConstraint(fields=["subscription", "starts_on"], name="subscription_period_once"),
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="subscription_period_amount_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.subscription_id}: {self.starts_on}–{self.ends_on}"


class Digest(models.Model):
    """What one period of a subscription delivered; at most one per subscription and period."""

    subscription = models.ForeignKey(Subscription, on_delete=models.PROTECT, related_name="digests")
    period_start = models.DateField(_("period"))
    body = models.TextField(_("contents"))
    record_count = models.PositiveIntegerField(_("catalog records"), default=0)
    item_count = models.PositiveIntegerField(_("staff items"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        ordering = ["-period_start", "-pk"]
        verbose_name = _("digest")
        verbose_name_plural = _("digests")
        constraints = [models.UniqueConstraint(fields=["subscription", "period_start"], name="digest_once_per_period")]

    def __str__(self) -> str:
        return f"{self.subscription_id} {self.period_start}"


class SubscriptionItem(models.Model):
    """An item staff add for the next digest (a clipping, a link, a note)."""

    subscription = models.ForeignKey(Subscription, on_delete=models.PROTECT, related_name="items")
    title = models.CharField(_("title"), max_length=300)
    url = models.URLField(_("link"), blank=True)
    note = models.TextField(_("note"), blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    digest = models.ForeignKey(Digest, on_delete=models.PROTECT, null=True, blank=True, related_name="items")
    created_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("subscription item")
        verbose_name_plural = _("subscription items")

    def __str__(self) -> str:
        return self.title


# --- consultation and training ----------------------------------------------------------------------


class Consultation(StatusBadge, TimeStampedModel):
    """A client's question, answered by customer-service staff; first response time tracked."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for an answer")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    COLOURS = {Status.OPEN: "warning", Status.ANSWERED: "info", Status.CLOSED: "secondary"}

    client = models.ForeignKey(
        "office.ClientAccount", on_delete=models.PROTECT, related_name="consultations", verbose_name=_("client")
    )
    department = models.ForeignKey("office.Department", on_delete=models.PROTECT, related_name="consultations")
    subject = models.CharField(_("subject"), max_length=200)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    first_response_at = models.DateTimeField(_("first answered"), null=True, blank=True)

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def __str__(self) -> str:
        return self.subject

    @property
    def first_response_hours(self) -> float | None:
        if self.first_response_at is None:
            return None
        return round((self.first_response_at - self.created_at).total_seconds() / 3600, 1)


class ConsultationMessage(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_staff = models.BooleanField(default=False)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("consultation message")
        verbose_name_plural = _("consultation messages")

    def __str__(self) -> str:
        return f"{self.consultation_id}: {self.body[:40]}"


class TrainingSession(TimeStampedModel):
    title = models.CharField(_("topic"), max_length=200)
    title_zh = models.CharField(_("Chinese topic"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    department = models.ForeignKey("office.Department", on_delete=models.PROTECT, related_name="training_sessions")
    trainer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    location = models.CharField(_("place"), max_length=200, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    capacity = models.PositiveIntegerField(_("places"))
    fee_minor = models.BigIntegerField(_("fee"), default=0)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    is_published = models.BooleanField(_("published"), default=True)

    objects = TrainingSessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gt=0), name="training_capacity_gt_0"),
            models.CheckConstraint(condition=Q(fee_minor__gte=0), name="training_fee_gte_0"),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="training_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> str:
        return localized(self, "title")


class TrainingRegistration(TimeStampedModel):
    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")
        ATTENDED = "attended", _("Attended")

    session = models.ForeignKey(TrainingSession, on_delete=models.PROTECT, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="training_registrations")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    # Sessions with a fee: the payment purpose "services.training_registration".
    payment = models.ForeignKey("payments.Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("training registration")
        verbose_name_plural = _("training registrations")
        constraints = [
            # One live registration per person and session (a cancelled one may be followed by a new one).
            models.UniqueConstraint(
                fields=["session", "user"], condition=~Q(status="cancelled"), name="training_registration_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.session_id} {self.user_id} {self.status}"
