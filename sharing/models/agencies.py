"""Sharing agencies (member offices and outside partner libraries) and reciprocity agreements."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from office.models import TimeStampedModel, localized
from sharing.querysets import AgencyQuerySet


class Agency(TimeStampedModel):
    """A member office's sharing identity and lending policy, or an outside partner library."""

    class RotaRule(models.TextChoices):
        CHEAPEST = "cheapest", _("Cheapest first")
        FASTEST = "fastest", _("Fastest first (turnaround history)")
        LOAD = "load", _("Load balance (fewest open requests)")
        PREFERENCE = "preference", _("Fixed preference list")

    agency_id = models.CharField(_("agency id"), max_length=50, unique=True, help_text=_("ISIL-style, e.g. CN-HOME."))
    organization = models.OneToOneField(
        "office.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sharing_agency",
        verbose_name=_("member office"),
    )
    name = models.CharField(_("name"), max_length=200)
    name_zh = models.CharField(_("Chinese name"), max_length=200, blank=True)
    iso_address = models.URLField(_("ISO 18626 address"), blank=True)
    # The partner's shared security code (docs/iso18626.md "Who"): every message it sends us
    # carries it, and we send it with ours. Kept as given because we must send it too; compared
    # with hmac.compare_digest, never shown again once set, never audited, never on a timeline.
    # Not editable in forms (the admin included): set through sharing.actions.directory.
    iso_secret = models.CharField(_("ISO 18626 security code"), max_length=128, blank=True, editable=False)
    iso_secret_set_at = models.DateTimeField(_("security code set"), null=True, blank=True, editable=False)
    email = models.EmailField(_("e-mail"), blank=True)
    postal_address = models.CharField(_("postal address"), max_length=300, blank=True)
    is_partner = models.BooleanField(_("outside partner library"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    # Lending policy.
    rota_rule = models.CharField(_("rota rule"), max_length=20, choices=RotaRule.choices, default=RotaRule.CHEAPEST)
    # Agency ids, most preferred first; used by the "preference" rule (others follow by cost).
    preference_list = models.JSONField(_("preferred lenders"), default=list, blank=True)
    answer_days = models.PositiveSmallIntegerField(_("answer within (working days)"), default=2)
    loan_days = models.PositiveSmallIntegerField(_("loan period (days)"), default=28)
    max_renewals = models.PositiveSmallIntegerField(_("renewals allowed"), default=1)
    lends = models.BooleanField(_("lends to others"), default=True)

    # Fee schedule (what this agency charges as lender), minor units of `currency`.
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    loan_fee_minor = models.BigIntegerField(_("fee per loan"), default=0)
    copy_fee_minor = models.BigIntegerField(_("fee per copy"), default=0)
    page_fee_minor = models.BigIntegerField(_("fee per copied page"), default=0)
    urgent_fee_minor = models.BigIntegerField(_("urgent surcharge"), default=0)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        ordering = ["is_partner", "agency_id"]
        verbose_name = _("sharing agency")
        verbose_name_plural = _("sharing agencies")
        constraints = [
            models.CheckConstraint(
                condition=Q(loan_fee_minor__gte=0)
                & Q(copy_fee_minor__gte=0)
                & Q(page_fee_minor__gte=0)
                & Q(urgent_fee_minor__gte=0),
                name="agency_fees_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(is_partner=True) | Q(organization__isnull=False), name="agency_member_has_office"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.display_name}"

    @property
    def display_name(self) -> str:
        return localized(self, "name")


class Reciprocity(models.Model):
    """A reciprocity agreement: the two agencies lend to each other free of charge."""

    first = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+", verbose_name=_("agency"))
    second = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+", verbose_name=_("agency"))
    starts_on = models.DateField(_("from"), default=timezone.localdate)
    ends_on = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("reciprocity agreement")
        verbose_name_plural = _("reciprocity agreements")
        constraints = [
            # One row per pair, stored lower id first.
            models.CheckConstraint(condition=Q(first__lt=F("second")), name="reciprocity_ordered_pair"),
            models.UniqueConstraint(fields=["first", "second"], name="reciprocity_once_per_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} ↔ {self.second_id}"
