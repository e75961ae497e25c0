"""Vendors and their catalog items."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from office.models import TimeStampedModel, localized
from procurement.models.limits import MAX_PRICE_MINOR
from procurement.querysets import VendorItemQuerySet, VendorQuerySet


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
