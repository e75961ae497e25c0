"""Admin for every cataloging model.

Records change only through the contribution workflow and new versions (`actions.py`), so
here they are read-only; versions are immutable history; the ledger, statements and import
jobs are bookkeeping and read-only too. The catalog operator edits the fee schedules, and an
office's local holding data (call number, location, copies) may be corrected.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cataloging import marc
from cataloging.models import (
    BibRecord,
    FeeSchedule,
    Holding,
    ImportJob,
    LedgerEntry,
    RecordIdentifier,
    RecordVersion,
    Statement,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: Any, obj: Any = None) -> bool:  # noqa: ARG002
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:  # noqa: ARG002
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:  # noqa: ARG002
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:  # noqa: ARG002
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:  # noqa: ARG002
        return False


def _marc_text(raw: bytes | memoryview | None) -> str:
    if not raw:
        return ""
    try:
        return marc.record_to_text(marc.record_from_storage(bytes(raw)))
    except Exception:  # noqa: BLE001 (a damaged row must not break the admin page)
        return _("(this version cannot be read as MARC)")


class RecordVersionInline(ReadOnlyInline):
    model = RecordVersion
    fields = ["number", "created_at", "created_by", "note"]
    readonly_fields = fields
    ordering = ["-number"]


class RecordIdentifierInline(ReadOnlyInline):
    model = RecordIdentifier
    fields = ["scheme", "value"]
    readonly_fields = fields
    show_change_link = False


class HoldingInline(ReadOnlyInline):
    model = Holding
    fields = ["organization", "call_number", "location", "copies", "lendable"]
    readonly_fields = fields


@admin.register(BibRecord)
class BibRecordAdmin(ReadOnlyAdmin):
    list_display = ["pk", "title", "organization", "status", "version", "isbn", "year", "language", "format"]
    list_filter = ["status", "format", "language", "organization", "shared_at"]
    search_fields = ["title", "authors", "isbn", "issn", "control_number", "publisher", "clc"]
    list_select_related = ["organization"]
    date_hierarchy = "created_at"
    fields = [
        "organization",
        "status",
        "version",
        "created_by",
        "submitted_by",
        "submitted_at",
        "reviewed_by",
        "reviewed_at",
        "review_note",
        "shared_at",
        "control_number",
        "title",
        "responsibility",
        "authors",
        "isbn",
        "issn",
        "publisher",
        "year",
        "language",
        "format",
        "clc",
        "dewey",
        "subjects",
        "match_key",
    ]
    readonly_fields = fields
    inlines = [RecordIdentifierInline, RecordVersionInline, HoldingInline]


@admin.register(RecordVersion)
class RecordVersionAdmin(ReadOnlyAdmin):
    list_display = ["record", "number", "created_at", "created_by", "note"]
    list_select_related = ["record", "created_by"]
    search_fields = ["record__title", "record__control_number", "note"]
    list_filter = ["record__organization"]
    date_hierarchy = "created_at"
    fields = ["record", "number", "created_at", "created_by", "note", "marc_view"]
    readonly_fields = fields

    @admin.display(description=_("MARC"))
    def marc_view(self, obj: RecordVersion) -> str:
        return format_html("<pre>{}</pre>", _marc_text(obj.marc))


@admin.register(RecordIdentifier)
class RecordIdentifierAdmin(ReadOnlyAdmin):
    list_display = ["scheme", "value", "record"]
    list_filter = ["scheme"]
    search_fields = ["value"]
    list_select_related = ["record"]


@admin.register(Holding)
class HoldingAdmin(admin.ModelAdmin):
    """Local data only: adding a holding is copy cataloging (it charges a fee), so it is an
    action; removing one would orphan its ledger history."""

    list_display = ["record", "organization", "call_number", "location", "copies", "lendable"]
    list_filter = ["organization", "lendable"]
    search_fields = ["call_number", "location", "record__title", "record__isbn"]
    list_select_related = ["record", "organization"]
    fields = ["record", "organization", "call_number", "location", "copies", "lendable", "note", "created_by"]
    readonly_fields = ["record", "organization", "created_by"]

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:  # noqa: ARG002
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:  # noqa: ARG002
        return False


@admin.register(FeeSchedule)
class FeeScheduleAdmin(admin.ModelAdmin):
    """The operator's price list. A schedule already in force is history for the ledger rows
    charged under it, so only one that starts in the future may be deleted."""

    list_display = ["name", "valid_from", "currency", "copy_fee_minor", "contribution_credit_minor"]
    list_filter = ["currency"]
    search_fields = ["name"]
    date_hierarchy = "valid_from"

    def has_delete_permission(self, request: Any, obj: FeeSchedule | None = None) -> bool:
        if obj is not None and obj.valid_from <= timezone.localdate():
            return False
        return super().has_delete_permission(request, obj)


class LedgerEntryInline(ReadOnlyInline):
    model = LedgerEntry
    fields = ["created_at", "kind", "record", "amount_minor", "currency"]
    readonly_fields = fields
    show_change_link = False


@admin.register(Statement)
class StatementAdmin(ReadOnlyAdmin):
    list_display = [
        "organization",
        "period_start",
        "charges_minor",
        "credits_minor",
        "net_minor",
        "currency",
        "status",
        "paid_at",
    ]
    list_filter = ["status", "organization", "currency"]
    search_fields = ["organization__name", "organization__code"]
    list_select_related = ["organization"]
    date_hierarchy = "period_start"
    readonly_fields = [f.name for f in Statement._meta.fields]
    inlines = [LedgerEntryInline]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "organization", "kind", "amount_minor", "currency", "record", "statement"]
    list_filter = ["kind", "organization", "currency"]
    search_fields = ["record__title", "record__isbn", "organization__name"]
    list_select_related = ["organization", "record", "statement__organization"]
    date_hierarchy = "created_at"


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "original_name",
        "organization",
        "created_by",
        "status",
        "total",
        "created_count",
        "updated_count",
        "error_count",
    ]
    list_filter = ["status", "organization"]
    search_fields = ["original_name", "error"]
    list_select_related = ["organization", "created_by"]
    date_hierarchy = "created_at"
    exclude = ["report"]  # thousands of rows: the import page and its CSV show them
