"""Admin for every purchasing model. Workflow rows (requests, orders, their history) are
read-only here: their status moves only through the actions, which lock, check and audit.
Consortium buying's admins (procurement/consortia/admin.py) build on the read-only bases here
and are registered from `ProcurementConfig.ready()`, so this module does not import them."""

from django.contrib import admin

from procurement.models import (
    CartLine,
    Deputy,
    Invoice,
    Licence,
    OrderCounter,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseRequest,
    PurchaseRequestLine,
    Receipt,
    ReceiptLine,
    TrackingEvent,
    Vendor,
    VendorItem,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):  # noqa: ARG002
        return False

    def has_change_permission(self, request, obj=None):  # noqa: ARG002
        return False

    def has_delete_permission(self, request, obj=None):  # noqa: ARG002
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):  # noqa: ARG002
        return False

    def has_change_permission(self, request, obj=None):  # noqa: ARG002
        return False


@admin.register(Vendor)
class VendorAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "organization", "integration", "email", "is_active"]
    list_filter = ["integration", "is_active", "organization"]
    search_fields = ["name", "name_zh", "code", "email"]


@admin.register(VendorItem)
class VendorItemAdmin(admin.ModelAdmin):
    list_display = ["title", "vendor", "sku", "kind", "format", "isbn", "price_minor", "currency", "available"]
    list_filter = ["kind", "format", "available", "vendor"]
    search_fields = ["title", "title_zh", "sku", "isbn"]


@admin.register(CartLine)
class CartLineAdmin(admin.ModelAdmin):
    list_display = ["user", "item", "quantity", "created_at"]


@admin.register(Deputy)
class DeputyAdmin(admin.ModelAdmin):
    list_display = ["department", "head", "deputy", "starts_on", "ends_on"]


class RequestLineInline(ReadOnlyInline):
    model = PurchaseRequestLine
    fields = ["vendor", "description", "quantity", "unit_price_minor", "line_total_minor"]
    readonly_fields = fields


@admin.register(PurchaseRequest)
class PurchaseRequestAdmin(ReadOnlyAdmin):
    list_display = [
        "pk",
        "organization",
        "department",
        "requester",
        "status",
        "total_minor",
        "encumbered_minor",
        "created_at",
    ]
    list_filter = ["status", "organization"]
    inlines = [RequestLineInline]


@admin.register(PurchaseRequestLine)
class PurchaseRequestLineAdmin(ReadOnlyAdmin):
    list_display = ["request", "description", "quantity", "unit_price_minor"]


class OrderLineInline(ReadOnlyInline):
    model = PurchaseOrderLine
    fields = ["sku", "description", "quantity", "unit_price_minor", "received_quantity"]
    readonly_fields = fields


class TrackingEventInline(ReadOnlyInline):
    model = TrackingEvent
    fields = ["occurred_at", "source", "status", "message", "key"]
    readonly_fields = fields


@admin.register(PurchaseOrder)
class PurchaseOrderAdmin(ReadOnlyAdmin):
    list_display = ["number", "vendor", "status", "total_minor", "promised_on", "sent_at", "paid_at"]
    list_filter = ["status", "organization", "vendor"]
    search_fields = ["number", "vendor_reference"]
    inlines = [OrderLineInline, TrackingEventInline]


@admin.register(PurchaseOrderLine)
class PurchaseOrderLineAdmin(ReadOnlyAdmin):
    list_display = ["order", "description", "quantity", "received_quantity"]


@admin.register(OrderCounter)
class OrderCounterAdmin(ReadOnlyAdmin):
    list_display = ["year", "last"]


@admin.register(TrackingEvent)
class TrackingEventAdmin(ReadOnlyAdmin):
    list_display = ["order", "occurred_at", "source", "status", "message"]
    list_filter = ["source"]


class ReceiptLineInline(ReadOnlyInline):
    model = ReceiptLine
    fields = ["order_line", "quantity"]
    readonly_fields = fields


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyAdmin):
    list_display = ["order", "received_by", "received_at", "note"]
    inlines = [ReceiptLineInline]


@admin.register(ReceiptLine)
class ReceiptLineAdmin(ReadOnlyAdmin):
    list_display = ["receipt", "order_line", "quantity"]


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = ["number", "order", "issued_on", "amount_minor", "entered_by"]


@admin.register(Licence)
class LicenceAdmin(admin.ModelAdmin):
    list_display = ["title", "vendor", "organization", "starts_on", "ends_on", "status", "concurrent_users"]
    list_filter = ["status", "organization"]
    search_fields = ["title"]
