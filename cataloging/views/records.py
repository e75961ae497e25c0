"""One record: its page (staff and public), the office's own records, creating, editing, versions."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cataloging import actions, forms, marc, permissions, selectors
from cataloging.models import BibRecord, Holding
from cataloging.views.common import PAGE_SIZE, _record_or_404
from office.access import office_of, staff_required
from office.views_support import run_action


def _record_context(request: HttpRequest, record: BibRecord) -> dict[str, Any]:
    current = selectors.record_marc(record)
    own = office_of(request.user)
    return {
        "record": record,
        "marc_fields": marc.readable_fields(current) if current else [],
        "links": marc.electronic_links(current) if current else [],
        "notes": [f.format_field() for f in current.get_fields("500", "504", "505", "520")] if current else [],
        "holdings": list(record.holdings.all()),
        "own_office_id": own.pk if own else None,
    }


@require_GET
def public_record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record_or_404(request, pk, shared_only=True)
    context = _record_context(request, record)
    context["public"] = True
    return render(request, "cataloging/record_detail.html", context)


@staff_required
@require_GET
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record_or_404(request, pk)
    user = request.user
    context = _record_context(request, record)
    own = context["own_office_id"]
    context.update(
        {
            "can_edit": permissions.can_edit(user, record),
            "can_submit": permissions.can_submit(user, record) and record.can_move_to(BibRecord.Status.SUBMITTED),
            "can_review": permissions.can_review(user, record)
            and record.status in {BibRecord.Status.SUBMITTED, BibRecord.Status.IN_REVIEW},
            "can_copy": permissions.can_copy(user, record)
            and all(h.organization_id != own for h in context["holdings"]),
            "is_own": record.organization_id == own,
        }
    )
    return render(request, "cataloging/record_detail.html", context)


@staff_required
@require_GET
def my_catalog(request: HttpRequest) -> HttpResponse:
    office = office_of(request.user)
    assert office is not None
    status = request.GET.get("status", "")
    qs = BibRecord.objects.visible_to(request.user).owned_by(office.pk).select_related("organization")
    counts = dict(qs.order_by().values_list("status").annotate(n=Count("pk")))
    if status in BibRecord.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs.order_by("-updated_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    held = Holding.objects.filter(organization=office).exclude(record__organization=office).count()
    return render(
        request,
        "cataloging/record_mine.html",
        {
            "page_obj": page,
            "records": page.object_list,
            "status": status,
            "statuses": [(value, label, counts.get(value, 0)) for value, label in BibRecord.Status.choices],
            "copied_count": held,
            "office": office,
        },
    )


# --- creating and editing -----------------------------------------------------------------------------


@staff_required
def record_create(request: HttpRequest) -> HttpResponse:
    office = office_of(request.user)
    assert office is not None
    form = forms.MarcRecordForm(request.POST or None, initial={"marc_text": forms.NEW_RECORD_TEMPLATE})
    context = {"form": form, "record": None}
    if request.method != "POST":
        return render(request, "cataloging/record_form.html", context)
    return run_action(
        request,
        form,
        lambda data: actions.record_create(
            organization=office, actor=request.user, marc_record=form.record, note=data["note"]
        ),
        success=_("The record was saved as a draft."),
        redirect_to=lambda record: ("cataloging:record_detail", record.pk),
        template="cataloging/record_form.html",
        template_context=context,
        error_field="marc_text",
    )


@staff_required
def record_edit(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record_or_404(request, pk)
    if not permissions.can_edit(request.user, record):
        raise PermissionDenied
    current = selectors.record_marc(record)
    form = forms.MarcRecordForm(
        request.POST or None, initial={"marc_text": marc.record_to_text(current) if current else ""}
    )
    context = {"form": form, "record": record}
    if request.method != "POST":
        return render(request, "cataloging/record_form.html", context)
    return run_action(
        request,
        form,
        lambda data: actions.record_update(
            record_id=record.pk, actor=request.user, marc_record=form.record, note=data["note"]
        ),
        success=_("Saved as a new version."),
        redirect_to=("cataloging:record_detail", record.pk),
        template="cataloging/record_form.html",
        template_context=context,
    )


@staff_required
@require_GET
def record_versions(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record_or_404(request, pk)
    versions = list(record.versions.select_related("created_by").order_by("-number"))
    latest = versions[0].number if versions else 0
    form = forms.CompareForm(request.GET or {"a": max(latest - 1, 1), "b": latest})
    rows: list[marc.DiffRow] = []
    old = new = None
    if form.is_valid():
        by_number = {v.number: v for v in versions}
        old, new = by_number.get(form.cleaned_data["a"]), by_number.get(form.cleaned_data["b"])
        if old and new:
            rows = marc.field_diff(marc.record_from_storage(old.marc), marc.record_from_storage(new.marc))
    return render(
        request,
        "cataloging/record_versions.html",
        {"record": record, "versions": versions, "form": form, "rows": rows, "old": old, "new": new},
    )
