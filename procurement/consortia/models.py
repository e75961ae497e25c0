"""Consortium buying (集团采购): offices form a buying group for one resource of one provider,
elect a negotiator, negotiate price tiers and licence terms with the provider, then each member
signs its own contract and pays the provider itself.

These models live in `procurement.consortia` (app label `procurement`) and are imported into
`procurement/models.py` so Django registers them with the app. Money is integer minor units
plus an ISO 4217 code. Properties never query relations.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from office.models import TimeStampedModel
from office.workflow import StatusBadge, Workflow
from procurement.consortia.querysets import ConsortiumQuerySet, ContractQuerySet, OfferQuerySet

MAX_PRICE_MINOR = 10_000_000_000  # as procurement.models: anything above is a typing mistake


class ProviderRepresentative(TimeStampedModel):
    """A provider's own account: it sees and answers only the negotiations and contracts of
    consortia that buy from its vendor record (never elections, members' internals or payments)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="provider_representations",
        verbose_name=_("user"),
    )
    vendor = models.ForeignKey(
        "procurement.Vendor", on_delete=models.CASCADE, related_name="representatives", verbose_name=_("provider")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("provider representative")
        verbose_name_plural = _("provider representatives")
        constraints = [models.UniqueConstraint(fields=["user", "vendor"], name="providerrep_once_per_vendor")]

    def __str__(self) -> str:
        return f"{self.user} ({self.vendor})"


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


class Election(StatusBadge, TimeStampedModel):
    """Electing the negotiator: nominations and votes until the deadline (or until every member
    has voted), then a tally. Tie rule: the tied candidate nominated first wins (known to everyone
    in advance, no luck involved, and it rewards whoever stepped forward first)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    COLOURS = {Status.OPEN: "info", Status.CLOSED: "secondary"}

    consortium = models.OneToOneField(
        Consortium, on_delete=models.CASCADE, related_name="election", verbose_name=_("consortium")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    deadline = models.DateTimeField(_("voting deadline"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    winner = models.ForeignKey(
        "procurement.Nomination", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The published tally: [{"nomination": pk, "candidate": name, "office": name, "votes": n}, ...]
    result = models.JSONField(_("result"), default=list, blank=True)
    tie_broken = models.BooleanField(_("tie broken by nomination order"), default=False)

    class Meta:
        verbose_name = _("election")
        verbose_name_plural = _("elections")

    def __str__(self) -> str:
        return _("Election for %(consortium)s") % {"consortium": self.consortium_id}

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Nomination(TimeStampedModel):
    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="nominations", verbose_name=_("election")
    )
    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("candidate")
    )
    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="nominations", verbose_name=_("candidate's office")
    )
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    statement = models.TextField(_("statement"), blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        constraints = [
            models.UniqueConstraint(fields=["election", "candidate"], name="nomination_once_per_candidate"),
        ]

    def __str__(self) -> str:
        return str(self.candidate)


class Vote(TimeStampedModel):
    """One per member office; its representative may change it until the election closes."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="votes", verbose_name=_("election"))
    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="votes", verbose_name=_("voting office")
    )
    nomination = models.ForeignKey(
        Nomination, on_delete=models.PROTECT, related_name="votes", verbose_name=_("vote for")
    )
    cast_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [models.UniqueConstraint(fields=["election", "membership"], name="vote_one_per_office")]

    def __str__(self) -> str:
        return f"{self.membership_id} → {self.nomination_id}"


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
