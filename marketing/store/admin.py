"""Admin for the storefront. The catalogue (products, licence options, prices, coupons) is
edited here by the selling unit's administrators; orders, grants and certificates are
read-only: they change only through actions (locked, checked, audited)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from marketing.store import models


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PriceInline(admin.TabularInline):
    model = models.Price
    extra = 0


@admin.register(models.LicenceOption)
class LicenceOptionAdmin(admin.ModelAdmin):
    list_display = ["product", "kind", "name", "term_months", "offices_only", "active"]
    list_filter = ["kind", "active"]
    list_select_related = ["product"]
    inlines = [PriceInline]


class LicenceOptionInline(admin.TabularInline):
    model = models.LicenceOption
    extra = 0
    fields = ["kind", "name", "name_zh", "term_months", "max_downloads", "link_days", "offices_only", "active"]
    show_change_link = True


@admin.register(models.Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "kind", "department", "published"]
    list_filter = ["kind", "published"]
    search_fields = ["slug", "name", "name_zh"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [LicenceOptionInline]


@admin.register(models.Coupon)
class CouponAdmin(admin.ModelAdmin):
    list_display = ["code", "campaign", "percent_off", "amount_off_minor", "valid_from", "valid_until", "used_count"]
    search_fields = ["code", "campaign"]
    readonly_fields = ["used_count"]


@admin.register(models.StoreOrder)
class StoreOrderAdmin(ReadOnlyAdmin):
    list_display = ["number", "buyer_name", "buyer_type", "total_minor", "currency", "status", "created_at"]
    list_filter = ["status", "buyer_type"]
    search_fields = ["number", "buyer_name"]


@admin.register(models.Grant)
class GrantAdmin(ReadOnlyAdmin):
    list_display = ["product", "licensee", "kind", "seats", "starts_at", "ends_at", "status"]
    list_filter = ["status", "kind"]
    list_select_related = ["product"]


@admin.register(models.Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ["number", "grant", "issued_at"]
    search_fields = ["number"]
