"""Permission-matrix entries for the dashboard (office/dashboard/urls.py, namespace "office").

The director sees the whole office and its report; a head sees their own unit (the dashboard
URL shows it, and the unit URL of their unit); staff, clients and other offices do not. A unit
of another office does not exist for its viewer (404).
"""

from __future__ import annotations

from typing import Any

from tests.permissions.matrix import LOGIN, Entry, expect


def _infodev(demo: Any) -> dict[str, int]:
    from office.models import Department

    return {"pk": Department.objects.get(organization__is_home=True, code="infodev").pk}


EXPECTATIONS = [
    Entry(
        "office:dashboard",
        get=expect(anon=LOGIN, client=403, staff=403, head=200, director=200, other_office=403),
    ),
    Entry(
        "office:dashboard_unit",
        kwargs=_infodev,
        get=expect(anon=LOGIN, client=403, staff=403, head=200, director=200, other_office=404),
    ),
    Entry(
        "office:dashboard_report",
        query="period=quarter&on=2026-05-17",
        get=expect(anon=LOGIN, client=403, staff=403, head=403, director=200, other_office=403),
    ),
]
