"""Who may do what in the org-structure app. Each predicate guards an action, drives a
button, and is tested once."""

from __future__ import annotations

from typing import Any

from office.access import Role, is_director, is_head_of, is_home_staff, is_leadership, same_office, staff_profile
from office.functions import has_function
from office.models import Announcement, Budget, Department, Document, Function, Organization


def can_view_department(user: Any, department: Department) -> bool:
    return same_office(user, department.organization_id)


def can_view_budget(user: Any, budget: Budget) -> bool:
    """Leadership sees all of its office's budgets; a head sees its units'; staff their own unit's."""
    department = budget.department
    if not same_office(user, department.organization_id):
        return False
    if is_leadership(user) or is_head_of(user, department):
        return True
    profile = staff_profile(user)
    return profile is not None and profile.department_id == department.pk


def can_allocate_budget(user: Any, department: Department) -> bool:
    return is_director(user) and same_office(user, department.organization_id)


def can_manage_documents(user: Any, organization: Organization) -> bool:
    profile = staff_profile(user)
    return (
        profile is not None
        and profile.organization_id == organization.pk
        and profile.position.role in {Role.DIRECTOR, Role.ADMIN_ASSISTANT}
    )


def can_view_document(user: Any, document: Document) -> bool:
    return same_office(user, document.organization_id)


def can_post_announcement(user: Any, organization: Organization, department: Department | None = None) -> bool:
    """Leadership addresses the whole office; a head addresses its own department."""
    if not same_office(user, organization.pk):
        return False
    if is_leadership(user):
        return True
    return department is not None and is_head_of(user, department)


def can_post_any_announcement(user: Any) -> bool:
    """Whether the user may post to some audience at all (opens the form, shows the button)."""
    profile = staff_profile(user)
    return profile is not None and can_post_announcement(user, profile.organization, profile.department)


def can_edit_announcement(user: Any, announcement: Announcement) -> bool:
    return announcement.author_id == user.pk or is_leadership(user, announcement.organization)


def can_view_audit(user: Any) -> bool:
    profile = staff_profile(user)
    return profile is not None and profile.position.role in {Role.DIRECTOR, Role.ADMIN_ASSISTANT}


# --- technical services (issue 8) ------------------------------------------------------------


def is_techsvc_staff(user: Any, organization: Organization | None = None) -> bool:
    """Staff or head of a unit that carries the technical-services function (office.functions)."""
    return has_function(user, Function.TECHNICAL_SERVICES, organization.pk if organization is not None else None)


def can_view_health(user: Any) -> bool:
    """The hub's health and backups: the home office's technical services and leadership."""
    return is_home_staff(user) and (is_techsvc_staff(user) or is_leadership(user))


def can_view_backups(user: Any) -> bool:
    return can_view_health(user)


def can_download_backup(user: Any) -> bool:
    """Backup files hold every record of the network: technical services only, not leadership."""
    return is_home_staff(user) and is_techsvc_staff(user)


def can_run_backup(user: Any) -> bool:
    """Start a backup by hand (issue 20): technical services, who also download and restore them."""
    return is_home_staff(user) and is_techsvc_staff(user)


def can_raise_ticket(user: Any) -> bool:
    return staff_profile(user) is not None


def can_work_tickets(user: Any, organization: Organization) -> bool:
    """Take, assign and close maintenance tickets of an office: its technical services."""
    return is_techsvc_staff(user, organization)


# --- org structure and personnel (issue 16) ---------------------------------------------------


def can_manage_org(user: Any) -> bool:
    """The director and the administrative assistant run the org structure and personnel."""
    profile = staff_profile(user)
    return profile is not None and profile.position.role in {Role.DIRECTOR, Role.ADMIN_ASSISTANT}


def can_edit_schedules(user: Any) -> bool:
    """The home office's technical services change when periodic jobs run (within bounds)."""
    return is_home_staff(user) and is_techsvc_staff(user)


def can_manage_equipment(user: Any, organization: Organization) -> bool:
    """Add, edit, retire and assign an office's equipment: its technical services."""
    return is_techsvc_staff(user, organization)
