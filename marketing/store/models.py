"""The storefront's data: products and their licence options with tier prices, coupons, carts,
orders, the grants a paid order issues, and licence certificates.

Order workflow (`StoreOrder.TRANSITIONS`):

    awaiting_approval (an office above its head's limit: a purchase request decides)
        -> pending (payable) -> paid -> refunded
        \\-> cancelled         \\-> cancelled

A paid order issues one `Grant` per line (download / online access / transmission right /
disc); a refund revokes them; the expiry sweep ends them after the grace period. A disc line
also gets a `Shipment` (to_ship -> shipped -> delivered; cancelled by a refund before posting)
sent to the address the buyer gave at checkout.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from office.models import TimeStampedModel
from office.workflow import StatusBadge, Workflow

MAX_QUANTITY = 10_000
MAX_PRICE_MINOR = 10**12


class BuyerType(models.TextChoices):
    MEMBER = "member", _("Member office")
    ORGANISATION = "organisation", _("Outside organisation")
    INDIVIDUAL = "individual", _("Individual client")


class Product(TimeStampedModel):
    class Kind(models.TextChoices):
        DATABASE = "database", _("Database")
        COLLECTION = "collection", _("Online collection")
        REPORT = "report", _("E-book or report")
        DISC = "disc", _("Disc edition")
        DATASET = "dataset", _("Dataset")

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.DATABASE)
    name = models.CharField(_("name"), max_length=200)
    name_zh = models.CharField(_("Chinese name"), max_length=200, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    summary_zh = models.CharField(_("Chinese summary"), max_length=300, blank=True)
    description = models.TextField(_("description (Markdown)"), blank=True)
    description_zh = models.TextField(_("Chinese description (Markdown)"), blank=True)
    subjects = models.CharField(_("subject classes"), max_length=200, blank=True, help_text=_("CLC codes, e.g. G, G25"))
    department = models.ForeignKey(
        "office.Department", on_delete=models.PROTECT, related_name="store_products", verbose_name=_("selling unit")
    )
    cover = models.FileField(_("cover image"), upload_to="store/covers/", blank=True)
    sample = models.FileField(_("sample"), upload_to="store/samples/", blank=True)
    content = models.FileField(_("file delivered on download"), upload_to="store/content/", blank=True)
    access_text = models.TextField(_("online content (Markdown)"), blank=True)
    access_text_zh = models.TextField(_("Chinese online content (Markdown)"), blank=True)
    published = models.BooleanField(_("published"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self) -> str:
        return self.name


class LicenceOption(TimeStampedModel):
    class Kind(models.TextChoices):
        DOWNLOAD = "download", _("Perpetual download")
        ONLINE = "online", _("Time-limited online access")
        TRANSMISSION = "transmission", _("Transmission rights for an office")
        DISC = "disc", _("Disc shipped")

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="options", verbose_name=_("product"))
    kind = models.CharField(_("licence kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    name_zh = models.CharField(_("Chinese name"), max_length=200, blank=True)
    term_months = models.PositiveIntegerField(_("term (months)"), null=True, blank=True)
    max_downloads = models.PositiveIntegerField(_("downloads allowed"), default=5)
    link_days = models.PositiveIntegerField(_("download link valid (days)"), default=7)
    rights = models.TextField(_("rights granted"), blank=True)
    rights_zh = models.TextField(_("Chinese rights granted"), blank=True)
    offices_only = models.BooleanField(_("member offices only"), default=False)
    max_seats = models.PositiveIntegerField(
        _("most seats per licence"), null=True, blank=True, help_text=_("Empty: no limit below 10,000.")
    )
    ip_ranges_required = models.BooleanField(
        _("offices must give IP ranges"),
        default=False,
        help_text=_("A member office buying this licence names the IP ranges its users come from."),
    )
    active = models.BooleanField(_("on sale"), default=True)

    class Meta:
        ordering = ["product", "pk"]
        verbose_name = _("licence option")
        verbose_name_plural = _("licence options")
        constraints = [
            models.CheckConstraint(
                condition=Q(term_months__isnull=True) | Q(term_months__gte=1, term_months__lte=120),
                name="store_option_term_sane",
            ),
            models.CheckConstraint(
                condition=Q(max_seats__isnull=True) | Q(max_seats__gte=1, max_seats__lte=MAX_QUANTITY),
                name="store_option_max_seats_sane",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} · {self.name}"

    @property
    def has_term(self) -> bool:
        return self.kind in (self.Kind.ONLINE, self.Kind.TRANSMISSION) and bool(self.term_months)

    @property
    def per_seat(self) -> bool:
        return self.kind in (self.Kind.ONLINE, self.Kind.TRANSMISSION)


class Price(models.Model):
    """What one unit (a seat, a copy) costs a buyer type from a quantity on; tax included."""

    option = models.ForeignKey(LicenceOption, on_delete=models.CASCADE, related_name="prices")
    buyer_type = models.CharField(_("buyer type"), max_length=20, choices=BuyerType.choices)
    min_quantity = models.PositiveIntegerField(_("from quantity"), default=1)
    unit_minor = models.BigIntegerField(_("unit price (tax included)"))
    currency = models.CharField(_("currency"), max_length=3, default="CNY")

    class Meta:
        ordering = ["option", "buyer_type", "min_quantity"]
        verbose_name = _("price")
        verbose_name_plural = _("prices")
        constraints = [
            models.UniqueConstraint(fields=["option", "buyer_type", "min_quantity"], name="store_price_one_per_tier"),
            models.CheckConstraint(
                condition=Q(unit_minor__gte=0) & Q(unit_minor__lte=MAX_PRICE_MINOR) & Q(min_quantity__gte=1),
                name="store_price_sane",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.option} · {self.buyer_type} ≥ {self.min_quantity}"


class Coupon(TimeStampedModel):
    code = models.CharField(_("code"), max_length=40, unique=True)
    campaign = models.CharField(_("campaign"), max_length=80, blank=True)
    percent_off = models.PositiveIntegerField(_("percent off"), null=True, blank=True)
    amount_off_minor = models.BigIntegerField(_("amount off"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    max_uses = models.PositiveIntegerField(_("uses allowed"), default=100)
    used_count = models.PositiveIntegerField(_("uses"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["-valid_until", "code"]
        verbose_name = _("coupon")
        verbose_name_plural = _("coupons")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(percent_off__isnull=False, percent_off__gte=1, percent_off__lte=100)
                    & Q(amount_off_minor__isnull=True)
                )
                | (Q(percent_off__isnull=True) & Q(amount_off_minor__gte=1)),
                name="store_coupon_one_discount",
            ),  # fmt: skip
            models.CheckConstraint(condition=Q(used_count__lte=models.F("max_uses")), name="store_coupon_uses"),
        ]

    def __str__(self) -> str:
        return self.code


class Cart(TimeStampedModel):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="store_cart")
    coupon = models.ForeignKey(Coupon, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("cart")
        verbose_name_plural = _("carts")


class CartLine(TimeStampedModel):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    option = models.ForeignKey(LicenceOption, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField(_("seats or copies"), default=1)
    ip_ranges = models.TextField(_("IP ranges"), blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "option"], name="store_cartline_one_per_option"),
            models.CheckConstraint(
                condition=Q(quantity__gte=1) & Q(quantity__lte=MAX_QUANTITY), name="store_cartline_qty"
            ),
        ]


class StoreOrder(Workflow, TimeStampedModel):
    class Status(models.TextChoices):
        AWAITING_APPROVAL = "awaiting_approval", _("Waiting for approval")
        PENDING = "pending", _("Waiting for payment")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")
        REFUNDED = "refunded", _("Refunded")

    TRANSITIONS = {
        Status.AWAITING_APPROVAL: {Status.PENDING, Status.CANCELLED},
        Status.PENDING: {Status.PAID, Status.CANCELLED},
        Status.PAID: {Status.REFUNDED},
    }
    COLOURS = {
        Status.AWAITING_APPROVAL: "info",
        Status.PENDING: "warning",
        Status.PAID: "success",
        Status.CANCELLED: "secondary",
        Status.REFUNDED: "secondary",
    }

    number = models.CharField(_("number"), max_length=30, unique=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    buyer_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="store_orders")
    buyer_organization = models.ForeignKey(
        "office.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="store_orders",
        verbose_name=_("buying office"),
    )
    buyer_type = models.CharField(_("buyer type"), max_length=20, choices=BuyerType.choices)
    buyer_name = models.CharField(_("licensee"), max_length=200)
    subtotal_minor = models.BigIntegerField(_("subtotal"), default=0)
    discount_minor = models.BigIntegerField(_("discount"), default=0)
    total_minor = models.BigIntegerField(_("total (tax included)"), default=0)
    tax_minor = models.BigIntegerField(_("of which tax"), default=0)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    coupon = models.ForeignKey(Coupon, on_delete=models.SET_NULL, null=True, blank=True, related_name="orders")
    campaign = models.CharField(_("campaign"), max_length=80, blank=True)
    idempotency_key = models.CharField(max_length=80, unique=True)
    payment = models.ForeignKey("payments.Payment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    purchase_request = models.ForeignKey(
        "procurement.PurchaseRequest", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    # Where a disc goes (an order with a disc line; checked at checkout, copied to nothing:
    # the order's shipments read it here).
    ship_name = models.CharField(_("recipient"), max_length=100, blank=True)
    ship_phone = models.CharField(_("recipient's phone"), max_length=30, blank=True)
    ship_address = models.TextField(_("shipping address"), max_length=300, blank=True)
    ship_postcode = models.CharField(_("postcode"), max_length=12, blank=True)
    approval_noticed_at = models.DateTimeField(null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("store order")
        verbose_name_plural = _("store orders")
        constraints = [
            models.CheckConstraint(
                condition=Q(total_minor__gte=0) & Q(discount_minor__gte=0) & Q(tax_minor__gte=0),
                name="store_order_amounts_sane",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class StoreOrderLine(models.Model):
    class Purpose(models.TextChoices):
        NEW = "new", _("New licence")
        RENEWAL = "renewal", _("Renewal")
        UPGRADE = "upgrade", _("More seats")

    order = models.ForeignKey(StoreOrder, on_delete=models.CASCADE, related_name="lines")
    option = models.ForeignKey(LicenceOption, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices, default=Purpose.NEW)
    grant = models.ForeignKey("Grant", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    description = models.CharField(_("description"), max_length=300)
    quantity = models.PositiveIntegerField(_("seats or copies"))
    unit_minor = models.BigIntegerField(_("unit price"))
    line_total_minor = models.BigIntegerField(_("line total"))
    ip_ranges = models.TextField(_("IP ranges"), blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.description


class Shipment(Workflow, TimeStampedModel):
    r"""A disc to post for a paid order line of a disc licence (one per line; the copies are the
    line's quantity). The address is the order's.

        to_ship -> shipped (carrier, tracking number) -> delivered
               \-> cancelled (the order refunded before it left)
    """

    class Status(models.TextChoices):
        TO_SHIP = "to_ship", _("To ship")
        SHIPPED = "shipped", _("Shipped")
        DELIVERED = "delivered", _("Delivered")
        CANCELLED = "cancelled", _("Cancelled")

    TRANSITIONS = {
        Status.TO_SHIP: {Status.SHIPPED, Status.CANCELLED},
        Status.SHIPPED: {Status.DELIVERED},
    }
    COLOURS = {
        Status.TO_SHIP: "warning",
        Status.SHIPPED: "info",
        Status.DELIVERED: "success",
        Status.CANCELLED: "secondary",
    }

    order = models.ForeignKey(StoreOrder, on_delete=models.PROTECT, related_name="shipments")
    line = models.OneToOneField(StoreOrderLine, on_delete=models.PROTECT, related_name="shipment")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="shipments")
    copies = models.PositiveIntegerField(_("copies"), default=1)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.TO_SHIP)
    carrier = models.CharField(_("carrier"), max_length=60, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=40, blank=True)
    shipped_at = models.DateTimeField(_("shipped"), null=True, blank=True)
    shipped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("disc shipment")
        verbose_name_plural = _("disc shipments")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="to_ship") | Q(status="cancelled") | ~Q(tracking_number=""),
                name="store_shipment_tracked_once_sent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order} · {self.product}"


class Grant(StatusBadge, TimeStampedModel):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Ended by refund")

    COLOURS = {Status.ACTIVE: "success", Status.EXPIRED: "secondary", Status.REVOKED: "danger"}

    order = models.ForeignKey(StoreOrder, on_delete=models.PROTECT, related_name="grants")
    line = models.OneToOneField(StoreOrderLine, on_delete=models.PROTECT, related_name="issued_grant")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="grants")
    option = models.ForeignKey(LicenceOption, on_delete=models.PROTECT, related_name="grants")
    kind = models.CharField(_("licence kind"), max_length=20, choices=LicenceOption.Kind.choices)
    holder_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="store_grants")
    holder_organization = models.ForeignKey(
        "office.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="store_grants"
    )
    licensee = models.CharField(_("licensee"), max_length=200)
    seats = models.PositiveIntegerField(_("seats"), default=1)
    ip_ranges = models.TextField(_("IP ranges"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    downloads_used = models.PositiveIntegerField(_("downloads used"), default=0)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        constraints = [
            models.CheckConstraint(condition=Q(seats__gte=1), name="store_grant_seats_positive"),
            models.CheckConstraint(condition=Q(downloads_used__lte=1000), name="store_grant_downloads_sane"),
        ]

    def __str__(self) -> str:
        return f"{self.product} · {self.licensee}"

    def grace_until(self) -> datetime.datetime | None:
        if self.ends_at is None:
            return None
        return self.ends_at + datetime.timedelta(days=getattr(settings, "STORE_GRACE_DAYS", 7))

    def usable_at(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        if self.status != self.Status.ACTIVE or now < self.starts_at:
            return False
        until = self.grace_until()
        return until is None or now < until


class AccessSession(models.Model):
    """One open session on a grant's access page; live ones count against the seats."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="sessions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session_key = models.CharField(max_length=64)
    last_seen = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["grant", "session_key"], name="store_session_once")]

    def __str__(self) -> str:
        return f"{self.grant_id} · {self.user_id}"


class Certificate(models.Model):
    grant = models.OneToOneField(Grant, on_delete=models.CASCADE, related_name="certificate")
    number = models.CharField(_("certificate number"), max_length=30, unique=True)
    verification_code = models.CharField(_("verification code"), max_length=40, unique=True)
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("licence certificate")
        verbose_name_plural = _("licence certificates")

    def __str__(self) -> str:
        return self.number
