"""MARC import (the upload, the job's progress and report) and the catalog export."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import F
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cataloging import actions, forms, marc
from cataloging.models import BibRecord, ImportJob, RecordVersion
from office.access import office_of, staff_required
from office.exports import csv_response
from office.views_support import run_action


@staff_required
def import_upload(request: HttpRequest) -> HttpResponse:
    form = forms.MarcUploadForm(request.POST or None, request.FILES or None)
    context = {"form": form, "jobs": ImportJob.objects.visible_to(request.user).select_related("created_by")[:10]}
    if request.method != "POST":
        return render(request, "cataloging/import_upload.html", context)
    return run_action(
        request,
        form,
        lambda data: actions.import_job_create(actor=request.user, upload=data["file"]),
        success=None,  # the job's page shows its progress
        redirect_to=lambda job: ("cataloging:import_job_detail", job.pk),
        template="cataloging/import_upload.html",
        template_context=context,
    )


def _job_or_404(request: HttpRequest, pk: int) -> ImportJob:
    return get_object_or_404(ImportJob.objects.visible_to(request.user), pk=pk)


@staff_required
@require_GET
def import_job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_or_404(request, pk)
    return render(request, "cataloging/importjob_detail.html", {"job": job, "rows": job.report[:500]})


@staff_required
@require_GET
def import_job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The htmx-polled progress fragment; it stops polling itself once the job is finished."""
    job = _job_or_404(request, pk)
    response = render(request, "cataloging/_importjob_progress.html", {"job": job})
    if job.is_finished and request.htmx:
        response["HX-Refresh"] = "true"  # show the full report
    return response


@staff_required
@require_GET
def import_job_report(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_or_404(request, pk)
    rows = (
        [row["number"], row["control_number"], row["outcome"], row["record_id"], row["message"]] for row in job.report
    )
    return csv_response(
        f"import-{job.pk}-report.csv", ["record", "control_number", "outcome", "record_id", "message"], rows
    )


@staff_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    """The office's catalog (own records and shared records it holds), or all shared records."""
    office = office_of(request.user)
    assert office is not None
    syntax = "marcxml" if request.GET.get("format") == "marcxml" else "iso2709"
    if request.GET.get("scope") == "shared":
        qs = BibRecord.objects.shared()
    else:
        qs = BibRecord.objects.visible_to(request.user).in_catalog_of(office.pk)
    raws = _current_marc(qs)
    chunks = marc.records_to_marcxml(raws) if syntax == "marcxml" else marc.records_to_iso2709(raws)
    extension = "xml" if syntax == "marcxml" else "mrc"
    response = StreamingHttpResponse(
        chunks, content_type="application/xml" if syntax == "marcxml" else "application/marc"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="catalog-{office.code}-{stamp}.{extension}"'
    return response


def _current_marc(qs: Any) -> Iterator[bytes]:
    """The current version of each record, streamed in chunks (never the whole catalog in memory)."""
    ids = qs.order_by().values("pk")
    versions = RecordVersion.objects.filter(record__in=ids, number=F("record__version")).order_by("record_id")
    for raw in versions.values_list("marc", flat=True).iterator(chunk_size=500):
        yield bytes(raw)
