"""Each member's contract with the provider."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from office.models import TimeStampedModel
from office.workflow import Workflow
from procurement.consortia.models.consortium import Consortium, Membership
from procurement.consortia.models.limits import MAX_PRICE_MINOR
from procurement.consortia.querysets import ContractQuerySet


class Contract(Workflow, TimeStampedModel):
    """One member's purchase contract with the provider, issued from the agreed terms at the
    final tier. The PDF is stored as issued: both signatures record the SHA-256 of these bytes."""

    class Status(models.TextChoices):
        ISSUED = "issued", _("Waiting for signatures")
        SIGNED = "signed", _("Signed: waiting for payment")
        PAID = "paid", _("Paid")
        EXPIRED = "expired", _("Expired: the term has ended")

    # At the end of the term every contract expires, paid or not (an unpaid one can no longer be paid).
    TRANSITIONS = {
        Status.ISSUED: {Status.SIGNED, Status.EXPIRED},
        Status.SIGNED: {Status.PAID, Status.EXPIRED},
        Status.PAID: {Status.EXPIRED},
    }
    COLOURS = {Status.ISSUED: "info", Status.SIGNED: "primary", Status.PAID: "success", Status.EXPIRED: "secondary"}

    consortium = models.ForeignKey(Consortium, on_delete=models.PROTECT, related_name="contracts")
    membership = models.OneToOneField(Membership, on_delete=models.PROTECT, related_name="contract")
    organization = models.ForeignKey(
        "office.Organization", on_delete=models.PROTECT, related_name="consortium_contracts", verbose_name=_("office")
    )
    number = models.CharField(_("contract number"), max_length=40, unique=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ISSUED)
    price_minor = models.BigIntegerField(_("price"))
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    pdf = models.BinaryField(_("contract PDF"), editable=False)
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64)
    member_signed_name = models.CharField(_("signed for the member by"), max_length=200, blank=True)
    member_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    member_signed_at = models.DateTimeField(_("member signed"), null=True, blank=True)
    member_signed_sha256 = models.CharField(max_length=64, blank=True)
    provider_signed_name = models.CharField(_("signed for the provider by"), max_length=200, blank=True)
    provider_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    provider_signed_at = models.DateTimeField(_("provider signed"), null=True, blank=True)
    provider_signed_sha256 = models.CharField(max_length=64, blank=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    # The payment that paid it: any other payment that succeeds for it is a duplicate.
    payment = models.ForeignKey(
        "payments.Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("payment")
    )
    licence = models.OneToOneField(
        "procurement.Licence",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consortium_contract",
        verbose_name=_("licence"),
    )

    objects = ContractQuerySet.as_manager()

    class Meta:
        ordering = ["consortium_id", "pk"]
        verbose_name = _("member contract")
        verbose_name_plural = _("member contracts")
        constraints = [
            models.CheckConstraint(
                condition=Q(price_minor__gt=0) & Q(price_minor__lte=MAX_PRICE_MINOR), name="contract_price_sane"
            ),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="contract_period_ordered"),
            # Paid only when signed by both sides, and a paid contract has its licence.
            models.CheckConstraint(
                condition=~Q(status="paid")
                | (Q(member_signed_at__isnull=False) & Q(provider_signed_at__isnull=False) & Q(paid_at__isnull=False)),
                name="contract_paid_after_signatures",
            ),
        ]

    def __str__(self) -> str:
        return self.number
