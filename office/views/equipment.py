"""Equipment and maintenance tickets (issue 8): lists, details, raising, assigning, closing."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from office import equipment, forms, permissions
from office.access import staff_required
from office.models import Equipment, MaintenanceTicket
from office.views.common import paginate
from office.views_support import run_action


@require_safe
@staff_required
def equipment_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    items = equipment.equipment_list(user=request.user, kind=kind if kind in Equipment.Kind.values else "")
    return render(
        request,
        "office/equipment_list.html",
        {"page_obj": paginate(request, items), "kind": kind, "kinds": Equipment.Kind.choices},
    )


@require_safe
@staff_required
def equipment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(equipment.equipment_detail_queryset(user=request.user), pk=pk)
    return render(
        request,
        "office/equipment_detail.html",
        {"item": item, "tickets": item.tickets.select_related("assignee__staff_profile")[:20]},
    )


@require_safe
@staff_required
def ticket_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    tickets = equipment.ticket_list(
        user=request.user, status=status if status in MaintenanceTicket.Status.values else ""
    )
    return render(
        request,
        "office/ticket_list.html",
        {"page_obj": paginate(request, tickets), "status": status, "statuses": MaintenanceTicket.Status.choices},
    )


@staff_required
def ticket_create(request: HttpRequest) -> HttpResponse:
    items = Equipment.objects.visible_to(request.user).exclude(status=Equipment.Status.RETIRED)
    form = forms.TicketForm(request.POST or None, equipment=items, initial={"equipment": request.GET.get("equipment")})
    if request.method != "POST":
        return render(request, "office/ticket_form.html", {"form": form})
    return run_action(
        request,
        form,
        lambda data: equipment.ticket_raise(
            actor=request.user,
            title=data["title"],
            description=data["description"],
            priority=data["priority"],
            equipment_id=data["equipment"].pk if data["equipment"] else None,
        ),
        success=_("Ticket raised; technical services have been told."),
        redirect_to=lambda ticket: ("office:ticket_detail", ticket.pk),
        template="office/ticket_form.html",
        template_context={"form": form},
    )


@require_safe
@staff_required
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = get_object_or_404(equipment.ticket_detail_queryset(user=request.user), pk=pk)
    can_work = permissions.can_work_tickets(request.user, ticket.organization)
    assignees = equipment.techsvc_staff(organization=ticket.organization)
    return render(
        request,
        "office/ticket_detail.html",
        {
            "ticket": ticket,
            "can_assign": can_work and ticket.can_move_to(MaintenanceTicket.Status.ASSIGNED),
            "can_close": can_work and ticket.can_move_to(MaintenanceTicket.Status.CLOSED),
            "assign_form": forms.TicketAssignForm(assignees=assignees, initial={"assignee": request.user.pk}),
            "close_form": forms.TicketCloseForm(),
        },
    )


def _worked_ticket(request: HttpRequest, pk: int) -> MaintenanceTicket:
    """A ticket the user may see (else 404) and work on (else 403)."""
    ticket = get_object_or_404(equipment.ticket_detail_queryset(user=request.user), pk=pk)
    if not permissions.can_work_tickets(request.user, ticket.organization):
        raise PermissionDenied
    return ticket


@staff_required
@require_POST
def ticket_assign(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _worked_ticket(request, pk)
    return run_action(
        request,
        forms.TicketAssignForm(request.POST, assignees=equipment.techsvc_staff(organization=ticket.organization)),
        lambda data: equipment.ticket_assign(ticket_id=pk, actor=request.user, assignee_id=data["assignee"].pk),
        success=_("Ticket assigned."),
        redirect_to=("office:ticket_detail", pk),
        invalid_message=_("Choose a member of technical services."),
    )


@staff_required
@require_POST
def ticket_close(request: HttpRequest, pk: int) -> HttpResponse:
    _worked_ticket(request, pk)
    return run_action(
        request,
        forms.TicketCloseForm(request.POST),
        lambda data: equipment.ticket_close(ticket_id=pk, actor=request.user, resolution=data["resolution"]),
        success=_("Ticket closed."),
        redirect_to=("office:ticket_detail", pk),
        invalid_message=_("Say what was done before closing the ticket."),
    )
