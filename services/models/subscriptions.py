"""Subscriptions: recurring topic tracking and clipping, paid per period, delivered as digests."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from office.models import TimeStampedModel
from office.workflow import StatusBadge
from services.models.catalog import Offering
from services.querysets import SubscriptionQuerySet


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
