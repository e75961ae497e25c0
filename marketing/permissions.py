"""Who may edit the public site.

The article gives strategic marketing (image, mission, partners, cooperation) to the leadership
office and contact with users to customer service: the home office's leadership roles and the
staff of units carrying the customer-service function edit pages, news, partners and resources
and answer inquiries. The subject navigation is curated by the units carrying the navigation function
(信息开发部 网络信息导航小组) and the heads above them as well; the dashboard is for
the leadership office. Functions are data (office.functions), never a department's code. Staff
of member offices are outside: the site is the home office's.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from office.access import Role, is_head_of, is_home_staff, is_leadership, memo, staff_profile
from office.functions import has_function, units_with
from office.models import Function


def can_edit_site(user: Any) -> bool:
    """Pages, news, partners, resources; the inquiry queue."""
    return is_home_staff(user) and (is_leadership(user) or has_function(user, Function.CUSTOMER_SERVICE))


def can_curate_subjects(user: Any) -> bool:
    """The editors, the navigation units' staff and the heads above them."""
    if can_edit_site(user):
        return True
    if not is_home_staff(user):
        return False
    if has_function(user, Function.NAVIGATION):
        return True
    profile = staff_profile(user)
    if profile.position.role != Role.HEAD:  # only a head leads units other than their own
        return False
    units = memo(user, NAVIGATION_UNITS_MEMO, lambda: list(navigation_units()))
    return any(is_head_of(user, unit) for unit in units)


NAVIGATION_UNITS_MEMO = "marketing_navigation_units"  # office/nav.py reads it with the menu's other facts


def navigation_units() -> QuerySet[Any]:
    return units_with(Function.NAVIGATION).filter(organization__is_home=True)


def can_see_dashboard(user: Any) -> bool:
    return is_home_staff(user) and is_leadership(user)
