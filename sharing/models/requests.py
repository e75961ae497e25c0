"""Sharing requests: the request and its status workflow, its rota of lenders, its timeline."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from office.models import TimeStampedModel
from office.workflow import StatusBadge, Workflow
from sharing.models.agencies import Agency
from sharing.querysets import SharingRequestQuerySet


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
