"""The contribution workflow: submitting a record, the review queue and the reviewer's decisions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cataloging import actions, forms, marc, permissions, selectors
from cataloging.models import BibRecord
from cataloging.views.common import PAGE_SIZE, _back, _record_or_404
from office.access import staff_required
from office.views_support import run_action


@staff_required
@require_POST
def record_submit(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record_or_404(request, pk)
    return run_action(
        request,
        None,
        lambda data: actions.record_submit(record_id=record.pk, actor=request.user),
        success=_("Submitted to the union catalog for review."),
        redirect_to=_back(request, reverse("cataloging:record_detail", kwargs={"pk": record.pk})),
    )


def _reviewer_record(request: HttpRequest, pk: int) -> BibRecord:
    if not permissions.can_review(request.user):
        raise PermissionDenied
    return _record_or_404(request, pk)


@staff_required
@require_POST
def record_review_start(request: HttpRequest, pk: int) -> HttpResponse:
    record = _reviewer_record(request, pk)
    return run_action(
        request,
        None,
        lambda data: actions.record_review_start(record_id=record.pk, actor=request.user),
        success=_("You are reviewing this record."),
        redirect_to=_back(request, reverse("cataloging:review_detail", kwargs={"pk": record.pk})),
    )


def _decision(request: HttpRequest, pk: int, action: Callable[..., Any], success: str) -> HttpResponse:
    record = _reviewer_record(request, pk)
    return run_action(
        request,
        forms.DecisionForm(request.POST),
        lambda data: action(record_id=record.pk, actor=request.user, note=data["note"]),
        success=success,
        redirect_to=_back(request, reverse("cataloging:review_detail", kwargs={"pk": record.pk})),
    )


@staff_required
@require_POST
def record_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _decision(request, pk, actions.record_approve, _("Approved: the record is now shared with every office."))


@staff_required
@require_POST
def record_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _decision(request, pk, actions.record_reject, _("Rejected."))


@staff_required
@require_POST
def record_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _decision(request, pk, actions.record_return, _("Returned to the contributing office for changes."))


@staff_required
def review_queue(request: HttpRequest) -> HttpResponse:
    if not permissions.can_review(request.user):
        raise PermissionDenied
    page = Paginator(selectors.review_queue(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cataloging/review_queue.html", {"page_obj": page, "records": page.object_list})


@staff_required
@require_GET
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = _reviewer_record(request, pk)
    current = selectors.record_marc(record)
    duplicates = selectors.likely_duplicates(user=request.user, record=record)
    chosen = next((d for d in duplicates if str(d.pk) == request.GET.get("dup")), duplicates[0] if duplicates else None)
    previous = selectors.record_marc(record, record.version - 1) if record.version > 1 else None
    return render(
        request,
        "cataloging/review_detail.html",
        {
            "record": record,
            "checks": marc.record_checks(current) if current else [],
            "marc_fields": marc.readable_fields(current) if current else [],
            "duplicates": duplicates,
            "duplicate": chosen,
            "duplicate_rows": marc.field_diff(selectors.record_marc(chosen), current) if chosen else [],
            "change_rows": marc.field_diff(previous, current) if previous else [],
            "can_decide": permissions.can_review(request.user, record),
            "form": forms.DecisionForm(),
        },
    )
