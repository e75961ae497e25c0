"""Admin for every org-structure model. Workflow-bearing rows (budgets, audit) are read-only
here: their changes go through actions so they are locked, checked and audited."""

from typing import Any

from django.contrib import admin
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from office import models

User = get_user_model()


def _taken(field: str, value: str, instance: Any) -> bool:
    """Another account has `value` in `field` in other letters: office migration 0003's unique
    indexes on UPPER(email) and UPPER(username) would refuse the save with a 500."""
    return bool(value) and User.objects.filter(**{f"{field}__iexact": value}).exclude(pk=instance.pk).exists()


class UserChangeForm(auth_forms.UserChangeForm):
    def clean_email(self) -> str:
        email = self.cleaned_data.get("email", "")
        if _taken("email", email, self.instance):
            raise ValidationError(_("Another account uses this e-mail address."), code="unique")
        return email

    def clean_username(self) -> str:
        username = self.cleaned_data.get("username", "")
        if _taken("username", username, self.instance):
            raise ValidationError(_("Another account uses this user name."), code="unique")
        return username


admin.site.unregister(User)


@admin.register(User)
class OfficeUserAdmin(UserAdmin):
    """Django's user admin, with a change form that knows the case-insensitive unique indexes
    (the add form's username check is case-insensitive already; it has no e-mail field)."""

    form = UserChangeForm


@admin.register(models.Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_zh", "city", "is_home", "is_active"]
    list_filter = ["is_home", "is_active"]
    search_fields = ["code", "name", "name_zh", "city"]


@admin.register(models.Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "name_zh", "organization", "parent", "kind", "sort_order", "approval_limit_minor"]
    list_filter = ["organization", "kind"]
    search_fields = ["code", "name", "name_zh"]
    list_select_related = ["organization", "parent"]


@admin.register(models.Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_zh", "role", "rank"]
    list_filter = ["role"]


@admin.register(models.StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["display_name", "user", "organization", "department", "position", "phone"]
    list_filter = ["organization", "position__role"]
    search_fields = ["display_name", "user__username", "user__email"]
    list_select_related = ["user", "organization", "department", "position"]
    autocomplete_fields = ["user"]


@admin.register(models.ClientAccount)
class ClientAccountAdmin(admin.ModelAdmin):
    list_display = ["display_name", "user", "kind", "organisation_name", "email_confirmed", "created_at"]
    list_filter = ["kind", "email_confirmed"]
    search_fields = ["display_name", "organisation_name", "user__username", "user__email"]
    autocomplete_fields = ["user"]


class DocumentVersionInline(admin.TabularInline):
    model = models.DocumentVersion
    extra = 0
    readonly_fields = ["number", "author", "created_at", "change_note"]
    fields = ["number", "change_note", "author", "created_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # new versions come from the policy pages, which number and audit them


@admin.register(models.Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "title_zh", "kind", "organization", "department", "current_version"]
    list_filter = ["kind", "organization"]
    search_fields = ["title", "title_zh", "slug"]
    readonly_fields = ["current_version"]
    inlines = [DocumentVersionInline]


@admin.register(models.DocumentVersion)
class DocumentVersionAdmin(admin.ModelAdmin):
    list_display = ["document", "number", "author", "created_at"]
    readonly_fields = ["document", "number", "body", "body_zh", "change_note", "author", "created_at"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(models.Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "department", "pinned", "published_at", "expires_at", "author"]
    list_filter = ["organization", "pinned"]
    search_fields = ["title", "title_zh", "body"]


class BudgetEntryInline(admin.TabularInline):
    model = models.BudgetEntry
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "amount_minor", "note", "reference", "actor", "created_at"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(models.Budget)
class BudgetAdmin(admin.ModelAdmin):
    list_display = ["department", "fiscal_year", "currency", "allocated_minor", "encumbered_minor", "spent_minor"]
    list_filter = ["fiscal_year", "department__organization"]
    readonly_fields = ["allocated_minor", "encumbered_minor", "spent_minor"]
    inlines = [BudgetEntryInline]


@admin.register(models.AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "verb", "actor", "organization", "target_repr", "ip_address"]
    list_filter = ["verb", "organization"]
    search_fields = ["verb", "target_repr", "actor__username"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(models.Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "verb", "title", "read_at", "emailed_at"]
    list_filter = ["verb"]
    search_fields = ["title", "recipient__username"]


@admin.register(models.Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "language"]
    list_filter = ["language"]
    search_fields = ["user__username"]


@admin.register(models.WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["hostname", "last_seen"]


class _RecordedByTheSystem(admin.ModelAdmin):
    """Backups and drills are written by office/backups/ only; a hand-made row could claim
    a backup is good that never was, so the admin shows them read-only."""

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(models.BackupRun)
class BackupRunAdmin(_RecordedByTheSystem):
    list_display = ["started_at", "finished_at", "status", "trigger", "size_bytes", "location"]
    list_filter = ["status", "trigger"]
    date_hierarchy = "started_at"


@admin.register(models.BackupDrill)
class BackupDrillAdmin(_RecordedByTheSystem):
    list_display = ["started_at", "finished_at", "status", "backup"]
    list_filter = ["status"]
    list_select_related = ["backup"]


@admin.register(models.Equipment)
class EquipmentAdmin(admin.ModelAdmin):
    list_display = ["asset_tag", "name", "kind", "status", "organization", "custodian", "location", "warranty_until"]
    list_filter = ["kind", "status", "organization"]
    search_fields = ["asset_tag", "name", "serial_number", "location"]
    list_select_related = ["organization", "custodian"]


@admin.register(models.MaintenanceTicket)
class MaintenanceTicketAdmin(admin.ModelAdmin):
    """Read-only: raising, assigning and closing go through office/equipment.py (locked, audited)."""

    list_display = ["pk", "title", "status", "priority", "organization", "equipment", "raised_by", "assignee"]
    list_filter = ["status", "priority", "organization"]
    search_fields = ["title", "description"]
    list_select_related = ["organization", "equipment", "raised_by", "assignee"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
