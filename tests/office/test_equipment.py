"""Equipment inventory and maintenance-ticket workflow (issue 8)."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse

from office import equipment
from office.exceptions import DomainError, InvalidTransition
from office.models import AuditEvent, Equipment, MaintenanceTicket, Notification
from tests import factories
from tests.factories import People

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db: Any) -> People:
    """The demo's people this module names, each built with their office and unit only."""
    return People()


@pytest.fixture
def inventory(db: Any) -> list[Equipment]:
    """Two of the demo's home-office items: the lecture-hall projector and the core switch."""
    return [factories.equipment("AV-0001"), factories.equipment("NET-0001")]


def _projector() -> Equipment:
    return Equipment.objects.get(organization__is_home=True, asset_tag="av-0001")


def _raise(people: People, **overrides: Any) -> MaintenanceTicket:
    data = {"title": "Mouse broken", "description": "Left button sticks.", "equipment_id": _projector().pk}
    return equipment.ticket_raise(actor=people.staff_infodev, **{**data, **overrides})


def test_demo_inventory_and_tickets_are_seeded_once(demo: Any) -> None:
    counts = (Equipment.objects.count(), MaintenanceTicket.objects.count())
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    assert (Equipment.objects.count(), MaintenanceTicket.objects.count()) == counts
    assert counts[0] >= 5 and counts[1] == 2
    assert {e.kind for e in Equipment.objects.all()} == set(Equipment.Kind.values)


def test_any_staff_member_raises_a_ticket_and_technical_services_hear_of_it(people: People, inventory: Any) -> None:
    people.build("head_techsvc", "staff_techsvc", "director", "staff_custsvc", "staff_east")
    ticket = _raise(people)
    assert ticket.status == MaintenanceTicket.Status.OPEN
    assert ticket.organization.is_home
    assert AuditEvent.objects.filter(verb="office.maintenance_ticket.raised", target_id=str(ticket.pk)).exists()
    told = set(
        Notification.objects.filter(
            verb="office.maintenance_ticket.raised", url__endswith=f"/{ticket.pk}/"
        ).values_list("recipient__username", flat=True)
    )
    assert told == {"head_techsvc", "staff_techsvc"}


def test_ticket_cannot_name_another_offices_equipment(people: People, inventory: Any) -> None:
    with pytest.raises(DomainError):
        equipment.ticket_raise(actor=people.staff_east, title="x", description="y", equipment_id=_projector().pk)


def test_technical_services_assign_and_close(people: People, inventory: Any) -> None:
    ticket = _raise(people)
    equipment.ticket_assign(ticket_id=ticket.pk, actor=people.head_techsvc, assignee_id=people.staff_techsvc.pk)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee) == (MaintenanceTicket.Status.ASSIGNED, people.staff_techsvc)
    assert Notification.objects.filter(
        recipient=people.staff_techsvc, verb="office.maintenance_ticket.assigned"
    ).exists()

    equipment.ticket_close(ticket_id=ticket.pk, actor=people.staff_techsvc, resolution="Replaced the mouse.")
    ticket.refresh_from_db()
    assert ticket.status == MaintenanceTicket.Status.CLOSED and ticket.closed_by == people.staff_techsvc
    assert Notification.objects.filter(recipient=people.staff_infodev, verb="office.maintenance_ticket.closed").exists()
    with pytest.raises(InvalidTransition):
        equipment.ticket_assign(ticket_id=ticket.pk, actor=people.head_techsvc, assignee_id=people.head_techsvc.pk)


@pytest.mark.parametrize("username", ["staff_infodev", "director", "staff_east"])
def test_only_the_offices_technical_services_work_tickets(people: People, inventory: Any, username: str) -> None:
    ticket = _raise(people)
    with pytest.raises(PermissionDenied):
        equipment.ticket_assign(ticket_id=ticket.pk, actor=people[username], assignee_id=people.staff_techsvc.pk)
    with pytest.raises(PermissionDenied):
        equipment.ticket_close(ticket_id=ticket.pk, actor=people[username], resolution="done")


def test_tickets_go_only_to_technical_services_and_close_with_a_resolution(people: People, inventory: Any) -> None:
    ticket = _raise(people)
    with pytest.raises(DomainError):
        equipment.ticket_assign(ticket_id=ticket.pk, actor=people.head_techsvc, assignee_id=people.staff_infodev.pk)
    with pytest.raises(DomainError):
        equipment.ticket_close(ticket_id=ticket.pk, actor=people.head_techsvc, resolution="  ")
    ticket.refresh_from_db()
    assert ticket.status == MaintenanceTicket.Status.OPEN


def test_ticket_pages_raise_assign_and_close(people: People, inventory: Any) -> None:
    raiser = people.client("staff_infodev")
    response = raiser.post(
        reverse("office:ticket_create"),
        {"title": "Projector dim", "description": "Hard to read.", "priority": "normal", "equipment": _projector().pk},
    )
    ticket = MaintenanceTicket.objects.get(title="Projector dim")
    assert response.status_code == 302 and response["Location"] == reverse(
        "office:ticket_detail", kwargs={"pk": ticket.pk}
    )
    assert "ticket-assign" not in raiser.get(response["Location"]).content.decode()

    techsvc = people.client("staff_techsvc")
    page = techsvc.get(reverse("office:ticket_detail", kwargs={"pk": ticket.pk})).content.decode()
    assert 'id="ticket-assign"' in page and 'id="ticket-close"' in page
    techsvc.post(reverse("office:ticket_assign", kwargs={"pk": ticket.pk}), {"assignee": people.staff_techsvc.pk})
    techsvc.post(reverse("office:ticket_close", kwargs={"pk": ticket.pk}), {"resolution": "New lamp."})
    ticket.refresh_from_db()
    assert ticket.status == MaintenanceTicket.Status.CLOSED and ticket.resolution == "New lamp."


def test_equipment_pages_list_the_offices_inventory(people: People, inventory: Any) -> None:
    html = people.client("staff_infodev").get(reverse("office:equipment_list"), {"kind": "av"}).content.decode()
    assert "av-0001" in html and "net-0001" not in html
    assert "av-0001" not in people.client("staff_east").get(reverse("office:equipment_list")).content.decode()
    detail = people.client("staff_infodev").get(reverse("office:equipment_detail", kwargs={"pk": _projector().pk}))
    assert detail.status_code == 200 and "Lecture hall" in detail.content.decode()
