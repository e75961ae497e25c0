"""Who may do what in customer contact.

Customer service is the home office's department that answers consultations
(`services.selectors.consultation_department`, settings.SERVICES_CONSULTATION_DEPARTMENT),
with its groups. Its staff and head answer chats; the home leadership may look on. Survey
results go to the leadership office (everything) and to department heads (their own unit
and the units under it).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist

from office.access import LEADERSHIP, Role, is_head_of, memo, staff_profile
from office.models import Department


def in_unit(department: Department | None, unit_id: int) -> bool:
    seen: set[int] = set()
    while department is not None and department.pk not in seen:
        if department.pk == unit_id:
            return True
        seen.add(department.pk)
        department = department.parent
    return False


def customer_service_unit() -> Department | None:
    from services.selectors import consultation_department

    try:
        return consultation_department()
    except ObjectDoesNotExist:
        return None


def is_home_leadership(user: Any) -> bool:
    profile = staff_profile(user)
    return profile is not None and profile.organization.is_home and profile.position.role in LEADERSHIP


def is_customer_service(user: Any) -> bool:
    """Staff (or the head) of the customer-service department of the home office."""
    profile = staff_profile(user)
    if profile is None or not profile.organization.is_home:
        return False
    unit = memo(user, CUSTOMER_SERVICE_MEMO, customer_service_unit)
    return unit is not None and in_unit(profile.department, unit.pk)


CUSTOMER_SERVICE_MEMO = "support_customer_service_unit"  # read once per request (office/nav.py)


def can_use_console(user: Any) -> bool:
    return is_customer_service(user) or is_home_leadership(user)


def can_answer(user: Any) -> bool:
    return is_customer_service(user)


def can_view_surveys(user: Any) -> bool:
    profile = staff_profile(user)
    if profile is None or not profile.organization.is_home:
        return False
    return profile.position.role in LEADERSHIP or profile.position.role == Role.HEAD


def survey_unit_scope(user: Any) -> int | None:
    """None: every department (leadership); else the id of the unit the head leads."""
    profile = staff_profile(user)
    if profile is None or profile.position.role in LEADERSHIP:
        return None
    return profile.department_id


def can_close_follow_up(user: Any, department: Department) -> bool:
    return is_home_leadership(user) or is_head_of(user, department)
