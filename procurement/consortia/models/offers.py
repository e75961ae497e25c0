"""Negotiation: offers and counter-offers with their price tiers, and the tier a quantity reaches."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from office.models import TimeStampedModel
from procurement.consortia.models.consortium import Consortium
from procurement.consortia.models.limits import MAX_PRICE_MINOR
from procurement.consortia.querysets import OfferQuerySet


class Offer(TimeStampedModel):
    """An offer (from the provider) or a counter-offer (from the consortium's negotiator): price
    tiers plus licence terms. Only the latest provider offer can be accepted, by the negotiator."""

    class Side(models.TextChoices):
        PROVIDER = "provider", _("Provider's offer")
        CONSORTIUM = "consortium", _("Consortium's counter-offer")

    class Basis(models.TextChoices):
        MEMBERS = "members", _("Number of participating members")
        FTE = "fte", _("Total FTE of participating members")

    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="offers")
    number = models.PositiveIntegerField(_("number"))
    side = models.CharField(_("side"), max_length=20, choices=Side.choices)
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # A provider's offer the negotiator typed in (received by e-mail or phone) rather than posted.
    recorded_for_provider = models.BooleanField(_("recorded by the negotiator"), default=False)
    basis = models.CharField(_("tiers by"), max_length=20, choices=Basis.choices, default=Basis.MEMBERS)
    term_months = models.PositiveIntegerField(_("term (months)"))
    concurrent_users = models.PositiveIntegerField(_("concurrent users per member"))
    sites = models.CharField(_("permitted sites"), max_length=300, blank=True)
    ill_allowed = models.BooleanField(_("interlibrary loan allowed"), default=False)
    archival_rights = models.BooleanField(_("archival rights"), default=False)
    perpetual_access = models.BooleanField(_("perpetual access"), default=False)
    renewal_cap_percent = models.PositiveIntegerField(
        _("renewal price cap (percent increase)"), null=True, blank=True, help_text=_("Empty: no cap.")
    )
    message = models.TextField(_("message"), blank=True)

    objects = OfferQuerySet.as_manager()

    class Meta:
        ordering = ["consortium_id", "number"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [
            models.UniqueConstraint(fields=["consortium", "number"], name="offer_number_unique"),
            models.CheckConstraint(condition=Q(term_months__gte=1) & Q(term_months__lte=120), name="offer_term_sane"),
            models.CheckConstraint(condition=Q(concurrent_users__gte=1), name="offer_users_gte_1"),
            models.CheckConstraint(
                condition=Q(renewal_cap_percent__isnull=True) | Q(renewal_cap_percent__lte=100),
                name="offer_renewal_cap_sane",
            ),
        ]

    def __str__(self) -> str:
        return _("Offer %(number)s") % {"number": self.number}


class OfferTier(models.Model):
    """Price per member office when at least `min_quantity` members (or FTE) take part."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="tiers", verbose_name=_("offer"))
    min_quantity = models.PositiveIntegerField(_("from (members or FTE)"))
    price_minor = models.BigIntegerField(_("price per member"))

    class Meta:
        ordering = ["offer_id", "min_quantity"]
        verbose_name = _("price tier")
        verbose_name_plural = _("price tiers")
        constraints = [
            models.UniqueConstraint(fields=["offer", "min_quantity"], name="offertier_one_per_quantity"),
            models.CheckConstraint(condition=Q(min_quantity__gte=1), name="offertier_quantity_gte_1"),
            models.CheckConstraint(
                condition=Q(price_minor__gt=0) & Q(price_minor__lte=MAX_PRICE_MINOR), name="offertier_price_sane"
            ),
        ]

    def __str__(self) -> str:
        return f"≥{self.min_quantity}: {self.price_minor}"


def tier_price(tiers: list[tuple[int, int]], quantity: int) -> int | None:
    """The price of the highest tier `quantity` reaches; None below the lowest tier.
    `tiers` is [(min_quantity, price_minor), ...] in any order."""
    reached = [(minimum, price) for minimum, price in tiers if quantity >= minimum]
    return max(reached)[1] if reached else None
