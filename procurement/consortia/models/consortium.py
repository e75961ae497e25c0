"""A consortium and its member offices."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from office.models import TimeStampedModel
from office.workflow import Workflow
from procurement.consortia.models.limits import MAX_PRICE_MINOR
from procurement.consortia.querysets import ConsortiumQuerySet


class Consortium(Workflow, TimeStampedModel):
    class Status(models.TextChoices):
        FORMING = "forming", _("Forming")
        ELECTING = "electing", _("Electing a negotiator")
        NEGOTIATING = "negotiating", _("Negotiating")
        AGREED = "agreed", _("Agreed: members commit")
        CONTRACTING = "contracting", _("Contracting and paying")
        ACTIVE = "active", _("Active")
        EXPIRED = "expired", _("Expired")
        CANCELLED = "cancelled", _("Cancelled")
        LAPSED = "lapsed", _("Lapsed: no agreement by the deadline")

    # The only legal moves and each state's colour (office.workflow): actions move a consortium
    # with move_to(), and nothing else assigns `status`.
    # "Paying" (DESIGN §4) is a per-contract state here: a member pays as soon as its own contract
    # is signed by both sides, without waiting for the others; the consortium is active once all paid.
    TRANSITIONS = {
        Status.FORMING: {Status.ELECTING, Status.CANCELLED},
        Status.ELECTING: {Status.NEGOTIATING, Status.CANCELLED},
        # The beat sweep (actions.consortia_sweep) lapses a negotiation whose deadline passed
        # without an accepted offer, and expires the consortium at the end of the contracts' term.
        Status.NEGOTIATING: {Status.AGREED, Status.CANCELLED, Status.LAPSED},
        Status.AGREED: {Status.CONTRACTING, Status.CANCELLED},
        Status.CONTRACTING: {Status.ACTIVE, Status.EXPIRED},
        Status.ACTIVE: {Status.EXPIRED},
    }
    COLOURS = {
        Status.FORMING: "info",
        Status.ELECTING: "info",
        Status.NEGOTIATING: "info",
        Status.AGREED: "primary",
        Status.CONTRACTING: "primary",
        Status.ACTIVE: "success",
        Status.EXPIRED: "secondary",
        Status.CANCELLED: "secondary",
        Status.LAPSED: "warning",
    }
    # Offices may still join or leave (and commitments move the tier) until contracts are issued.
    OPEN_FOR_MEMBERS = (Status.FORMING, Status.ELECTING, Status.NEGOTIATING, Status.AGREED)

    name = models.CharField(_("name"), max_length=200)
    resource = models.CharField(_("resource"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    vendor = models.ForeignKey(
        "procurement.Vendor", on_delete=models.PROTECT, related_name="consortia", verbose_name=_("provider")
    )
    founder = models.ForeignKey(
        "office.Organization", on_delete=models.PROTECT, related_name="consortia_founded", verbose_name=_("founded by")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.FORMING)
    # What one office would pay alone for the term: the baseline for the savings shown.
    list_price_minor = models.BigIntegerField(_("list price per office"))
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    negotiator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consortia_negotiated",
        verbose_name=_("elected negotiator"),
    )
    negotiation_deadline = models.DateTimeField(_("negotiation deadline"), null=True, blank=True)
    accepted_offer = models.OneToOneField(
        "procurement.Offer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accepted_for",
        verbose_name=_("accepted offer"),
    )
    agreed_at = models.DateTimeField(_("agreed"), null=True, blank=True)
    # Set once, when contracts are issued: the tier is never recomputed afterwards.
    final_quantity = models.PositiveIntegerField(_("final tier quantity"), null=True, blank=True)
    final_price_minor = models.BigIntegerField(_("final price per office"), null=True, blank=True)
    contracts_issued_at = models.DateTimeField(_("contracts issued"), null=True, blank=True)
    activated_at = models.DateTimeField(_("active since"), null=True, blank=True)
    previous = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewal",
        verbose_name=_("renewal of"),
    )

    objects = ConsortiumQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("consortium")
        verbose_name_plural = _("consortia")
        constraints = [
            models.CheckConstraint(
                condition=Q(list_price_minor__gt=0) & Q(list_price_minor__lte=MAX_PRICE_MINOR),
                name="consortium_list_price_sane",
            ),
            models.CheckConstraint(
                condition=Q(final_price_minor__isnull=True) | Q(final_price_minor__gte=0),
                name="consortium_final_price_gte_0",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open_for_members(self) -> bool:
        return self.status in self.OPEN_FOR_MEMBERS


class Membership(Workflow, TimeStampedModel):
    """One office's place in a consortium. The representative acts for the office: votes,
    commits, signs and pays (the office's leadership may do all of that too, except voting)."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        APPLIED = "applied", _("Applied")
        JOINED = "joined", _("Member")
        DECLINED = "declined", _("Declined")
        LEFT = "left", _("Left")

    TRANSITIONS = {
        Status.INVITED: {Status.JOINED, Status.DECLINED},
        Status.APPLIED: {Status.JOINED, Status.DECLINED},
        Status.JOINED: {Status.LEFT},
        # An office that declined or left may come back while the consortium is open.
        Status.DECLINED: {Status.INVITED, Status.APPLIED},
        Status.LEFT: {Status.INVITED, Status.APPLIED},
    }
    COLOURS = {
        Status.INVITED: "info",
        Status.APPLIED: "info",
        Status.JOINED: "success",
        Status.DECLINED: "secondary",
        Status.LEFT: "secondary",
    }

    consortium = models.ForeignKey(
        Consortium, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("consortium")
    )
    organization = models.ForeignKey(
        "office.Organization", on_delete=models.PROTECT, related_name="consortium_memberships", verbose_name=_("office")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    representative = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consortium_representations",
        verbose_name=_("representative"),
    )
    # Full-time equivalents the office declares, for offers tiered by total FTE.
    fte = models.PositiveIntegerField(_("FTE"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    joined_at = models.DateTimeField(_("joined"), null=True, blank=True)
    left_at = models.DateTimeField(_("left"), null=True, blank=True)
    committed_at = models.DateTimeField(_("committed"), null=True, blank=True)

    class Meta:
        ordering = ["consortium_id", "joined_at", "pk"]
        verbose_name = _("consortium membership")
        verbose_name_plural = _("consortium memberships")
        constraints = [
            models.UniqueConstraint(fields=["consortium", "organization"], name="membership_one_per_office"),
            # Only a member can be committed.
            models.CheckConstraint(
                condition=Q(committed_at__isnull=True) | Q(status="joined"), name="membership_commit_needs_member"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} – {self.consortium}"

    @property
    def is_member(self) -> bool:
        return self.status == self.Status.JOINED
