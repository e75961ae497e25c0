"""Org structure of the intranet: offices, departments, positions, people, documents,
announcements, budgets, the audit log and notifications; one module per topic (STYLE §1).

    common          `localized` (the bilingual text picker) and TimeStampedModel
    org             Organization, Department, Function, DepartmentFunction, Position
    people          StaffProfile, ClientAccount
    documents       Document, DocumentVersion
    announcements   Announcement
    budgets         Budget, BudgetEntry
    audit           AuditEvent
    notifications   Notification, Preference
    operations      WorkerHeartbeat, BackupRun, BackupDrill, BackupRetention
    equipment       Equipment, EquipmentDocument, MaintenanceTicket (and their querysets)

This package imports every model (Django finds them here) and re-exports them, so callers
keep writing `from office.models import Department`. Submodules import each other directly
(`office.models.org`), never this package.
"""

from office.models.announcements import Announcement
from office.models.audit import AuditEvent
from office.models.budgets import Budget, BudgetEntry
from office.models.common import TimeStampedModel, localized
from office.models.documents import Document, DocumentVersion
from office.models.equipment import (
    Equipment,
    EquipmentDocument,
    EquipmentQuerySet,
    MaintenanceTicket,
    MaintenanceTicketQuerySet,
)
from office.models.notifications import Notification, Preference
from office.models.operations import BackupDrill, BackupRetention, BackupRun, WorkerHeartbeat
from office.models.org import Department, DepartmentFunction, Function, Organization, Position
from office.models.people import ClientAccount, StaffProfile

__all__ = [
    "Announcement",
    "AuditEvent",
    "BackupDrill",
    "BackupRetention",
    "BackupRun",
    "Budget",
    "BudgetEntry",
    "ClientAccount",
    "Department",
    "DepartmentFunction",
    "Document",
    "DocumentVersion",
    "Equipment",
    "EquipmentDocument",
    "EquipmentQuerySet",
    "Function",
    "MaintenanceTicket",
    "MaintenanceTicketQuerySet",
    "Notification",
    "Organization",
    "Position",
    "Preference",
    "StaffProfile",
    "TimeStampedModel",
    "WorkerHeartbeat",
    "localized",
]
