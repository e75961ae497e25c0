"""Resource sharing (资源共建共享): interlibrary loan (馆际互借) and document delivery (文献传递).

An `Agency` is one party of resource sharing: a member office (with its ISIL-style agency id,
lending policy and fee schedule) or an outside partner library reached over ISO 18626.
A `SharingRequest` is one transaction between a borrowing agency and the current lender of
its rota (`RotaEntry` rows, asked in order); its status follows ISO 18626's vocabulary and
moves only along `TRANSITIONS`. Every change leaves a `RequestEvent` (the timeline, also the
ISO 18626 messages in and out). Delivered scans are `DeliveredFile`s, fetched through
expiring, limited-use `DownloadLink`s. A completed request records a `Charge`; a monthly job
nets each pair of agencies' charges into a `Settlement`. Money is integer minor units.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from office.models import TimeStampedModel, localized
from office.workflow import StatusBadge, Workflow
from sharing.querysets import AgencyQuerySet, SettlementQuerySet, SharingRequestQuerySet


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


class SharingRequest(Workflow, TimeStampedModel):
    """One interlibrary loan or copy request, between its borrower and the current lender."""

    class Status(models.TextChoices):
        AWAITING_PAYMENT = "awaiting_payment", _("Awaiting the client's payment")
        REQUESTED = "requested", _("Requested")
        SENT = "sent", _("Sent to lender")
        EXPECT_TO_SUPPLY = "expect_to_supply", _("Expect to supply")
        WILL_SUPPLY = "will_supply", _("Will supply")
        CONDITIONAL = "conditional", _("Conditional")
        UNFILLED = "unfilled", _("Unfilled")
        SHIPPED = "shipped", _("Shipped")
        DELIVERED = "delivered", _("Delivered electronically")
        RECEIVED = "received", _("Received")
        OVERDUE = "overdue", _("Overdue")
        RECALLED = "recalled", _("Recalled")
        RETURNED = "returned", _("Returned")
        CHECKED_IN = "checked_in", _("Checked in")
        COMPLETE = "complete", _("Complete")
        CANCELLED = "cancelled", _("Cancelled")

    class ServiceType(models.TextChoices):
        LOAN = "loan", _("Loan")
        COPY = "copy", _("Copy")

    class Reason(models.TextChoices):
        NOT_HELD = "NotHeld", _("Not held")
        NOT_ON_SHELF = "NotOnShelf", _("Not on shelf")
        NON_CIRCULATING = "NonCirculating", _("Non-circulating")
        NOT_AVAILABLE = "NotAvailableForILL", _("Not available for interlibrary loan")
        POLICY = "PolicyProblem", _("Policy problem")
        POOR_CONDITION = "PoorCondition", _("Poor condition")

    class Pending(models.TextChoices):
        NONE = "", _("Nothing")
        CANCEL = "cancel", _("Cancellation asked")
        RENEW = "renew", _("Renewal asked")

    # The lender's answers (expect/will supply, conditional, unfilled → next lender) all come
    # back to SENT when the rota moves on; the last lender's refusal ends in UNFILLED.
    _ANSWERING = {
        Status.SENT,
        Status.EXPECT_TO_SUPPLY,
        Status.WILL_SUPPLY,
        Status.CONDITIONAL,
        Status.UNFILLED,
        Status.CANCELLED,
    }
    TRANSITIONS = {
        Status.AWAITING_PAYMENT: {Status.REQUESTED, Status.CANCELLED},
        Status.REQUESTED: {Status.SENT, Status.UNFILLED, Status.CANCELLED},
        Status.SENT: _ANSWERING | {Status.SHIPPED, Status.DELIVERED},
        Status.EXPECT_TO_SUPPLY: (_ANSWERING - {Status.EXPECT_TO_SUPPLY}) | {Status.SHIPPED, Status.DELIVERED},
        Status.WILL_SUPPLY: {Status.SENT, Status.UNFILLED, Status.CANCELLED, Status.SHIPPED, Status.DELIVERED},
        Status.CONDITIONAL: {Status.WILL_SUPPLY, Status.SENT, Status.UNFILLED, Status.CANCELLED},
        Status.SHIPPED: {Status.RECEIVED},
        Status.DELIVERED: {Status.RECEIVED, Status.COMPLETE},
        Status.RECEIVED: {Status.OVERDUE, Status.RECALLED, Status.RETURNED, Status.COMPLETE},
        Status.OVERDUE: {Status.RECALLED, Status.RETURNED, Status.RECEIVED},  # received again: renewed
        Status.RECALLED: {Status.OVERDUE, Status.RETURNED},
        Status.RETURNED: {Status.CHECKED_IN},
        Status.CHECKED_IN: {Status.COMPLETE},
    }
    COLOURS = {
        Status.AWAITING_PAYMENT: "warning",
        Status.REQUESTED: "info",
        Status.SENT: "primary",
        Status.EXPECT_TO_SUPPLY: "primary",
        Status.WILL_SUPPLY: "primary",
        Status.CONDITIONAL: "warning",
        Status.UNFILLED: "danger",
        Status.SHIPPED: "info",
        Status.DELIVERED: "info",
        Status.RECEIVED: "success",
        Status.OVERDUE: "danger",
        Status.RECALLED: "warning",
        Status.RETURNED: "info",
        Status.CHECKED_IN: "info",
        Status.COMPLETE: "success",
        Status.CANCELLED: "secondary",
    }
    # With the lender to answer; with the lender to ship; out on loan; over.
    ASKING = (Status.SENT, Status.EXPECT_TO_SUPPLY, Status.CONDITIONAL)
    TO_SUPPLY = (Status.SENT, Status.EXPECT_TO_SUPPLY, Status.WILL_SUPPLY)
    ON_LOAN = (Status.SHIPPED, Status.RECEIVED, Status.OVERDUE, Status.RECALLED, Status.RETURNED)
    CLOSED = (Status.UNFILLED, Status.COMPLETE, Status.CANCELLED)

    number = models.CharField(_("number"), max_length=30, unique=True, editable=False)
    borrower = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="borrowing", verbose_name=_("borrowing agency")
    )
    lender = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lending",
        verbose_name=_("current lender"),
    )
    service_type = models.CharField(_("service"), max_length=10, choices=ServiceType.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED)
    pending = models.CharField(_("borrower asks"), max_length=10, choices=Pending.choices, default="", blank=True)
    reason_unfilled = models.CharField(_("reason unfilled"), max_length=30, choices=Reason.choices, blank=True)
    rota_position = models.PositiveSmallIntegerField(_("rota position"), default=0)

    # The citation.
    record = models.ForeignKey(
        "cataloging.BibRecord",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sharing_requests",
        verbose_name=_("catalog record"),
    )
    title = models.CharField(_("title"), max_length=1000)
    author = models.CharField(_("author"), max_length=500, blank=True)
    isbn = models.CharField(_("ISBN"), max_length=20, blank=True)
    issn = models.CharField(_("ISSN"), max_length=9, blank=True)
    publisher = models.CharField(_("publisher"), max_length=500, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    volume = models.CharField(_("volume"), max_length=40, blank=True)
    issue = models.CharField(_("issue"), max_length=40, blank=True)
    pages = models.CharField(_("pages"), max_length=40, blank=True, help_text=_("e.g. 12-30"))
    page_count = models.PositiveIntegerField(_("number of pages"), null=True, blank=True)
    article_title = models.CharField(_("article or chapter title"), max_length=1000, blank=True)
    article_author = models.CharField(_("article or chapter author"), max_length=500, blank=True)
    note = models.TextField(_("note"), blank=True)

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sharing_requests",
        verbose_name=_("requested by"),
    )
    client = models.ForeignKey(
        "office.ClientAccount",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sharing_requests",
        verbose_name=_("client"),
    )
    urgent = models.BooleanField(_("urgent"), default=False)
    peer_request_id = models.CharField(_("partner's request id"), max_length=100, blank=True)

    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    deadline = models.DateTimeField(_("lender answers by"), null=True, blank=True, db_index=True)
    shipped_at = models.DateTimeField(_("shipped"), null=True, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=60, blank=True)
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    due_date = models.DateField(_("due"), null=True, blank=True)
    renewals = models.PositiveSmallIntegerField(_("renewals"), default=0)
    overdue_noticed_on = models.DateField(_("last overdue notice"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    # A lender's condition (ISO 18626 "conditional"): a fee and/or a note the borrower accepts.
    condition_note = models.TextField(_("condition"), blank=True)
    proposed_fee_minor = models.BigIntegerField(_("proposed fee"), null=True, blank=True)
    proposed_currency = models.CharField(_("currency of the proposed fee"), max_length=3, blank=True)
    # The fee the borrower accepted from the current lender (None: the lender's schedule applies).
    agreed_fee_minor = models.BigIntegerField(_("agreed fee"), null=True, blank=True)

    copyright_declared = models.BooleanField(_("copyright declaration"), default=False)
    copyright_declared_at = models.DateTimeField(_("declared"), null=True, blank=True)
    copyright_declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    # A client's document-delivery request: the quoted fee, paid before the request is sent.
    client_fee_minor = models.BigIntegerField(_("client's fee"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    client_payment = models.ForeignKey(
        "payments.Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    client_paid_at = models.DateTimeField(_("client paid"), null=True, blank=True)

    # What the borrower owes the lender, recorded on completion (see Charge).
    charge_minor = models.BigIntegerField(_("charge"), null=True, blank=True)
    charge_currency = models.CharField(_("charge currency"), max_length=3, blank=True)
    charged_at = models.DateTimeField(_("charged"), null=True, blank=True)

    objects = SharingRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("sharing request")
        verbose_name_plural = _("sharing requests")
        constraints = [
            models.CheckConstraint(condition=~Q(borrower=F("lender")), name="sharingrequest_not_own_lender"),
            models.CheckConstraint(
                condition=Q(proposed_fee_minor__isnull=True) | Q(proposed_fee_minor__gte=0),
                name="sharingrequest_proposed_fee_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(agreed_fee_minor__isnull=True) | Q(agreed_fee_minor__gte=0),
                name="sharingrequest_agreed_fee_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(client_fee_minor__isnull=True) | Q(client_fee_minor__gt=0),
                name="sharingrequest_client_fee_gt_0",
            ),
            models.CheckConstraint(
                condition=Q(charge_minor__isnull=True) | Q(charge_minor__gte=0), name="sharingrequest_charge_gte_0"
            ),
            # A partner's request id is its transaction: the same id twice is the same request.
            models.UniqueConstraint(
                fields=["borrower", "peer_request_id"],
                condition=~Q(peer_request_id=""),
                name="sharingrequest_peer_id_once",
            ),
        ]
        indexes = [
            models.Index(fields=["borrower", "status"], name="sharingreq_borrower_status"),
            models.Index(fields=["lender", "status"], name="sharingreq_lender_status"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_copy(self) -> bool:
        return self.service_type == self.ServiceType.COPY

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED


class RotaEntry(StatusBadge):
    """One lender of a request's rota, asked in `position` order."""

    class Outcome(models.TextChoices):
        WAITING = "waiting", _("Not asked yet")
        ASKED = "asked", _("Asked")
        LAPSED = "lapsed", _("Did not answer in time")
        UNFILLED = "unfilled", _("Could not supply")
        DECLINED = "declined", _("Condition declined")
        SUPPLIED = "supplied", _("Supplying")
        CANCELLED = "cancelled", _("Cancelled")

    COLOURS = {
        Outcome.WAITING: "secondary",
        Outcome.ASKED: "primary",
        Outcome.LAPSED: "warning",
        Outcome.UNFILLED: "danger",
        Outcome.DECLINED: "warning",
        Outcome.SUPPLIED: "success",
        Outcome.CANCELLED: "secondary",
    }
    STATUS_FIELD = "outcome"

    request = models.ForeignKey(SharingRequest, on_delete=models.CASCADE, related_name="rota")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("lender"))
    position = models.PositiveSmallIntegerField(_("position"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.WAITING)
    reason = models.CharField(_("reason"), max_length=30, choices=SharingRequest.Reason.choices, blank=True)
    expected_fee_minor = models.BigIntegerField(_("expected fee"), default=0)
    asked_at = models.DateTimeField(_("asked"), null=True, blank=True)
    deadline = models.DateTimeField(_("answer by"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["request", "position"]
        verbose_name = _("rota entry")
        verbose_name_plural = _("rota entries")
        constraints = [
            models.UniqueConstraint(fields=["request", "position"], name="rotaentry_position_once"),
            models.UniqueConstraint(fields=["request", "agency"], name="rotaentry_agency_once"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id}#{self.position} {self.agency_id}"


class RequestEvent(models.Model):
    """One line of a request's timeline: a transition, a note, or an ISO 18626 message.
    Text is rendered from `kind` + `params` when read (sharing.timeline), never stored."""

    class Direction(models.TextChoices):
        INTERNAL = "internal", _("Internal")
        IN = "in", _("Received from partner")
        OUT = "out", _("Sent to partner")

    request = models.ForeignKey(SharingRequest, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=60)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, default=Direction.INTERNAL)
    payload = models.TextField(_("message"), blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
        indexes = [models.Index(fields=["direction", "delivered_at"], name="requestevent_outbox")]

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind}"


def _delivered_file_path(instance: DeliveredFile, filename: str) -> str:
    # Server-generated name: the uploader's file name never reaches the file system.
    return f"sharing/{instance.request_id}/{uuid.uuid4().hex}.pdf"


class DeliveredFile(models.Model):
    """A scan the lender delivered (PDF); the bytes are deleted after SHARING_FILE_DAYS."""

    request = models.ForeignKey(SharingRequest, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(_("file"), upload_to=_delivered_file_path, max_length=200, blank=True)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("delivered file")
        verbose_name_plural = _("delivered files")

    def __str__(self) -> str:
        return self.original_name


class DownloadLink(models.Model):
    """An expiring, limited-use link to one delivered file for one user (e-mailed to them)."""

    file = models.ForeignKey(DeliveredFile, on_delete=models.CASCADE, related_name="links")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    max_uses = models.PositiveSmallIntegerField(_("uses allowed"), default=3)
    use_count = models.PositiveSmallIntegerField(_("used"), default=0)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("download link")
        verbose_name_plural = _("download links")
        constraints = [models.CheckConstraint(condition=Q(use_count__lte=F("max_uses")), name="downloadlink_uses")]

    def __str__(self) -> str:
        return f"{self.file_id} → {self.user_id}"

    @property
    def is_usable(self) -> bool:
        return timezone.now() < self.expires_at and self.use_count < self.max_uses and not self.file.deleted_at


class Settlement(StatusBadge, TimeStampedModel):
    """One month's netted statement between two agencies (stored lower id first):
    what `first` owes `second` minus what `second` owes `first`; the debtor pays `amount_minor`."""

    class Status(models.TextChoices):
        ISSUED = "issued", _("Issued")
        PAID = "paid", _("Paid")
        SETTLED = "settled", _("Nothing to pay")

    COLOURS = {Status.ISSUED: "warning", Status.PAID: "success", Status.SETTLED: "secondary"}

    period_start = models.DateField(_("month"))
    first = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    second = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    first_owes_minor = models.BigIntegerField(_("first owes"), default=0)
    second_owes_minor = models.BigIntegerField(_("second owes"), default=0)
    debtor = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    creditor = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    amount_minor = models.BigIntegerField(_("net amount"), default=0)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ISSUED)
    payment = models.ForeignKey("payments.Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    objects = SettlementQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "first", "second"]
        verbose_name = _("settlement statement")
        verbose_name_plural = _("settlement statements")
        constraints = [
            models.UniqueConstraint(fields=["period_start", "first", "second", "currency"], name="settlement_once"),
            models.CheckConstraint(condition=Q(first__lt=F("second")), name="settlement_ordered_pair"),
            models.CheckConstraint(
                condition=Q(first_owes_minor__gte=0) & Q(second_owes_minor__gte=0) & Q(amount_minor__gte=0),
                name="settlement_amounts_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(status="paid", paid_at__isnull=False) | ~Q(status="paid"), name="settlement_paid_has_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period_start:%Y-%m} {self.first_id}/{self.second_id}"

    @property
    def is_payable(self) -> bool:
        return self.status == self.Status.ISSUED and self.amount_minor > 0


class Charge(models.Model):
    """What a borrower owes a lender for one completed request; closed into a Settlement."""

    request = models.OneToOneField(SharingRequest, on_delete=models.PROTECT, related_name="charge")
    debtor = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="charges_owed")
    creditor = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="charges_due")
    amount_minor = models.BigIntegerField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    free_reason = models.CharField(_("free because"), max_length=30, blank=True)
    settlement = models.ForeignKey(Settlement, on_delete=models.PROTECT, null=True, blank=True, related_name="charges")
    created_at = models.DateTimeField(_("charged"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("sharing charge")
        verbose_name_plural = _("sharing charges")
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gte=0), name="charge_amount_gte_0"),
            models.CheckConstraint(condition=~Q(debtor=F("creditor")), name="charge_two_parties"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.amount_minor} {self.currency}"
