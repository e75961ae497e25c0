"""Admin for every payments model. Ledger rows and events are read-only: they are history."""

from django.contrib import admin

from payments.models import (
    Payment,
    PaymentOperation,
    PaymentRequest,
    ReceiptCounter,
    Refund,
    SimulatedIntent,
    WebhookEvent,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):  # noqa: ARG002
        return False

    def has_change_permission(self, request, obj=None):  # noqa: ARG002
        return False

    def has_delete_permission(self, request, obj=None):  # noqa: ARG002
        return False


class RefundInline(admin.TabularInline):
    model = Refund
    extra = 0
    can_delete = False
    readonly_fields = ["number", "amount_minor", "reason", "status", "requested_by", "provider_reference", "error"]

    def has_add_permission(self, request, obj=None):  # noqa: ARG002
        return False


class OperationInline(admin.TabularInline):
    model = PaymentOperation
    extra = 0
    can_delete = False
    readonly_fields = [
        "created_at",
        "kind",
        "ok",
        "reference",
        "idempotency_key",
        "amount_minor",
        "status_before",
        "status_after",
        "detail",
    ]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):  # noqa: ARG002
        return False


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    # Status and amounts change only through actions (refunds, provider events): read-only here.
    list_display = [
        "pk",
        "created_at",
        "description",
        "payer_name",
        "payee_name",
        "amount_minor",
        "currency",
        "status",
        "provider",
        "receipt_number",
    ]
    list_filter = ["status", "provider", "purpose_type", "currency"]
    search_fields = [
        "description",
        "payer_name",
        "payee_name",
        "provider_reference",
        "receipt_number",
        "idempotency_key",
    ]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Payment._meta.fields]
    inlines = [RefundInline, OperationInline]

    def has_add_permission(self, request, obj=None):  # noqa: ARG002
        return False

    def has_delete_permission(self, request, obj=None):  # noqa: ARG002
        return False


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ["payment", "number", "amount_minor", "status", "requested_by", "created_at"]
    list_filter = ["status"]
    search_fields = ["reason", "provider_reference"]


@admin.register(PaymentOperation)
class PaymentOperationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "payment", "kind", "ok", "provider", "reference", "status_before", "status_after"]
    list_filter = ["kind", "ok", "provider"]
    search_fields = ["reference", "idempotency_key", "detail"]


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "provider", "event_id", "type", "outcome", "payment"]
    list_filter = ["provider", "type", "outcome"]
    search_fields = ["event_id", "object_reference"]


@admin.register(ReceiptCounter)
class ReceiptCounterAdmin(ReadOnlyAdmin):
    list_display = ["year", "last_number"]


@admin.register(SimulatedIntent)
class SimulatedIntentAdmin(ReadOnlyAdmin):
    list_display = ["reference", "amount_minor", "currency", "status", "amount_refunded_minor", "created_at"]
    list_filter = ["status"]
    search_fields = ["reference", "idempotency_key"]


@admin.register(PaymentRequest)
class PaymentRequestAdmin(admin.ModelAdmin):
    list_display = ["pk", "created_at", "organization", "payer", "description", "amount_minor", "currency", "status"]
    list_filter = ["status", "organization"]
    search_fields = ["description", "payer__username"]
    readonly_fields = ["status", "paid_at", "created_by"]
