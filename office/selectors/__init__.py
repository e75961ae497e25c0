"""Read functions the views call, one module per topic (STYLE §1); this package re-exports
their public names, so callers keep writing `from office import selectors; selectors.staff_list(...)`.

    health          the health page's checks (GREEN, AMBER, RED; health_summary and its parts)
    backups         backup history: runs, restore drills, the size chart
    directory       the staff directory and departments
    documents       policy and job-duty documents, versions, diffs
    announcements   current announcements for a person, the detail
    budgets         the fiscal year, budget lines, totals, chart, ledger
    audit           the audit log and its actors
    notifications   a person's notifications

Submodules import each other directly (`office.selectors.budgets`), never this package. A test
that replaces a check replaces it where it is used: `monkeypatch.setattr(office.selectors.health,
"health_broker", ...)`, not on this package.
"""

from office.selectors.announcements import (
    announcement_detail_queryset,
    announcement_list,
    announcement_list_current,
)
from office.selectors.audit import audit_actor_choices, audit_event_list
from office.selectors.backups import backup_chart_data, backup_drill_list, backup_list
from office.selectors.budgets import (
    budget_chart_data,
    budget_detail_queryset,
    budget_entry_list,
    budget_list,
    budget_totals,
    budget_years,
    current_fiscal_year,
)
from office.selectors.directory import (
    department_detail,
    department_tree,
    staff_detail_queryset,
    staff_duty_documents,
    staff_list,
)
from office.selectors.documents import (
    DiffLine,
    document_diff,
    document_list,
    document_version_text,
    document_versions,
)
from office.selectors.health import (
    AMBER,
    GREEN,
    RED,
    health_backup_disk,
    health_beat,
    health_broker,
    health_database,
    health_last_backup,
    health_last_drill,
    health_queues,
    health_reads,
    health_summary,
    health_workers,
)
from office.selectors.notifications import notification_list, notification_list_recent

__all__ = [
    "AMBER",
    "GREEN",
    "RED",
    "DiffLine",
    "announcement_detail_queryset",
    "announcement_list",
    "announcement_list_current",
    "audit_actor_choices",
    "audit_event_list",
    "backup_chart_data",
    "backup_drill_list",
    "backup_list",
    "budget_chart_data",
    "budget_detail_queryset",
    "budget_entry_list",
    "budget_list",
    "budget_totals",
    "budget_years",
    "current_fiscal_year",
    "department_detail",
    "department_tree",
    "document_diff",
    "document_list",
    "document_version_text",
    "document_versions",
    "health_backup_disk",
    "health_beat",
    "health_broker",
    "health_database",
    "health_last_backup",
    "health_last_drill",
    "health_queues",
    "health_reads",
    "health_summary",
    "health_workers",
    "notification_list",
    "notification_list_recent",
    "staff_detail_queryset",
    "staff_duty_documents",
    "staff_list",
]
