"""The approvals inbox (selectors.approvals_waiting) filters in SQL what each person may decide
(issue 18): the same requests, in the same order, as asking `permissions.can_approve` of
every pending request the person sees, for heads (of a unit and of the department above a
group), active, past and future deputies (of a unit and of a department above it), the
director, the assistants and the staff; and a bounded number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from office.models import Budget, Department
from procurement import permissions, selectors
from procurement.models import Deputy, PurchaseRequest
from tests import factories

pytestmark = pytest.mark.django_db

STATUSES = ("submitted", "head_approved", "approved", "draft", "returned")


def _pending_rules(user: Any) -> list[int]:
    """The rule the inbox must follow, asked of every request one by one."""
    fresh = type(user).objects.get(pk=user.pk)
    rows = (
        PurchaseRequest.objects.visible_to(fresh)
        .pending()
        .exclude(requester=fresh)
        .select_related("department")
        .order_by("submitted_at", "pk")
    )
    return [pr.pk for pr in rows if permissions.can_approve(fresh, pr)]


def _inbox(user: Any) -> list[int]:
    fresh = type(user).objects.get(pk=user.pk)
    return [pr.pk for pr in selectors.approvals_waiting(user=fresh)]


@pytest.fixture
def network(demo: Any) -> dict[str, Any]:
    """Groups under the demo's departments, requests of every status in every unit (some above
    the head's approval limit), deputies now, in the past and in the future."""
    home = demo.director.staff_profile.organization
    today = timezone.localdate()
    units = list(Department.objects.filter(organization=home, parent__isnull=False))
    for unit in units[:2]:
        factories.DepartmentFactory(organization=home, parent=unit, code=f"{unit.code}-grp", name=f"{unit.name} group")
    units = list(Department.objects.filter(organization=home))
    requesters = [demo.staff_infodev, demo.head_custsvc, demo.staff_techsvc]
    now = timezone.now()
    for index, unit in enumerate(units):
        budget = Budget.objects.filter(department=unit).first() or factories.BudgetFactory(
            department=unit, fiscal_year=today.year
        )
        for step, status in enumerate(STATUSES):
            PurchaseRequest.objects.create(
                organization=home,
                department=unit,
                budget=budget,
                requester=requesters[(index + step) % 3],
                status=status,
                justification="Books",
                total_minor=(unit.approval_limit_minor or 0) + (1 if step % 2 else -1) * 100 + 1_000,
                submitted_at=now - dt.timedelta(days=index + step, minutes=index),
            )
    infodev = demo.head_infodev.staff_profile.department
    custsvc = demo.head_custsvc.staff_profile.department
    period = {"now": (today, today), "past": (today - dt.timedelta(days=9), today - dt.timedelta(days=1))}
    period["future"] = (today + dt.timedelta(days=1), today + dt.timedelta(days=9))
    for deputy, unit, head, when in (
        (demo.staff_infodev, custsvc, demo.head_custsvc, "now"),  # a department: its groups too
        (demo.admin_assistant, infodev, demo.head_infodev, "now"),
        (demo.staff_custsvc, infodev, demo.head_infodev, "past"),
        (demo.staff_techsvc, custsvc, demo.head_custsvc, "future"),
        (demo.head_techsvc, infodev, demo.head_infodev, "now"),
    ):
        starts, ends = period[when]
        Deputy.objects.create(department=unit, head=head, deputy=deputy, starts_on=starts, ends_on=ends)
    return {"units": units}


def test_the_inbox_holds_exactly_what_each_person_may_decide(demo, network):
    seen = {}
    for username, user in demo.users.items():
        expected = _pending_rules(user)
        assert _inbox(user) == expected, username
        seen[username] = len(expected)
    # The rules at work: the director decides both stages, heads and deputies their units
    # (groups included), a past or future deputy and the staff nothing.
    assert seen["director"] > seen["head_infodev"] > 0, seen
    assert seen["staff_infodev"] > 0 and seen["admin_assistant"] > 0 and seen["head_techsvc"] > 0, seen
    assert seen["staff_custsvc"] == seen["staff_techsvc"] == seen["staff_nav"] == seen["director_east"] == 0, seen


def test_the_inbox_runs_the_same_few_queries_however_many_requests_wait(demo, network):
    def count(user: Any) -> int:
        fresh = type(user).objects.get(pk=user.pk)
        with CaptureQueriesContext(connection) as queries:
            waiting = selectors.approvals_waiting(user=fresh)
            for pr in waiting:  # what the inbox page shows of each request
                str(pr.requester.staff_profile), pr.department.approval_limit_minor, pr.budget_id
        return len(queries)

    before = {name: count(demo.users[name]) for name in ("director", "head_infodev", "staff_infodev")}
    assert before["director"] <= 2 and before["head_infodev"] <= 4 and before["staff_infodev"] <= 4, before
    unit = demo.head_infodev.staff_profile.department
    budget = Budget.objects.filter(department=unit).first()
    for _ in range(5):
        PurchaseRequest.objects.create(
            organization=unit.organization, department=unit, budget=budget, requester=demo.staff_custsvc,
            status="submitted", justification="More", total_minor=500, submitted_at=timezone.now(),
        )  # fmt: skip
    assert {name: count(demo.users[name]) for name in before} == before


def test_the_inbox_pages_and_the_task_box_counts_them_all(demo, monkeypatch):
    from django.urls import reverse

    from office.inbox import items_for
    from procurement.views import approval
    from tests.procurement.conftest import make_request

    monkeypatch.setattr(approval, "APPROVALS_PER_PAGE", 2)
    waiting = selectors.approvals_waiting(user=demo.director)
    for _ in range(max(0, 3 - len(waiting))):
        make_request(demo.staff_infodev, [("BH-1001", 1)])
    waiting = selectors.approvals_waiting(user=demo.director)
    client = demo.client("director")
    pages = [client.get(reverse("procurement:approvals"), {"page": n}) for n in (1, 2)]
    shown = [pr.pk for response in pages for pr in response.context["waiting"]]
    assert len(pages[0].context["waiting"]) == 2
    assert shown == [pr.pk for pr in waiting][:4]
    counted = [item.count for item in items_for(demo.director) if item.url == reverse("procurement:approvals")]
    assert counted == [len(waiting)]
