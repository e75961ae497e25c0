"""The catalog: the offerings clients order, and the channels results are delivered by."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from office.models import TimeStampedModel, localized
from services.querysets import OfferingQuerySet


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
