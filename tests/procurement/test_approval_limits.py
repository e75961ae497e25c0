"""The director's page for department heads' approval limits: changing a limit changes how the
next request is routed; nobody else may use it; bad input changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from office.models import AuditEvent, Department
from procurement import actions
from procurement.models import PurchaseRequest
from tests.procurement.conftest import item, make_request

pytestmark = pytest.mark.django_db

LIST = "/procurement/approval-limits/"


def _unit(code: str) -> Department:
    return Department.objects.get(code=code, organization__is_home=True)


def _url(unit: Department) -> str:
    return f"/procurement/approval-limits/{unit.pk}/"


def _limit_events(unit: Department) -> Any:
    return AuditEvent.objects.filter(verb="procurement.approval_limit.changed", target_id=str(unit.pk))


def test_director_changes_a_limit_and_the_next_requests_route_per_the_new_limit(demo):
    # staff_infodev works in the topic group; its own limit (¥2,000.00) decides the route.
    topic = demo.staff_infodev.staff_profile.department
    assert topic.code == "topic" and topic.approval_limit_minor == 200_000
    assert item("DS-3002").price_minor == 380_000
    director = demo.client("director")

    page = director.get(LIST)
    assert page.status_code == 200
    body = page.content.decode()
    assert str(topic) in body and "¥2,000.00" in body
    # Every unit of the home office is listed (groups have limits too), none of another office.
    assert body.count('<tr id="limit-') == Department.objects.filter(organization__is_home=True).count()

    response = director.post(_url(topic), {"limit": "4,000.00"})
    assert response.status_code == 302 and response.url == LIST
    topic.refresh_from_db()
    assert topic.approval_limit_minor == 400_000
    event = _limit_events(topic).get()
    assert event.actor == demo.director
    assert (event.data["old_minor"], event.data["new_minor"]) == (200_000, 400_000)
    assert "¥4,000.00" in director.get(LIST).content.decode()

    below = make_request(demo.staff_infodev, [("DS-3002", 1)])
    actions.purchase_request_approve(request_id=below.pk, actor=demo.head_infodev)
    below.refresh_from_db()
    assert below.status == PurchaseRequest.Status.APPROVED, "within the raised limit the head approves alone"

    assert director.post(_url(topic), {"limit": "3000"}).status_code == 302
    above = make_request(demo.staff_infodev, [("DS-3002", 1)])
    actions.purchase_request_approve(request_id=above.pk, actor=demo.head_infodev)
    above.refresh_from_db()
    assert above.status == PurchaseRequest.Status.HEAD_APPROVED, "above the lowered limit the director approves too"
    assert [e.data["new_minor"] for e in _limit_events(topic).order_by("pk")] == [400_000, 300_000]


def test_director_raises_a_limit_inline_and_the_head_alone_approves(demo):
    topic = demo.staff_infodev.staff_profile.department
    assert item("DS-3001").price_minor == 1_200_000
    director = demo.client("director")

    response = director.post(_url(topic), {"limit": "¥15000"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    row = response.content.decode()
    assert row.startswith(f'<tr id="limit-{topic.pk}">') and "¥15,000.00" in row and "Limit saved." in row
    topic.refresh_from_db()
    assert topic.approval_limit_minor == 1_500_000

    pr = make_request(demo.staff_infodev, [("DS-3001", 1)])
    head = demo.client("head_infodev")
    assert head.post(f"/procurement/requests/{pr.pk}/approve/", HTTP_HX_REQUEST="true").status_code == 200
    pr.refresh_from_db()
    assert pr.status == PurchaseRequest.Status.APPROVED and pr.approved_by == demo.head_infodev


def test_the_same_limit_again_is_a_no_op_without_audit(demo):
    infodev = _unit("infodev")
    director = demo.client("director")
    response = director.post(_url(infodev), {"limit": "8000"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "The limit is unchanged." in response.content.decode()
    assert not _limit_events(infodev).exists()


def test_nobody_but_the_director_may_see_or_change_limits(demo):
    infodev = _unit("infodev")
    for username in ("head_infodev", "staff_infodev", "admin_assistant", "staff_east", "client_a"):
        client = demo.client(username)
        assert client.get(LIST).status_code == 403, username
        assert client.post(_url(infodev), {"limit": "1"}).status_code == 403, username
        assert client.post(_url(infodev), {"limit": "1"}, HTTP_HX_REQUEST="true").status_code == 403, username
    infodev.refresh_from_db()
    assert infodev.approval_limit_minor == 800_000
    assert not _limit_events(infodev).exists()


def test_another_offices_unit_is_404_for_our_director_and_their_director_sees_only_theirs(demo):
    east_unit = Department.objects.filter(organization__is_home=False, organization__code="east").first()
    before = east_unit.approval_limit_minor
    assert demo.client("director").post(_url(east_unit), {"limit": "1"}).status_code == 404
    east_unit.refresh_from_db()
    assert east_unit.approval_limit_minor == before

    east = demo.client("director_east")
    body = east.get(LIST).content.decode()
    assert f'id="limit-{east_unit.pk}"' in body and f'id="limit-{_unit("infodev").pk}"' not in body
    assert east.post(_url(_unit("infodev")), {"limit": "1"}).status_code == 404


BAD_INPUT = [
    ("", "This field is required."),
    ("-100", "Enter an amount of zero or more."),
    ("100000001", "Enter an amount of at most"),
    ("1e400", "Enter an amount such as 1234.50."),
    ("Infinity", "Enter an amount such as 1234.50."),
    ("a lot", "Enter an amount such as 1234.50."),
    ("12.345", "Use at most 2 decimal places."),
]


def test_bad_input_is_refused_with_a_message_and_changes_nothing(demo):
    infodev = _unit("infodev")
    director = demo.client("director")
    for text, message in BAD_INPUT:
        page = director.post(_url(infodev), {"limit": text})
        assert page.status_code == 200, text
        body = page.content.decode()
        assert message in body and 'aria-invalid="true"' in body and str(_unit("custsvc")) in body, text

        row = director.post(_url(infodev), {"limit": text}, HTTP_HX_REQUEST="true")
        assert row.status_code == 200 and message in row.content.decode(), text

    infodev.refresh_from_db()
    assert infodev.approval_limit_minor == 800_000
    assert not _limit_events(infodev).exists()


def test_director_finds_the_page_from_the_nav_and_the_approvals_inbox(demo):
    director = demo.client("director")
    assert f'href="{LIST}"' in director.get("/procurement/approvals/").content.decode()
    assert f'href="{LIST}"' in director.get("/procurement/requests/").content.decode()
    head = demo.client("head_infodev")
    assert f'href="{LIST}"' not in head.get("/procurement/approvals/").content.decode()
