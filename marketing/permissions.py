"""Who may edit the public site.

The article gives strategic marketing (image, mission, partners, cooperation) to the leadership
office and contact with users to customer service: staff of the home office's leadership
office or customer service department (groups included) and the leadership roles edit pages,
news, partners and resources and answer inquiries. The subject navigation is curated by the
information development department's navigation group (信息开发部 网络信息导航小组), so the
whole information development department may curate it as well; the dashboard is for the
leadership office. Staff of member offices are outside: the site is the home office's.
"""

from __future__ import annotations

from typing import Any

from office.access import is_leadership, staff_profile

EDITOR_DEPARTMENTS = frozenset({"leadership", "custsvc"})
CURATOR_DEPARTMENTS = frozenset({"infodev", "navigation"})


def _home_units(user: Any) -> set[str]:
    """Codes of the user's department and every unit above it (home office staff only)."""
    profile = staff_profile(user)
    if profile is None or not profile.organization.is_home:
        return set()
    codes, unit, seen = set(), profile.department, set()
    while unit is not None and unit.pk not in seen:
        codes.add(unit.code)
        seen.add(unit.pk)
        unit = unit.parent
    return codes


def _home_leadership(user: Any) -> bool:
    profile = staff_profile(user)
    return profile is not None and profile.organization.is_home and is_leadership(user)


def can_edit_site(user: Any) -> bool:
    """Pages, news, partners, resources; the inquiry queue."""
    return _home_leadership(user) or bool(_home_units(user) & EDITOR_DEPARTMENTS)


def can_curate_subjects(user: Any) -> bool:
    return can_edit_site(user) or bool(_home_units(user) & CURATOR_DEPARTMENTS)


def can_see_dashboard(user: Any) -> bool:
    return _home_leadership(user) or "leadership" in _home_units(user)
