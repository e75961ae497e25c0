"""The director's dashboard and a head's unit dashboard (issue 16 item 1): who sees what, the
figures against the records, the drill-down links, the period picker and the query budget.
Built with factories (the people and units of the demo, without seeding the network)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from office.dashboard.tiles import Period
from office.models import BudgetEntry, Department
from office.money import format_money
from procurement.models import PurchaseRequest
from tests import factories

DASHBOARD = reverse("office:dashboard")


@pytest.fixture
def office(db):
    """The home office's units, budget lines, people and two purchase requests waiting."""
    people = factories.People()
    people.build("director", "head_infodev", "staff_infodev", "head_custsvc", "admin_assistant")
    units = factories.office_units()
    budgets = {code: factories.budget_line(code) for code in ("infodev", "custsvc", "techsvc")}
    infodev = budgets["infodev"]
    infodev.spent_minor, infodev.encumbered_minor = 120_000, 30_000
    infodev.save()
    BudgetEntry.objects.create(budget=infodev, kind=BudgetEntry.Kind.SPEND, amount_minor=120_000)
    now = timezone.now()
    for status, days, unit in (("submitted", 1, "infodev"), ("head_approved", 9, "custsvc")):
        PurchaseRequest.objects.create(
            organization=units[unit].organization,
            department=units[unit],
            budget=budgets[unit],
            requester=people.staff_infodev,
            status=status,
            justification="Books",
            total_minor=50_000,
            submitted_at=now - dt.timedelta(days=days),
        )
    return people, units, budgets


def _tiles(response) -> dict:
    return {tile.key: tile for tile in response.context["tiles"]}


@pytest.mark.django_db
def test_director_sees_every_tile_of_the_office(office) -> None:
    people, _units, _budgets = office
    response = people.client("director").get(DASHBOARD)
    assert response.status_code == 200
    tiles = _tiles(response)
    assert {"budget", "approvals", "late_orders", "services", "payments", "cataloging", "consortia", "health"} <= set(
        tiles
    )
    assert response.context["report_url"].startswith(reverse("office:dashboard_report"))
    assert b'id="tile-budget"' in response.content and b"dashboard.js" in response.content


@pytest.mark.django_db
def test_budget_tile_agrees_with_the_budget_lines_and_drills_down_to_the_requests(office) -> None:
    people, units, budgets = office
    client = people.client("director")
    tile = _tiles(client.get(DASHBOARD))["budget"]
    assert len(tile.rows) == 3
    row = next(row for row in tile.rows if row[0].text == units["infodev"].name)
    allocated = budgets["infodev"].allocated_minor
    assert [cell.text for cell in row[1:]] == [
        format_money(value, "CNY") for value in (allocated, 30_000, 120_000, allocated - 150_000, 120_000)
    ]
    assert format_money(120_000, "CNY") in [stat.value for stat in tile.stats]
    assert tile.chart["datasets"][0]["data"][[r[0].text for r in tile.rows].index(units["infodev"].name)] == 120_000
    # Each department's name opens the purchase requests of that department (and its groups).
    infodev = units["infodev"]
    link = next(cell.url for row in tile.rows for cell in row if cell.url.endswith(f"?department={infodev.pk}"))
    listed = client.get(link)
    assert listed.status_code == 200
    shown = {pr.department_id for pr in listed.context["page_obj"]}
    assert shown and shown <= set(Department.objects.filter(pk=infodev.pk).values_list("pk", flat=True)) | set(
        Department.objects.filter(parent=infodev).values_list("pk", flat=True)
    )
    assert listed.context["department"] == infodev


@pytest.mark.django_db
def test_approvals_tile_counts_what_waits(office) -> None:
    people, _units, _budgets = office
    tile = _tiles(people.client("director").get(DASHBOARD))["approvals"]
    assert [stat.value for stat in tile.stats[:3]] == ["2", "1", "1"]
    assert tile.stats[3].value == "9 d" and tile.stats[3].tone == "danger"
    assert tile.chart["datasets"][0]["data"] == [1, 0, 1]


@pytest.mark.django_db
def test_head_sees_only_their_unit(office) -> None:
    people, _units, _budgets = office
    head = people.client("head_infodev")
    own = people.head_infodev.staff_profile.department
    assert head.get(DASHBOARD).context["scope"].unit == own
    page = head.get(reverse("office:dashboard_unit", kwargs={"pk": own.pk}))
    assert page.status_code == 200 and page.context["scope"].unit == own
    tiles = _tiles(page)
    assert "health" not in tiles and "consortia" not in tiles and "payments" not in tiles
    assert {row[0].text for row in tiles["budget"].rows} == {own.name}
    assert tiles["approvals"].stats[0].value == "1"
    other = Department.objects.filter(organization=own.organization).exclude(pk=own.pk).exclude(parent=own).first()
    assert head.get(reverse("office:dashboard_unit", kwargs={"pk": other.pk})).status_code == 403
    assert head.get(reverse("office:dashboard_report")).status_code == 403


@pytest.mark.django_db
def test_nobody_else_sees_a_dashboard(office) -> None:
    people, units, _budgets = office
    infodev = units["infodev"]
    for username in ("staff_infodev", "admin_assistant"):
        client = people.client(username)
        assert client.get(DASHBOARD).status_code == 403
        assert client.get(reverse("office:dashboard_unit", kwargs={"pk": infodev.pk})).status_code == 403
    # Another unit's head.
    assert (
        people.client("head_custsvc").get(reverse("office:dashboard_unit", kwargs={"pk": infodev.pk})).status_code
        == 403
    )
    assert people.client("client_a").get(DASHBOARD).status_code == 403
    # Another office's director: the unit does not exist for them.
    east_director = factories.staff(role="director", organization=factories.member_office("east"))
    client = factories.logged_in(east_director)
    assert client.get(reverse("office:dashboard_unit", kwargs={"pk": infodev.pk})).status_code == 404


@pytest.mark.django_db
def test_the_director_opens_a_units_dashboard(office) -> None:
    people, units, _budgets = office
    infodev = units["infodev"]
    response = people.client("director").get(reverse("office:dashboard_unit", kwargs={"pk": infodev.pk}))
    assert response.status_code == 200 and response.context["scope"].unit == infodev


def test_period_picker() -> None:
    today = dt.date(2026, 12, 2)
    assert Period.from_query({}, today) == Period("month", dt.date(2026, 12, 1), dt.date(2027, 1, 1))
    quarter = Period.from_query({"period": "quarter", "on": "2026-05-17"}, today)
    assert (quarter.start, quarter.end) == (dt.date(2026, 4, 1), dt.date(2026, 7, 1))
    assert quarter.previous.start == dt.date(2026, 1, 1) and quarter.following.start == dt.date(2026, 7, 1)
    year = Period.from_query({"period": "year", "on": "2025-02-01"}, today)
    assert (year.start, year.end) == (dt.date(2025, 1, 1), dt.date(2026, 1, 1))
    for bad in ({"period": "week"}, {"on": "yesterday"}, {"on": "9999-01-01"}, {"period": "<b>"}):
        assert Period.from_query(bad, today).start == dt.date(2026, 12, 1)


@pytest.mark.django_db
def test_period_in_the_page_and_its_neighbours(office) -> None:
    people, _units, _budgets = office
    response = people.client("director").get(DASHBOARD, {"period": "quarter", "on": "2026-05-17"})
    assert response.context["period"].start == dt.date(2026, 4, 1)
    assert "period=quarter&amp;on=2026-01-01" in response.content.decode()


@pytest.mark.django_db
def test_query_count_does_not_grow_with_departments(office) -> None:
    people, _units, _budgets = office
    client = people.client("director")
    client.get(DASHBOARD)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as before:
        assert client.get(DASHBOARD).status_code == 200
    home = people.director.staff_profile.organization
    for index in range(4):
        unit = factories.DepartmentFactory(organization=home, code=f"extra{index}", name=f"Extra {index}")
        factories.BudgetFactory(department=unit, fiscal_year=dt.date.today().year)
    with CaptureQueriesContext(connection) as after:
        response = client.get(DASHBOARD)
    assert len(_tiles(response)["budget"].rows) >= 4
    assert len(after) == len(before) <= 8, [q["sql"][:120] for q in after.captured_queries]


@pytest.mark.django_db
def test_the_dashboard_in_chinese(office) -> None:
    people, _units, _budgets = office
    response = people.client("director").get(DASHBOARD, HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = response.content.decode()
    assert "主任仪表板" in text and "预算执行" in text
    for english in ("Spend against budget", "Purchase requests waiting", "Open the list", "Backup and health"):
        assert english not in text


@pytest.mark.django_db
def test_menu_entry_for_director_and_heads_only(office) -> None:
    people, _units, _budgets = office
    home = reverse("office:home")
    assert b'id="nav-dashboard"' in people.client("director").get(home).content
    assert b'id="nav-dashboard"' in people.client("head_infodev").get(home).content
    assert b'id="nav-dashboard"' not in people.client("staff_infodev").get(home).content


def test_tile_templates_hold_no_english_left_untranslated() -> None:
    for name in ("dashboard.html", "_tile.html"):
        source = Path("templates/office/dashboard", name).read_text()
        # Every visible word is in {% translate %} or comes from a tile's translated data.
        stripped = re.sub(r"{% blocktranslate.*?endblocktranslate %}", " ", source, flags=re.S)
        stripped = re.sub(r"{%.*?%}|{{.*?}}|<[^>]+>|&\w+;", " ", stripped, flags=re.S)
        assert not re.search(r"[A-Za-z]{3,}", stripped), name


@pytest.mark.django_db
def test_satisfaction_reads_the_support_surveys_of_the_period(office) -> None:
    """The customer-contact area's surveys answered in the period give the NPS stat (scoped
    to the head's unit on their dashboard)."""
    from marketing.support.models import SurveyInvitation

    people, units, _budgets = office
    client = people.client_a
    now = timezone.now()
    for index, (score, unit) in enumerate([(10, "custsvc"), (9, "custsvc"), (3, "custsvc"), (10, "infodev")]):
        SurveyInvitation.objects.create(
            kind=SurveyInvitation.Kind.ORDER,
            subject_id=index + 1,
            subject_label=f"S-{index}",
            user=client,
            client=client.client_account,
            department=units[unit],
            completed_at=now,
            status=SurveyInvitation.Status.ANSWERED,
            score=score,
            answered_at=now,
        )
    stats = {stat.label: stat.value for stat in _tiles(people.client("director").get(DASHBOARD))["services"].stats}
    assert stats["Survey NPS"] == "50 (4 answers)"  # 3 promoters, 1 detractor of 4
    head = {stat.label: stat.value for stat in _tiles(people.client("head_infodev").get(DASHBOARD))["services"].stats}
    assert head["Survey NPS"] == "100 (1 answer)"
