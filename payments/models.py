"""Payments: one row per attempt to pay for a purpose, the ledger behind it, and the
simulated provider's own state.

A `Payment` is created by a business app for a purpose it owns (`purpose_type` is the key
it registered in `payments.payables`, `purpose_id` its own id); `payments` never imports
that app. Amounts are integer minor units plus an ISO 4217 code.

    created -> requires_action -> processing -> succeeded -> partially_refunded -> refunded
        \\-> failed (a retry on the same provider intent may still succeed)   \\-> cancelled

A payment whose provider intent was never created expires (-> cancelled, `expired_at`) after
PAYMENTS_ABANDON_AFTER_SECONDS, so its purpose can be paid with a fresh attempt. Money the
provider reports for a closed payment is still recorded (-> succeeded, `paid_after_close_at`,
flagged for staff).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from office.models import TimeStampedModel
from office.workflow import Workflow
from payments.querysets import PaymentQuerySet


class Payment(Workflow, TimeStampedModel):
    class Status(models.TextChoices):
        CREATED = "created", _("Awaiting payment")
        REQUIRES_ACTION = "requires_action", _("Requires action")
        PROCESSING = "processing", _("Processing")
        SUCCEEDED = "succeeded", _("Paid")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")
        PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
        REFUNDED = "refunded", _("Refunded")

    class Provider(models.TextChoices):
        SIMULATED = "simulated", _("Simulated")
        STRIPE = "stripe", _("Stripe")

    class PurposeOutcome(models.TextChoices):
        # What a successful payment did for its purpose (payments.payables' policy).
        NONE = "", _("—")
        APPLIED = "applied", _("Paid for its purpose")
        DUPLICATE = "duplicate", _("Paid twice: refunded automatically")
        CLOSED = "closed", _("Arrived after its purpose was closed: refunded automatically")
        MISMATCH = "mismatch", _("Amount or currency did not match: refused")
        UNKNOWN = "unknown", _("Its purpose no longer exists")

    class ConnectMode(models.TextChoices):
        NONE = "", _("None")
        DESTINATION = "destination", _("Destination charge")
        DIRECT = "direct", _("Direct charge")

    # The only legal moves and each state's colour (office.workflow). Provider events arrive
    # late, twice and out of order: anything not listed here (paid -> processing, refunded ->
    # paid, cancelled -> anything) is ignored.
    # FAILED is not final: on Stripe the payer may retry on the same PaymentIntent.
    TRANSITIONS = {
        Status.CREATED: {Status.REQUIRES_ACTION, Status.PROCESSING, Status.SUCCEEDED, Status.FAILED, Status.CANCELLED},
        Status.REQUIRES_ACTION: {Status.PROCESSING, Status.SUCCEEDED, Status.FAILED, Status.CANCELLED},
        Status.PROCESSING: {Status.SUCCEEDED, Status.FAILED},
        Status.FAILED: {Status.REQUIRES_ACTION, Status.PROCESSING, Status.SUCCEEDED, Status.CANCELLED},
        Status.SUCCEEDED: {Status.PARTIALLY_REFUNDED, Status.REFUNDED},
        Status.PARTIALLY_REFUNDED: {Status.REFUNDED},
    }
    COLOURS = {
        Status.CREATED: "warning",
        Status.REQUIRES_ACTION: "warning",
        Status.PROCESSING: "warning",
        Status.SUCCEEDED: "success",
        Status.FAILED: "danger",
        Status.CANCELLED: "secondary",
        Status.PARTIALLY_REFUNDED: "info",
        Status.REFUNDED: "info",
    }
    OPEN = (Status.CREATED, Status.REQUIRES_ACTION, Status.PROCESSING)
    PAID = (Status.SUCCEEDED, Status.PARTIALLY_REFUNDED, Status.REFUNDED)
    # A purpose has at most one payment that is not cancelled (constraint below): a second
    # "pay" reuses it. A failed one counts, since the payer may still retry on its intent;
    # a new attempt starts only after the old one was cancelled at the provider.

    payer_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
        verbose_name=_("payer"),
    )
    payer_organization = models.ForeignKey(
        "office.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments_made",
        verbose_name=_("paying office"),
    )
    payer_name = models.CharField(_("payer name"), max_length=200, blank=True)
    payee_organization = models.ForeignKey(
        "office.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments_received",
        verbose_name=_("receiving office"),
    )
    payee_name = models.CharField(_("payee"), max_length=200)
    payee_stripe_account = models.CharField(_("payee's connected Stripe account"), max_length=64, blank=True)
    connect_mode = models.CharField(
        _("Connect charge type"), max_length=20, choices=ConnectMode.choices, blank=True, default=""
    )
    application_fee_minor = models.BigIntegerField(_("application fee"), default=0)

    purpose_type = models.CharField(_("purpose"), max_length=60)
    purpose_id = models.CharField(_("purpose id"), max_length=64)
    attempt = models.PositiveIntegerField(_("attempt"), default=1)
    description = models.CharField(_("description"), max_length=300)

    amount_minor = models.BigIntegerField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    refunded_minor = models.BigIntegerField(_("refunded"), default=0)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.CREATED)

    provider = models.CharField(_("provider"), max_length=20, choices=Provider.choices)
    provider_reference = models.CharField(_("provider reference"), max_length=100, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True, editable=False)
    failure_message = models.CharField(_("failure"), max_length=300, blank=True)
    # Set when something about the payment needs staff to look (a provider event disagreeing
    # with our row, money for a closed payment or a purpose that is gone): an English message id
    # with `discrepancy_params`, rendered in the reader's language (office/texts.py); without
    # params, a text stored as written (flags from before the parameters were kept).
    discrepancy = models.CharField(_("discrepancy"), max_length=300, blank=True)
    discrepancy_params = models.JSONField(_("discrepancy parameters"), null=True, blank=True)
    provider_updated_at = models.DateTimeField(_("last provider update"), null=True, blank=True)
    succeeded_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    receipt_number = models.CharField(_("receipt number"), max_length=20, null=True, blank=True, unique=True)
    # Closed by the reconciliation sweep because no provider intent was ever recorded for it.
    expired_at = models.DateTimeField(_("expired at"), null=True, blank=True)
    # The provider reported money received after we had closed (expired or cancelled) this
    # payment: it is recorded as paid all the same, flagged, and no longer counts as the
    # purpose's one live payment (a fresh attempt may exist; staff refund one of the two).
    paid_after_close_at = models.DateTimeField(_("paid after it was closed"), null=True, blank=True)

    # What the purpose handlers were last told; the notify task brings it up to date.
    notified_status = models.CharField(max_length=20, blank=True, editable=False)
    notified_refunded_minor = models.BigIntegerField(default=0, editable=False)
    purpose_outcome = models.CharField(
        _("outcome for its purpose"), max_length=20, choices=PurposeOutcome.choices, blank=True, default=""
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects = PaymentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        permissions = [("refund_payment", "Can refund payments")]
        indexes = [
            models.Index(fields=["status", "updated_at"]),
            models.Index(fields=["purpose_type", "purpose_id"]),
            # The lists, newest first: finance's (payer or payee office, filtered along) and a payer's.
            models.Index(fields=["-created_at", "-id"], name="payment_recent"),
            models.Index(fields=["payer_user", "-created_at", "-id"], name="payment_payer_recent"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="payment_amount_gt_0"),
            models.CheckConstraint(
                condition=Q(refunded_minor__gte=0) & Q(refunded_minor__lte=F("amount_minor")),
                name="payment_refunded_within_amount",
            ),
            models.CheckConstraint(
                condition=Q(application_fee_minor__gte=0) & Q(application_fee_minor__lte=F("amount_minor")),
                name="payment_fee_within_amount",
            ),
            models.UniqueConstraint(
                fields=["purpose_type", "purpose_id", "attempt"], name="payment_one_per_purpose_attempt"
            ),
            # Exactly once: two tabs or a double click cannot open a second live payment. A
            # payment paid after it was closed is money to record, never a reason to refuse it.
            models.UniqueConstraint(
                fields=["purpose_type", "purpose_id"],
                condition=~Q(status="cancelled") & Q(paid_after_close_at__isnull=True),
                name="payment_one_live_per_purpose",
            ),
            models.UniqueConstraint(
                fields=["provider", "provider_reference"],
                condition=~Q(provider_reference=""),
                name="payment_provider_reference_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.description}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def is_paid(self) -> bool:
        return self.status in self.PAID

    @property
    def refundable_minor(self) -> int:
        return self.amount_minor - self.refunded_minor if self.is_paid else 0

    @property
    def discrepancy_text(self) -> str:
        """Why the payment is flagged, in the reader's language."""
        from office.texts import render

        return render(self.discrepancy, self.discrepancy_params)


class Refund(TimeStampedModel):
    """One refund of a payment, in full or in part; `number` counts per payment (1, 2, ...)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Refunded")
        FAILED = "failed", _("Failed")

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("payment"))
    number = models.PositiveIntegerField(_("number"))
    amount_minor = models.BigIntegerField(_("amount"))
    reason = models.TextField(_("reason"))
    # With reason_params set, `reason` is an English message id rendered in the reader's
    # language (office/texts.py: automatic refunds); without, text a person wrote.
    reason_params = models.JSONField(_("reason parameters"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("requested by")
    )
    provider_reference = models.CharField(_("provider reference"), max_length=100, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=220, unique=True, editable=False)
    error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta:
        ordering = ["payment", "number"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        constraints = [
            models.UniqueConstraint(fields=["payment", "number"], name="refund_number_unique_per_payment"),
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="refund_amount_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.payment_id}/{self.number}"

    @property
    def reason_text(self) -> str:
        from office.texts import render

        return render(self.reason, self.reason_params)


class PaymentOperation(models.Model):
    """Append-only ledger: every call to a provider and every webhook event applied."""

    class Kind(models.TextChoices):
        CREATE = "create", _("Create intent")
        CONFIRM = "confirm", _("Confirm")
        CAPTURE = "capture", _("Capture")
        CANCEL = "cancel", _("Cancel")
        REFUND = "refund", _("Refund")
        RETRIEVE = "retrieve", _("Reconcile")
        WEBHOOK = "webhook", _("Webhook event")

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="operations", verbose_name=_("payment"))
    kind = models.CharField(_("operation"), max_length=20, choices=Kind.choices)
    ok = models.BooleanField(_("succeeded"), default=True)
    provider = models.CharField(_("provider"), max_length=20)
    reference = models.CharField(_("provider reference"), max_length=100, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=220, blank=True)
    amount_minor = models.BigIntegerField(_("amount"), null=True, blank=True)
    status_before = models.CharField(_("status before"), max_length=20, blank=True)
    status_after = models.CharField(_("status after"), max_length=20, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["payment", "created_at", "pk"]
        verbose_name = _("payment operation")
        verbose_name_plural = _("payment operations")

    def __str__(self) -> str:
        return f"{self.payment_id} {self.kind} {'ok' if self.ok else 'failed'}"


class WebhookEvent(models.Model):
    """Each provider event id once. Inserted in the same transaction as its effect."""

    class Outcome(models.TextChoices):
        APPLIED = "applied", _("Applied")
        IGNORED = "ignored", _("Ignored (no forward move)")
        UNKNOWN = "unknown", _("No matching payment")
        UNHANDLED = "unhandled", _("Type not handled")
        FLAGGED = "flagged", _("Flagged for review")

    provider = models.CharField(_("provider"), max_length=20)
    event_id = models.CharField(_("event id"), max_length=100)
    type = models.CharField(_("type"), max_length=100)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="webhook_events")
    object_reference = models.CharField(_("object"), max_length=100, blank=True)
    event_created = models.DateTimeField(_("event time"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        constraints = [models.UniqueConstraint(fields=["provider", "event_id"], name="webhook_event_once")]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_id} {self.type}"


class ReceiptCounter(models.Model):
    """The last receipt number issued per year; locked while a number is taken, so no gaps."""

    year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("receipt counter")
        verbose_name_plural = _("receipt counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


def _simulated_id() -> str:
    return "sim_pi_" + secrets.token_hex(12)


class SimulatedIntent(models.Model):
    """The simulated provider's state: it plays Stripe for the embedded default."""

    class Status(models.TextChoices):
        REQUIRES_PAYMENT_METHOD = "requires_payment_method", "requires_payment_method"
        REQUIRES_ACTION = "requires_action", "requires_action"
        PROCESSING = "processing", "processing"
        SUCCEEDED = "succeeded", "succeeded"
        CANCELED = "canceled", "canceled"

    reference = models.CharField(max_length=40, unique=True, default=_simulated_id)
    idempotency_key = models.CharField(max_length=200, unique=True)
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.REQUIRES_PAYMENT_METHOD)
    metadata = models.JSONField(default=dict, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    amount_refunded_minor = models.BigIntegerField(default=0)
    refunds = models.JSONField(default=dict, blank=True)  # idempotency key -> {"id", "amount"}
    card_last4 = models.CharField(max_length=4, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("simulated intent")
        verbose_name_plural = _("simulated intents")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_refunded_minor__gte=0) & Q(amount_refunded_minor__lte=F("amount_minor")),
                name="simulated_refunded_within_amount",
            )
        ]

    def __str__(self) -> str:
        return self.reference


class PaymentRequest(TimeStampedModel):
    """The built-in purpose: finance staff ask a client (or colleague) to pay an amount, e.g.
    a consultation fee or a photocopy charge that no business app covers yet."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")

    organization = models.ForeignKey(
        "office.Organization", on_delete=models.PROTECT, related_name="payment_requests", verbose_name=_("office")
    )
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payment_requests", verbose_name=_("payer")
    )
    description = models.CharField(_("what it is for"), max_length=300)
    amount_minor = models.BigIntegerField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("payment request")
        verbose_name_plural = _("payment requests")
        constraints = [models.CheckConstraint(condition=Q(amount_minor__gt=0), name="payment_request_amount_gt_0")]

    def __str__(self) -> str:
        return self.description
