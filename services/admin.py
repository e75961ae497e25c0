"""Admin for every services model. Orders and what hangs off them are read-only here: their
changes go through actions so they are locked, checked and audited. The catalog is editable."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from services import models


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(models.Offering)
class OfferingAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "department", "pricing", "price_minor", "turnaround_days", "is_active"]
    list_filter = ["kind", "pricing", "is_active", "department"]
    search_fields = ["code", "name", "name_zh"]
    list_select_related = ["department"]


class OrderFileInline(admin.TabularInline):
    model = models.OrderFile
    fields = ["kind", "original_name", "content_type", "size", "uploaded_by", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(models.ServiceOrder)
class ServiceOrderAdmin(ReadOnlyAdmin):
    list_display = ["number", "topic", "client", "offering", "status", "quoted_amount_minor", "assignee", "due_date"]
    list_filter = ["status", "department", "offering__kind"]
    search_fields = ["number", "topic", "client__display_name"]
    list_select_related = ["client", "offering", "assignee"]
    inlines = [OrderFileInline]


@admin.register(models.OrderFile)
class OrderFileAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "order", "kind", "content_type", "size", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["order"]


@admin.register(models.OrderMessage)
class OrderMessageAdmin(ReadOnlyAdmin):
    list_display = ["order", "author", "internal", "minutes_spent", "created_at"]
    list_filter = ["internal"]
    list_select_related = ["order", "author"]


@admin.register(models.Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["order", "channel", "recipient", "tracking_number", "sent_by", "created_at", "emailed_at"]
    list_filter = ["channel"]
    list_select_related = ["order", "sent_by"]


@admin.register(models.DownloadLink)
class DownloadLinkAdmin(ReadOnlyAdmin):
    list_display = ["file", "user", "expires_at", "download_count", "created_at"]
    list_select_related = ["file", "user"]


@admin.register(models.Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["number", "order", "author", "reviewer", "created_at"]
    list_select_related = ["order", "author", "reviewer"]


@admin.register(models.ReportCounter)
class ReportCounterAdmin(ReadOnlyAdmin):
    list_display = ["year", "last_number"]


@admin.register(models.Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = ["topic", "client", "offering", "status", "paid_until", "price_minor"]
    list_filter = ["status", "offering"]
    search_fields = ["topic", "client__display_name"]
    list_select_related = ["client", "offering"]


@admin.register(models.SubscriptionPeriod)
class SubscriptionPeriodAdmin(ReadOnlyAdmin):
    list_display = ["subscription", "starts_on", "ends_on", "amount_minor", "paid_at"]
    list_select_related = ["subscription"]


@admin.register(models.Digest)
class DigestAdmin(ReadOnlyAdmin):
    list_display = ["subscription", "period_start", "record_count", "item_count", "emailed_at"]
    list_select_related = ["subscription"]


@admin.register(models.SubscriptionItem)
class SubscriptionItemAdmin(ReadOnlyAdmin):
    list_display = ["title", "subscription", "added_by", "digest", "created_at"]
    list_select_related = ["subscription", "added_by"]


@admin.register(models.Consultation)
class ConsultationAdmin(ReadOnlyAdmin):
    list_display = ["subject", "client", "department", "status", "created_at", "first_response_at"]
    list_filter = ["status", "department"]
    list_select_related = ["client", "department"]


@admin.register(models.ConsultationMessage)
class ConsultationMessageAdmin(ReadOnlyAdmin):
    list_display = ["consultation", "author", "from_staff", "created_at"]
    list_select_related = ["consultation", "author"]


@admin.register(models.TrainingSession)
class TrainingSessionAdmin(admin.ModelAdmin):
    # Registrations hang off sessions and are changed through actions (waiting list, promotion);
    # the session's own details may be edited here like on the staff page.
    list_display = ["title", "starts_at", "location", "capacity", "fee_minor", "trainer", "is_published"]
    list_filter = ["is_published", "department"]
    search_fields = ["title", "title_zh"]
    list_select_related = ["trainer"]


@admin.register(models.TrainingRegistration)
class TrainingRegistrationAdmin(ReadOnlyAdmin):
    list_display = ["session", "user", "status", "created_at", "reminded_at"]
    list_filter = ["status"]
    list_select_related = ["session", "user"]
