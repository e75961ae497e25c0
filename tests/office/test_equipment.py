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

pytestmark = pytest.mark.django_db


def _projector() -> Equipment:
    return Equipment.objects.get(organization__is_home=True, asset_tag="av-0001")


def _raise(demo: Any, **overrides: Any) -> MaintenanceTicket:
    data = {"title": "Mouse broken", "description": "Left button sticks.", "equipment_id": _projector().pk}
    return equipment.ticket_raise(actor=demo.staff_infodev, **{**data, **overrides})


def test_demo_inventory_and_tickets_are_seeded_once(demo: Any) -> None:
    counts = (Equipment.objects.count(), MaintenanceTicket.objects.count())
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    assert (Equipment.objects.count(), MaintenanceTicket.objects.count()) == counts
    assert counts[0] >= 5 and counts[1] == 2
    assert {e.kind for e in Equipment.objects.all()} == set(Equipment.Kind.values)


def test_any_staff_member_raises_a_ticket_and_technical_services_hear_of_it(demo: Any) -> None:
    ticket = _raise(demo)
    assert ticket.status == MaintenanceTicket.Status.OPEN
    assert ticket.organization.is_home
    assert AuditEvent.objects.filter(verb="office.maintenance_ticket.raised", target_id=str(ticket.pk)).exists()
    told = set(
        Notification.objects.filter(
            verb="office.maintenance_ticket.raised", url__endswith=f"/{ticket.pk}/"
        ).values_list("recipient__username", flat=True)
    )
    assert told == {"head_techsvc", "staff_techsvc"}


def test_ticket_cannot_name_another_offices_equipment(demo: Any) -> None:
    with pytest.raises(DomainError):
        equipment.ticket_raise(actor=demo.staff_east, title="x", description="y", equipment_id=_projector().pk)


def test_technical_services_assign_and_close(demo: Any) -> None:
    ticket = _raise(demo)
    equipment.ticket_assign(ticket_id=ticket.pk, actor=demo.head_techsvc, assignee_id=demo.staff_techsvc.pk)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee) == (MaintenanceTicket.Status.ASSIGNED, demo.staff_techsvc)
    assert Notification.objects.filter(recipient=demo.staff_techsvc, verb="office.maintenance_ticket.assigned").exists()

    equipment.ticket_close(ticket_id=ticket.pk, actor=demo.staff_techsvc, resolution="Replaced the mouse.")
    ticket.refresh_from_db()
    assert ticket.status == MaintenanceTicket.Status.CLOSED and ticket.closed_by == demo.staff_techsvc
    assert Notification.objects.filter(recipient=demo.staff_infodev, verb="office.maintenance_ticket.closed").exists()
    with pytest.raises(InvalidTransition):
        equipment.ticket_assign(ticket_id=ticket.pk, actor=demo.head_techsvc, assignee_id=demo.head_techsvc.pk)


@pytest.mark.parametrize("username", ["staff_infodev", "director", "staff_east"])
def test_only_the_offices_technical_services_work_tickets(demo: Any, username: str) -> None:
    ticket = _raise(demo)
    with pytest.raises(PermissionDenied):
        equipment.ticket_assign(ticket_id=ticket.pk, actor=demo.users[username], assignee_id=demo.staff_techsvc.pk)
    with pytest.raises(PermissionDenied):
        equipment.ticket_close(ticket_id=ticket.pk, actor=demo.users[username], resolution="done")


def test_tickets_go_only_to_technical_services_and_close_with_a_resolution(demo: Any) -> None:
    ticket = _raise(demo)
    with pytest.raises(DomainError):
        equipment.ticket_assign(ticket_id=ticket.pk, actor=demo.head_techsvc, assignee_id=demo.staff_infodev.pk)
    with pytest.raises(DomainError):
        equipment.ticket_close(ticket_id=ticket.pk, actor=demo.head_techsvc, resolution="  ")
    ticket.refresh_from_db()
    assert ticket.status == MaintenanceTicket.Status.OPEN


def test_ticket_pages_raise_assign_and_close(demo: Any) -> None:
    raiser = demo.client("staff_infodev")
    response = raiser.post(
        reverse("office:ticket_create"),
        {"title": "Projector dim", "description": "Hard to read.", "priority": "normal", "equipment": _projector().pk},
    )
    ticket = MaintenanceTicket.objects.get(title="Projector dim")
    assert response.status_code == 302 and response["Location"] == reverse(
        "office:ticket_detail", kwargs={"pk": ticket.pk}
    )
    assert "ticket-assign" not in raiser.get(response["Location"]).content.decode()

    techsvc = demo.client("staff_techsvc")
    page = techsvc.get(reverse("office:ticket_detail", kwargs={"pk": ticket.pk})).content.decode()
    assert 'id="ticket-assign"' in page and 'id="ticket-close"' in page
    techsvc.post(reverse("office:ticket_assign", kwargs={"pk": ticket.pk}), {"assignee": demo.staff_techsvc.pk})
    techsvc.post(reverse("office:ticket_close", kwargs={"pk": ticket.pk}), {"resolution": "New lamp."})
    ticket.refresh_from_db()
    assert ticket.status == MaintenanceTicket.Status.CLOSED and ticket.resolution == "New lamp."


def test_equipment_pages_list_the_offices_inventory(demo: Any) -> None:
    html = demo.client("staff_infodev").get(reverse("office:equipment_list"), {"kind": "av"}).content.decode()
    assert "av-0001" in html and "net-0001" not in html
    assert "av-0001" not in demo.client("staff_east").get(reverse("office:equipment_list")).content.decode()
    detail = demo.client("staff_infodev").get(reverse("office:equipment_detail", kwargs={"pk": _projector().pk}))
    assert detail.status_code == 200 and "Lecture hall" in detail.content.decode()
