"""Views of the union catalog: thin, parse → call an action or selector → render.

Staff pages use `staff_required` (anonymous → login, clients → 403); a record the user may
not see is a 404 because every look-up starts from `visible_to(user)`. The public catalog
(`public_*`) shows shared records only and needs no login.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, F
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST, require_safe

from cataloging import actions, classification, forms, marc, oai, permissions, search, selectors, sru
from cataloging.models import BibRecord, FeeSchedule, Holding, ImportJob, RecordVersion, Statement
from cataloging.public_cache import cached_for_anonymous
from office.access import office_of, staff_required
from office.exceptions import DomainError
from office.exports import csv_response
from office.middleware import handles_nul_itself
from office.views_support import run_action

PAGE_SIZE = 20


def _back(request: HttpRequest, default: str) -> str:
    """Where to go after a POST: a same-site `next`, else `default`."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def _record_or_404(request: HttpRequest, pk: int, *, shared_only: bool = False) -> BibRecord:
    try:
        return selectors.record_get(user=request.user, pk=pk, shared_only=shared_only)
    except BibRecord.DoesNotExist:
        raise Http404 from None


# --- search ----------------------------------------------------------------------------------------


def _sort_choices(params: search.SearchParams) -> list[tuple[str, str]]:
    labels = {
        "relevance": _("Relevance"),
        "title": _("Title"),
        "newest": _("Newest first"),
        "oldest": _("Oldest first"),
    }
    return [(sort, labels[sort]) for sort in search.SORTS if sort != "relevance" or params.q]


def _search_context(request: HttpRequest, qs: Any) -> dict[str, Any]:
    params = search.SearchParams.from_query(request.GET)
    results = search.apply(qs, params)
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    found = page.paginator.count
    return {
        "params": params,
        "page_obj": page,
        "records": page.object_list,
        "truncated": search.is_truncated(results),
        "ranked_all": search.rum_available(),
        "window": search.RANK_WINDOW,
        "facets": search.facets(results) if not params.is_empty or request.GET else search.facets(qs),
        "formats": BibRecord.Format.choices,
        "sorts": _sort_choices(params),
        # The sort form sends the search again: every parameter but the sort and the page.
        "kept": [(name, value) for name, value in vars(params).items() if value and name != "sort"],
        "suggestion": search.suggestion(qs, params, found) if params.q else "",
    }


@staff_required
@require_GET
def record_search(request: HttpRequest) -> HttpResponse:
    context = _search_context(request, selectors.record_list(user=request.user))
    return render(request, "cataloging/record_search.html", context)


@require_GET
@cached_for_anonymous
def public_search(request: HttpRequest) -> HttpResponse:
    context = _search_context(request, selectors.record_list(user=None, shared_only=True))
    context["public"] = True
    return render(request, "cataloging/record_search.html", context)


# --- classification browse -----------------------------------------------------------------------


def _browse_context(request: HttpRequest, qs: Any) -> dict[str, Any]:
    """The overview of both schemes with counts, or one class (`?clc=G25`, `?dewey=3`): its
    subdivisions as found in the records, and its records in shelf order, paged."""
    context: dict[str, Any] = {"scheme": None, "error": ""}
    scheme = "clc" if "clc" in request.GET else "dewey" if "dewey" in request.GET else None
    raw = request.GET.get(scheme, "") if scheme else ""
    key = ""
    main: classification.MainClass | None = None
    if scheme == "clc":
        key = classification.clc_key(raw)
        main = classification.clc_main(key)
    elif scheme == "dewey":
        key = classification.dewey_key(raw)
        main = classification.dewey_main(key)
    if scheme and (not key or main is None):
        context["error"] = (
            _("“%(value)s” is not a class of the Chinese Library Classification.")
            if scheme == "clc"
            else _("“%(value)s” is not a Dewey class (one to three digits).")
        ) % {"value": raw[:40]}
        scheme = None
    if scheme is None:
        clc_counts = selectors.class_counts(qs, "clc")
        dewey_counts = selectors.class_counts(qs, "dewey")
        context["clc_classes"] = [(c, clc_counts.get(c.code, 0)) for c in classification.CLC_CLASSES]
        context["dewey_classes"] = [(c, dewey_counts.get(c.code, 0)) for c in classification.DEWEY_CLASSES]
        return context
    display = classification.clc_display if scheme == "clc" else classification.dewey_display
    page = Paginator(selectors.class_records(qs, scheme, key), PAGE_SIZE).get_page(request.GET.get("page"))
    context.update(
        {
            "scheme": scheme,
            "key": key,
            "display": display(key),
            "main": main,
            "trail": [(key[:n], display(key[:n])) for n in range(1, len(key))],
            "subdivisions": selectors.class_subdivisions(qs, scheme, key),
            "page_obj": page,
            "records": page.object_list,
        }
    )
    return context


@staff_required
@require_GET
def classification_browse(request: HttpRequest) -> HttpResponse:
    context = _browse_context(request, selectors.record_list(user=request.user))
    return render(request, "cataloging/classification_browse.html", context)


@require_GET
def public_classification_browse(request: HttpRequest) -> HttpResponse:
    context = _browse_context(request, selectors.record_list(user=None, shared_only=True))
    context["public"] = True
    return render(request, "cataloging/classification_browse.html", context)


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


# --- workflow -------------------------------------------------------------------------------------------


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


# --- copy cataloging and holdings ---------------------------------------------------------------------


@staff_required
def record_copy(request: HttpRequest, pk: int) -> HttpResponse:
    """Copy cataloging (a shared record of another office: a holding, and the copy fee), or the
    contributing office recording its own copies of its record (free)."""
    record = _record_or_404(request, pk)
    if not permissions.can_copy(request.user, record):
        raise PermissionDenied
    own = record.organization_id == getattr(office_of(request.user), "pk", None)
    form = forms.HoldingForm(request.POST or None, initial={"call_number": record.clc, "copies": 1, "lendable": True})
    context = {"record": record, "form": form, "own": own}
    if request.method != "POST":
        schedule = None if own else actions.fee_schedule_current()
        return render(request, "cataloging/record_copy.html", {**context, "schedule": schedule})
    return run_action(
        request,
        form,
        lambda data: actions.record_copy(record_id=record.pk, actor=request.user, **data),
        success=_("Your holding was added.") if own else _("Copied into your catalog; a holding was added."),
        redirect_to=("cataloging:record_detail", record.pk),
        template="cataloging/record_copy.html",
        template_context=lambda: {**context, "schedule": None if own else actions.fee_schedule_current()},
    )


@staff_required
def holding_edit(request: HttpRequest, pk: int) -> HttpResponse:
    holding = get_object_or_404(
        Holding.objects.visible_to(request.user).select_related("record", "organization"), pk=pk
    )
    if not permissions.can_edit_holding(request.user, holding):
        raise Http404  # another office's holding: its local data is none of our business
    form = forms.HoldingEditForm(
        request.POST or None,
        initial={f: getattr(holding, f) for f in ("call_number", "location", "copies", "lendable", "note")},
    )
    context = {"holding": holding, "form": form}
    if request.method != "POST":
        return render(request, "cataloging/holding_form.html", context)
    return run_action(
        request,
        form,
        lambda data: actions.holding_update(holding_id=holding.pk, actor=request.user, **data),
        success=_("Holding saved."),
        redirect_to=("cataloging:record_detail", holding.record_id),
        template="cataloging/holding_form.html",
        template_context=context,
    )


# --- import and export -------------------------------------------------------------------------------


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


# --- fees and statements ---------------------------------------------------------------------------


@staff_required
@require_GET
def fee_ledger(request: HttpRequest) -> HttpResponse:
    entries = selectors.ledger_for(user=request.user)
    unbilled = entries.filter(statement__isnull=True)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    previous = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    return render(
        request,
        "cataloging/fee_ledger.html",
        {
            "page_obj": page,
            "entries": page.object_list,
            "unbilled_minor": sum(unbilled.values_list("amount_minor", flat=True)),
            "statements": Statement.objects.visible_to(request.user)[:24],
            "can_close": permissions.can_close_statement(request.user),
            "close_form": forms.StatementCloseForm(initial={"month": previous.strftime("%Y-%m")}),
            "schedule": FeeSchedule.objects.filter(valid_from__lte=timezone.localdate()).first(),
        },
    )


@staff_required
@require_POST
def statement_close(request: HttpRequest) -> HttpResponse:
    if not permissions.can_close_statement(request.user):
        raise PermissionDenied
    return run_action(
        request,
        forms.StatementCloseForm(request.POST),
        lambda data: actions.statement_close(actor=request.user, year=data["month"][0], month=data["month"][1]),
        success=_("Statement issued."),
        redirect_to=lambda statement: ("cataloging:statement_detail", statement.pk),
        failure_redirect_to="cataloging:fee_ledger",
    )


def _statement_or_404(request: HttpRequest, pk: int) -> Statement:
    return get_object_or_404(Statement.objects.visible_to(request.user).select_related("organization"), pk=pk)


@staff_required
@require_GET
def statement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from payments.permissions import can_view_payment

    statement = _statement_or_404(request, pk)
    entries = statement.entries.select_related("record").order_by("created_at", "pk")
    payment = selectors.statement_payment(statement)
    return render(
        request,
        "cataloging/statement_detail.html",
        {
            "statement": statement,
            "entries": entries,
            "payment": payment,
            "can_view_payment": payment is not None and can_view_payment(request.user, payment),
            "can_pay": permissions.can_pay_statement(request.user, statement)
            and (payment is None or not payment.is_paid),
        },
    )


@staff_required
@require_POST
def statement_pay(request: HttpRequest, pk: int) -> HttpResponse:
    """Create or reuse the statement's payment and send the payer to its checkout page."""
    from payments.permissions import can_pay

    statement = _statement_or_404(request, pk)
    if not permissions.can_pay_statements(request.user):
        raise PermissionDenied
    back = _back(request, reverse("cataloging:statement_detail", kwargs={"pk": statement.pk}))
    try:
        payment = actions.statement_pay(statement_id=statement.pk, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    if can_pay(request.user, payment):
        return redirect("payments:payment_checkout", pk=payment.pk)
    if payment.is_paid or payment.status == payment.Status.PROCESSING:
        messages.info(request, _("This statement has been paid or the payment is being processed."))
    else:
        # One live payment per statement: whoever started it finishes or cancels it.
        messages.warning(
            request,
            _("%(name)s has started paying this statement; they can finish or cancel that payment.")
            % {"name": payment.payer_name},
        )
    return redirect(back)


@staff_required
@require_GET
def statement_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from cataloging.pdf import statement_pdf as render_pdf

    statement = _statement_or_404(request, pk)
    entries = list(statement.entries.select_related("record").order_by("created_at", "pk"))
    response = HttpResponse(render_pdf(statement, entries), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="cataloging-statement-{statement.organization.code}-{statement.period_start:%Y-%m}.pdf"'
    )
    return response


# --- interoperability: SRU and OAI-PMH (public, shared records only) ---------------------------

XML_CONTENT_TYPE = "text/xml; charset=utf-8"


@handles_nul_itself  # a NUL is a diagnostic (sru.respond), not the HTML 400 page
@require_safe
def sru_endpoint(request: HttpRequest) -> HttpResponse:
    """SRU 1.2 explain and searchRetrieve; protocol errors are diagnostics in a 200 answer."""
    params = {name: request.GET.get(name, "") for name in request.GET}
    body = sru.respond(params, base_url=request.path, host=request.get_host())
    return HttpResponse(body, content_type=XML_CONTENT_TYPE)


@handles_nul_itself  # a NUL is badArgument (oai.Repository), not the HTML 400 page
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def oai_endpoint(request: HttpRequest) -> HttpResponse:
    """OAI-PMH 2.0; protocol errors are `<error code=…>` elements in a 200 answer.

    The protocol (§3.1.1) allows GET, or POST with the arguments in an
    application/x-www-form-urlencoded body (harvesters use it for long resumption tokens);
    a POST's query string is ignored, and a body of another type carries no arguments (badVerb).
    csrf_exempt: harvesters have no session and no CSRF cookie, and the endpoint is public and
    read-only (shared records only, nothing changes), so there is no request to forge."""
    arguments = request.POST if request.method == "POST" else request.GET
    repository = oai.Repository(base_url=request.build_absolute_uri(request.path), host=request.get_host())
    return HttpResponse(repository.respond(dict(arguments.lists())), content_type=XML_CONTENT_TYPE)
