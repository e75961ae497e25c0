"""Formal numbered reports of service orders (novelty search and similar): one per order,
numbered CX-<year>-<nnnn> from a locked yearly counter, written by staff working on the
order, signed off by the department's head or the leadership (not the author), rendered to
PDF (`services.reports`) and stored as a deliverable of kind "report"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from office import audit
from office.exceptions import DomainError, InvalidTransition
from services import permissions
from services.actions.common import _lock
from services.models import OrderFile, Report, ReportCounter, ServiceOrder
from services.reports import report_pdf

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Status = ServiceOrder.Status


def _next_report_number(year: int) -> str:
    counter, _created = ReportCounter.objects.get_or_create(year=year)
    counter = ReportCounter.objects.select_for_update().get(pk=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"CX-{year}-{counter.last_number:04d}"


@transaction.atomic
def report_issue(*, order_id: int, actor: User, reviewer_id: int, findings: str, conclusion: str) -> Report:
    """Issue the formal numbered report of an order (novelty search and similar): the author
    works on the order, the reviewer is the department's head (or leadership) and not the
    author. The PDF is rendered and stored as a deliverable of kind "report". One per order."""
    order = _lock(order_id)
    if not permissions.works_on(actor, order):
        raise PermissionDenied
    if not permissions.can_work(actor, order):
        raise InvalidTransition(order, Status.DELIVERED.label)
    if Report.objects.filter(order=order).exists():
        raise DomainError(_("This order has its report already."))
    reviewer = get_user_model().objects.filter(pk=reviewer_id, is_active=True).first()
    if reviewer is None or reviewer.pk == actor.pk or not permissions.leads(reviewer, order):
        raise DomainError(_("The reviewer must be the department's head or the leadership, not the author."))
    if not findings.strip() or not conclusion.strip():
        raise DomainError(_("Enter the findings and the conclusion."))
    report = Report.objects.create(
        order=order,
        number=_next_report_number(timezone.localdate().year),
        findings=findings.strip(),
        conclusion=conclusion.strip(),
        author=actor,
        reviewer=reviewer,
    )
    report.file = _store_pdf(order, report, actor)
    report.save(update_fields=["file", "updated_at"])
    audit.record(
        actor=actor,
        target=order,
        verb="services.report.issued",
        data={"number": report.number, "reviewer": reviewer.pk},
    )
    return report


def _store_pdf(order: ServiceOrder, report: Report, actor: User) -> OrderFile:
    """Render the report and store it as the order's file of kind "report"."""
    pdf = report_pdf(report)
    item = OrderFile(
        order=order,
        kind=OrderFile.Kind.REPORT,
        extension=".pdf",
        original_name=f"{report.number}.pdf",
        content_type="application/pdf",
        size=len(pdf),
        uploaded_by=actor,
    )
    item.file.save("report", ContentFile(pdf), save=False)
    item.save()
    return item
