"""A person's open work across the apps (read-only queries), and handing it to a successor
when the leadership office deactivates the account (office.actions_people.staff_deactivate). Writes
that no app action covers (a started order, a ticket or a review changing hands) live here.

Each group says whether it has an owner to hand over (`reassignable`); the rest is shown so
the leadership office knows what waits on the unit rather than on the person (approvals go
to the head's deputy or the director, a submitted record to the whole review team).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from office import access, audit
from office.exceptions import DomainError
from office.models import MaintenanceTicket, StaffProfile

TITLES = {
    "orders": gettext_lazy("Service orders assigned to them"),
    "tickets": gettext_lazy("Maintenance tickets assigned to them"),
    "training": gettext_lazy("Training sessions they give"),
    "reviews": gettext_lazy("Catalog records they are reviewing"),
    "approvals": gettext_lazy("Purchase requests waiting for their approval as head"),
    "submitted": gettext_lazy("Catalog records they submitted, waiting for review"),
}


def _orders(user: Any) -> Any:
    from services.models import ServiceOrder

    return ServiceOrder.objects.filter(assignee_id=user.pk, status__in=["assigned", "in_progress"])


def _tickets(user: Any) -> Any:
    return MaintenanceTicket.objects.filter(assignee_id=user.pk, status=MaintenanceTicket.Status.ASSIGNED)


def _training(user: Any) -> Any:
    from services.models import TrainingSession

    return TrainingSession.objects.filter(trainer_id=user.pk, starts_at__gte=timezone.now())


def _reviews(user: Any) -> Any:
    from cataloging.models import BibRecord

    return BibRecord.objects.filter(reviewed_by_id=user.pk, status=BibRecord.Status.IN_REVIEW)


def _approvals(user: Any) -> Any:
    from procurement.models import PurchaseRequest

    profile = StaffProfile.objects.filter(user_id=user.pk).select_related("position").first()
    if profile is None or profile.position.role != "head":
        return PurchaseRequest.objects.none()
    return PurchaseRequest.objects.filter(department_id=profile.department_id, status=PurchaseRequest.Status.SUBMITTED)


def _submitted(user: Any) -> Any:
    from cataloging.models import BibRecord

    return BibRecord.objects.filter(submitted_by_id=user.pk, status=BibRecord.Status.SUBMITTED)


SOURCES = [
    ("orders", _orders, True),
    ("tickets", _tickets, True),
    ("training", _training, True),
    ("reviews", _reviews, True),
    ("approvals", _approvals, False),
    ("submitted", _submitted, False),
]


def open_work(user: Any) -> list[dict[str, Any]]:
    """Every group of the person's open work, with its rows (at most 50 shown per group)."""
    groups = []
    for key, query, reassignable in SOURCES:
        rows = list(query(user)[:50])
        groups.append({"key": key, "title": TITLES[key], "rows": rows, "reassignable": reassignable})
    return groups


def reassign_open_work(*, actor: Any, user: Any, successor: Any) -> dict[str, int]:
    """Hand every owned piece of open work to `successor`, each app's rules kept; the caller
    holds the transaction. Refuses (DomainError, nothing changed) when one piece cannot go."""
    from cataloging import permissions as catalog_permissions
    from office.permissions import is_techsvc_staff
    from services.selectors import assignable_staff

    moved = {"orders": 0, "tickets": 0, "training": 0, "reviews": 0}
    for order in _orders(user).select_for_update():
        if not assignable_staff(order).filter(user_id=successor.pk).exists():
            raise DomainError(_("%(name)s cannot take order %(number)s: choose a member of its department.")
                              % {"name": successor.staff_profile, "number": order.number})  # fmt: skip
        _hand_over(actor, order, "services.order.reassigned", "assignee", user, successor)
        moved["orders"] += 1
    for ticket in _tickets(user).select_for_update():
        if not is_techsvc_staff(successor, ticket.organization):
            raise DomainError(_("%(name)s cannot take ticket #%(number)s: choose a member of technical services.")
                              % {"name": successor.staff_profile, "number": ticket.pk})  # fmt: skip
        _hand_over(actor, ticket, "office.ticket.reassigned", "assignee", user, successor)
        moved["tickets"] += 1
    for session in _training(user).select_for_update():
        _hand_over(actor, session, "services.training.trainer_changed", "trainer", user, successor)
        moved["training"] += 1
    for record in _reviews(user).select_for_update():
        access.forget(successor)
        if not catalog_permissions.can_review(successor, record):
            raise DomainError(_("%(name)s cannot review record %(number)s: choose a reviewer.")
                              % {"name": successor.staff_profile, "number": record.pk})  # fmt: skip
        _hand_over(actor, record, "cataloging.record.reviewer_changed", "reviewed_by", user, successor)
        moved["reviews"] += 1
    return moved


def _hand_over(actor: Any, row: Any, verb: str, field: str, user: Any, successor: Any) -> None:
    from office.actions import notify

    setattr(row, f"{field}_id", successor.pk)
    update = [field, "updated_at"] if hasattr(row, "updated_at") else [field]
    row.save(update_fields=update)
    data = {"from": user.pk, "to": successor.pk, "reason": "deactivated"}
    audit.record(actor=actor, target=row, verb=verb, data=data)
    notify(
        recipient_id=successor.pk,
        verb="office.staff.work_handed_over",
        title=gettext_noop("Work handed over to you: %(item)s"),
        params={"item": str(row)},
        url="",
    )
