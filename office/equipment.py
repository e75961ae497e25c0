"""Equipment inventory and maintenance tickets of technical services (issue 8): reads and writes.

Kept out of the shared actions.py/selectors.py while other areas edit those concurrently.
Ticket workflow: open -> assigned (-> assigned: handed on) -> closed; open -> closed (e.g. a
duplicate). Any staff member raises a ticket for their office; that office's technical
services assign and close it. Each move locks the row, checks, writes, audits and notifies.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from office import audit, permissions
from office.access import staff_profile
from office.actions import notify
from office.exceptions import DomainError, InvalidTransition
from office.functions import Function, member_user_ids
from office.models import Equipment, MaintenanceTicket, Organization

# --- reads ----------------------------------------------------------------------------------


def equipment_list(*, user: Any, kind: str = "") -> QuerySet[Equipment]:
    qs = Equipment.objects.visible_to(user).select_related("custodian")
    return qs.filter(kind=kind) if kind else qs


def equipment_detail_queryset(*, user: Any) -> QuerySet[Equipment]:
    return Equipment.objects.visible_to(user).select_related("custodian", "organization")


def ticket_list(*, user: Any, status: str = "") -> QuerySet[MaintenanceTicket]:
    qs = MaintenanceTicket.objects.visible_to(user).select_related(
        "equipment", "raised_by__staff_profile", "assignee__staff_profile"
    )
    return qs.filter(status=status) if status else qs


def ticket_detail_queryset(*, user: Any) -> QuerySet[MaintenanceTicket]:
    return MaintenanceTicket.objects.visible_to(user).select_related(
        "equipment", "organization", "raised_by__staff_profile", "assignee__staff_profile", "closed_by"
    )


def techsvc_staff(*, organization: Organization) -> QuerySet[Any]:
    """Users who may be assigned an office's tickets."""
    user_ids = member_user_ids(Function.TECHNICAL_SERVICES, organization=organization)
    return (
        get_user_model()
        .objects.filter(is_active=True, pk__in=list(user_ids))
        .select_related("staff_profile")
        .order_by("staff_profile__display_name")
    )


# --- writes ---------------------------------------------------------------------------------


def _notify_ticket(ticket: MaintenanceTicket, user_ids: list[int], verb: str, title: str) -> None:
    """`title` is a gettext_noop message id taking %(title)s, rendered in each reader's language."""
    url = reverse("office:ticket_detail", kwargs={"pk": ticket.pk})
    for user_id in user_ids:
        notify(recipient_id=user_id, verb=verb, title=title, params={"title": ticket.title}, url=url)


@transaction.atomic
def ticket_raise(
    *,
    actor: Any,
    title: str,
    description: str,
    priority: str = MaintenanceTicket.Priority.NORMAL,
    equipment_id: int | None = None,
) -> MaintenanceTicket:
    """Open a ticket in the actor's office and tell its technical services. Staff only; the
    equipment, if named, must belong to the same office."""
    profile = staff_profile(actor)
    if profile is None or not permissions.can_raise_ticket(actor):
        raise PermissionDenied(_("Only staff raise maintenance tickets."))
    equipment = None
    if equipment_id is not None:
        equipment = Equipment.objects.filter(pk=equipment_id, organization=profile.organization).first()
        if equipment is None:
            raise DomainError(_("That equipment is not in your office's inventory."))
    ticket = MaintenanceTicket.objects.create(
        organization=profile.organization,
        equipment=equipment,
        title=title,
        description=description,
        priority=priority,
        raised_by=actor,
    )
    audit.record(actor=actor, target=ticket, verb="office.maintenance_ticket.raised", data={"priority": priority})
    recipients = [
        pk for pk in techsvc_staff(organization=profile.organization).values_list("pk", flat=True) if pk != actor.pk
    ]
    _notify_ticket(
        ticket,
        recipients,
        "office.maintenance_ticket.raised",
        gettext_noop("New maintenance ticket: %(title)s"),
    )
    return ticket


@transaction.atomic
def ticket_assign(*, ticket_id: int, actor: Any, assignee_id: int) -> MaintenanceTicket:
    """Give an open (or assigned) ticket to a technical-services member of its office."""
    ticket = MaintenanceTicket.objects.select_for_update().select_related("organization").get(pk=ticket_id)
    if not permissions.can_work_tickets(actor, ticket.organization):
        raise PermissionDenied(_("Only technical services assign maintenance tickets."))
    if not ticket.can_move_to(MaintenanceTicket.Status.ASSIGNED):
        raise InvalidTransition(ticket, MaintenanceTicket.Status.ASSIGNED)
    if not techsvc_staff(organization=ticket.organization).filter(pk=assignee_id).exists():
        raise DomainError(_("Tickets go to technical-services staff of the same office."))
    previous = ticket.assignee_id
    ticket.status = MaintenanceTicket.Status.ASSIGNED
    ticket.assignee_id = assignee_id
    ticket.assigned_at = timezone.now()
    ticket.save(update_fields=["status", "assignee", "assigned_at", "updated_at"])
    audit.record(
        actor=actor,
        target=ticket,
        verb="office.maintenance_ticket.assigned",
        data={"assignee_id": assignee_id, "previous_assignee_id": previous},
    )
    if assignee_id != actor.pk:
        _notify_ticket(
            ticket,
            [assignee_id],
            "office.maintenance_ticket.assigned",
            gettext_noop("Ticket assigned to you: %(title)s"),
        )
    return ticket


@transaction.atomic
def ticket_close(*, ticket_id: int, actor: Any, resolution: str) -> MaintenanceTicket:
    """Close a ticket with what was done; tells whoever raised it."""
    ticket = MaintenanceTicket.objects.select_for_update().select_related("organization").get(pk=ticket_id)
    if not permissions.can_work_tickets(actor, ticket.organization):
        raise PermissionDenied(_("Only technical services close maintenance tickets."))
    if not ticket.can_move_to(MaintenanceTicket.Status.CLOSED):
        raise InvalidTransition(ticket, MaintenanceTicket.Status.CLOSED)
    if not resolution.strip():
        raise DomainError(_("Say what was done before closing the ticket."))
    ticket.status = MaintenanceTicket.Status.CLOSED
    ticket.resolution = resolution
    ticket.closed_by = actor
    ticket.closed_at = timezone.now()
    ticket.save(update_fields=["status", "resolution", "closed_by", "closed_at", "updated_at"])
    audit.record(actor=actor, target=ticket, verb="office.maintenance_ticket.closed")
    if ticket.raised_by_id != actor.pk:
        _notify_ticket(
            ticket,
            [ticket.raised_by_id],
            "office.maintenance_ticket.closed",
            gettext_noop("Ticket closed: %(title)s"),
        )
    return ticket


# --- demo -----------------------------------------------------------------------------------

DEMO_EQUIPMENT = [
    # tag, name, kind, location, custodian department code, purchased, warranty years
    ("PC-0001", "Reading-room PC 1", Equipment.Kind.COMPUTER, "Reading room", "custsvc", (2023, 3, 1), 3),
    ("PC-0002", "Cataloguing workstation", Equipment.Kind.COMPUTER, "Room 204", "infodev", (2022, 9, 15), 3),
    ("NET-0001", "Core switch", Equipment.Kind.NETWORK, "Server room", "techsvc", (2021, 5, 10), 5),
    (
        "NET-0002",
        "Wi-Fi access point, 2nd floor",
        Equipment.Kind.NETWORK,
        "2nd floor corridor",
        "techsvc",
        (2024, 1, 20),
        2,
    ),
    ("AV-0001", "Lecture-hall projector", Equipment.Kind.AV, "Lecture hall", "techsvc", (2020, 11, 2), 2),
]


def seed_equipment(stdout: Any) -> None:
    """Demo hook (office/demo.py): inventory of the home office and two tickets; idempotent."""
    from datetime import date

    from django.contrib.auth import get_user_model

    from office.models import Department

    home = Organization.objects.filter(is_home=True).first()
    if home is None:
        return
    departments = {d.code: d for d in Department.objects.filter(organization=home)}
    for tag, name, kind, location, custodian, purchased, years in DEMO_EQUIPMENT:
        if custodian not in departments:
            continue
        bought = date(*purchased)
        Equipment.objects.get_or_create(
            organization=home,
            asset_tag=tag.lower(),
            defaults={
                "name": name,
                "kind": kind,
                "location": location,
                "custodian": departments[custodian],
                "purchase_date": bought,
                "warranty_until": bought.replace(year=bought.year + years),
            },
        )
    if MaintenanceTicket.objects.filter(organization=home).exists():
        return
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=["staff_custsvc", "head_techsvc", "staff_techsvc"])
    }
    if len(users) < 3:
        return
    projector = Equipment.objects.get(organization=home, asset_tag="av-0001")
    pc = Equipment.objects.get(organization=home, asset_tag="pc-0001")
    first = ticket_raise(
        actor=users["staff_custsvc"],
        title="Projector image flickers",
        description="The lecture-hall projector flickers after ten minutes.",
        priority=MaintenanceTicket.Priority.URGENT,
        equipment_id=projector.pk,
    )
    ticket_assign(ticket_id=first.pk, actor=users["head_techsvc"], assignee_id=users["staff_techsvc"].pk)
    ticket_raise(
        actor=users["staff_custsvc"],
        title="Reading-room PC does not start",
        description="PC 1 shows a black screen.",
        equipment_id=pc.pk,
    )
    stdout.write("Demo equipment and maintenance tickets ready.")
