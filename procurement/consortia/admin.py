"""Admin for consortium buying. Workflow rows (consortia, memberships, elections, votes, offers,
contracts) are read-only here: they move only through the actions, which lock, check and audit.
Provider representatives are accounts the home office manages, so they are editable.
Django's autodiscovery imports only `procurement.admin`; `ProcurementConfig.ready()` imports this."""

from django.contrib import admin

from procurement.admin import ReadOnlyAdmin, ReadOnlyInline
from procurement.consortia.models import (
    Consortium,
    Contract,
    Election,
    Membership,
    Nomination,
    Offer,
    OfferTier,
    ProviderRepresentative,
    Vote,
)


@admin.register(ProviderRepresentative)
class ProviderRepresentativeAdmin(admin.ModelAdmin):
    list_display = ["user", "vendor", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["user__username", "vendor__name"]
    raw_id_fields = ["user", "vendor"]


class MembershipInline(ReadOnlyInline):
    model = Membership
    fields = ["organization", "status", "representative", "fte", "joined_at", "committed_at", "left_at"]
    readonly_fields = fields


@admin.register(Consortium)
class ConsortiumAdmin(ReadOnlyAdmin):
    list_display = ["name", "resource", "vendor", "founder", "status", "final_price_minor", "created_at"]
    list_filter = ["status"]
    search_fields = ["name", "resource", "vendor__name"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["consortium", "organization", "status", "representative", "committed_at"]
    list_filter = ["status"]


class NominationInline(ReadOnlyInline):
    model = Nomination
    fields = ["candidate", "membership", "nominated_by", "created_at"]
    readonly_fields = fields


@admin.register(Election)
class ElectionAdmin(ReadOnlyAdmin):
    list_display = ["consortium", "status", "deadline", "closed_at", "winner", "tie_broken"]
    list_filter = ["status"]
    inlines = [NominationInline]


@admin.register(Nomination)
class NominationAdmin(ReadOnlyAdmin):
    list_display = ["election", "candidate", "membership", "created_at"]


@admin.register(Vote)
class VoteAdmin(ReadOnlyAdmin):
    list_display = ["election", "membership", "nomination", "cast_by", "updated_at"]


class OfferTierInline(ReadOnlyInline):
    model = OfferTier
    fields = ["min_quantity", "price_minor"]
    readonly_fields = fields


@admin.register(Offer)
class OfferAdmin(ReadOnlyAdmin):
    list_display = ["consortium", "number", "side", "posted_by", "basis", "term_months", "created_at"]
    list_filter = ["side", "basis"]
    inlines = [OfferTierInline]


@admin.register(OfferTier)
class OfferTierAdmin(ReadOnlyAdmin):
    list_display = ["offer", "min_quantity", "price_minor"]


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdmin):
    list_display = ["number", "consortium", "organization", "status", "price_minor", "paid_at"]
    list_filter = ["status"]
    search_fields = ["number"]
    exclude = ["pdf"]
