"""Admin for resource sharing. Agencies (partner libraries, ISO 18626 addresses, policies)
and reciprocity agreements are reference data edited here; requests, their timeline,
charges and statements are read-only: they change only through the actions (locked,
checked, audited)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from sharing import models


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(models.Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["agency_id", "name", "organization", "is_partner", "is_active", "rota_rule", "iso_address"]
    list_filter = ["is_partner", "is_active", "rota_rule"]
    search_fields = ["agency_id", "name", "name_zh"]
    list_select_related = ["organization"]


@admin.register(models.Reciprocity)
class ReciprocityAdmin(admin.ModelAdmin):
    list_display = ["first", "second", "starts_on", "ends_on", "note"]


@admin.register(models.SharingRequest)
class SharingRequestAdmin(ReadOnlyAdmin):
    list_display = ["number", "borrower", "lender", "service_type", "status", "created_at"]
    list_filter = ["status", "service_type"]
    search_fields = ["number", "title", "peer_request_id"]
    list_select_related = ["borrower", "lender"]


@admin.register(models.RequestEvent)
class RequestEventAdmin(ReadOnlyAdmin):
    list_display = ["request", "kind", "direction", "agency", "created_at", "delivered_at", "attempts"]
    list_filter = ["direction", "kind"]
    list_select_related = ["request", "agency"]


@admin.register(models.Settlement)
class SettlementAdmin(ReadOnlyAdmin):
    list_display = ["period_start", "first", "second", "debtor", "amount_minor", "currency", "status"]
    list_filter = ["status"]
    list_select_related = ["first", "second", "debtor"]


@admin.register(models.Charge)
class ChargeAdmin(ReadOnlyAdmin):
    list_display = ["request", "debtor", "creditor", "amount_minor", "currency", "settlement", "created_at"]
    list_select_related = ["request", "debtor", "creditor", "settlement"]
