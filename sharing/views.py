"""Pages of resource sharing: the borrowing and lending desks, a request's page with its
timeline and actions, new requests (staff and clients), downloads through expiring links.
Statements, statistics, the directory and PDFs are in views_money.py. Thin: parse, call an
action through run_action, render; every page starts from what the user may see."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cataloging.models import BibRecord
from office.exceptions import DomainError
from office.listing import sorted_by
from office.views_support import run_action
from sharing import actions, forms, permissions, selectors
from sharing.models import Agency, SharingRequest
from sharing.timeline import timeline

PAGE_SIZE = 25
# The columns the desks and a client's list sort by (office/listing.py); a desk's default is
# its working order: urgent first, then the nearest deadline, then the newest.
DESK_SORTS = {
    "priority": ("-urgent", "deadline", "-created_at"),
    "number": "number",
    "title": "title",
    "service": "service_type",
    "status": "status",
    "deadline": ("deadline", "due_date"),
}
CLIENT_REQUEST_SORTS = {
    "created": "created_at",
    "number": "number",
    "title": "title",
    "fee": "client_fee_minor",
    "status": "status",
}


def agency_required(request: HttpRequest) -> Agency:
    """Staff of a member office that takes part in resource sharing; anybody else 403."""
    agency = permissions.agency_of(request.user)
    if agency is None:
        raise PermissionDenied
    return agency


def back(request: HttpRequest, default: str) -> str:
    """Where to go after a POST: a same-site `next` (a desk), else `default`."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def _desk(request: HttpRequest, side: str, template: str) -> HttpResponse:
    agency = agency_required(request)
    queue = request.GET.get("queue", "")
    term = request.GET.get("q", "")[:100]
    queues, qs = selectors.desk(agency, side, queue, term)
    partner = "borrower__agency_id" if side == "lending" else "lender__agency_id"
    qs, sort = sorted_by(request, qs, {**DESK_SORTS, "partner": partner}, "priority")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"agency": agency, "queues": queues, "queue": queue or queues[0]["key"], "q": term, "page": page}
    context["sort"] = sort
    return render(request, template, context)


@login_required
@require_GET
def borrowing_desk(request: HttpRequest) -> HttpResponse:
    return _desk(request, "borrowing", "sharing/borrowing_desk.html")


@login_required
@require_GET
def lending_desk(request: HttpRequest) -> HttpResponse:
    return _desk(request, "lending", "sharing/lending_desk.html")


def _request(request: HttpRequest, pk: int) -> SharingRequest:
    found = selectors.request_for(request.user, pk)
    if found is None:
        raise Http404
    return found


@login_required
@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = _request(request, pk)
    can = selectors.request_actions(request.user, item)
    context: dict[str, Any] = {
        "item": item,
        "can": can,
        "links": selectors.links_for(request.user, item),
        "reasons": SharingRequest.Reason.choices,
    }
    if can["is_borrower"] or can["is_lender"]:
        context["timeline"] = timeline(item)
        context["files"] = list(item.files.all())
    if can["is_borrower"]:
        context["rota"] = list(item.rota.select_related("agency"))
    return render(request, "sharing/request_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    """A staff member's request, from a catalog record (?record=) or a citation."""
    agency_required(request)
    record = _shared_record(request.GET.get("record") or request.POST.get("record"))
    if request.method == "GET":
        initial = {"record": record.pk if record else None, "service_type": "loan"}
        form = forms.RequestForm(initial=initial)
        return render(request, "sharing/request_form.html", {"form": form, "record": record})
    form = forms.RequestForm(request.POST)

    def create(data: dict[str, Any]) -> SharingRequest:
        data.pop("record", None)
        return actions.request_create(actor=request.user, record_id=record.pk if record else None, **data)

    return run_action(
        request,
        form,
        create,
        success=lambda r: _("Request %(number)s was created.") % {"number": r.number},
        redirect_to=lambda r: ("sharing:request_detail", r.pk),
        template="sharing/request_form.html",
        template_context={"record": record},
    )


def _shared_record(value: str | None) -> BibRecord | None:
    if not value:
        return None
    try:
        record = BibRecord.objects.shared().filter(pk=int(value)).first()
    except (TypeError, ValueError):
        record = None
    if record is None:
        raise Http404
    return record


@login_required
@require_http_methods(["GET", "POST"])
def client_request_new(request: HttpRequest) -> HttpResponse:
    """A remote client's document-delivery request through the home office."""
    if not permissions.can_request_as_client(request.user):
        raise PermissionDenied
    if request.method == "GET":
        return render(request, "sharing/client_request_form.html", {"form": forms.ClientRequestForm()})
    form = forms.ClientRequestForm(request.POST)
    return run_action(
        request,
        form,
        lambda data: actions.client_request_create(actor=request.user, **data),
        success=lambda r: _("Request %(number)s was created.") % {"number": r.number},
        redirect_to=lambda r: ("sharing:request_detail", r.pk),
        template="sharing/client_request_form.html",
    )


@login_required
@require_GET
def client_request_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_request_as_client(request.user):
        raise PermissionDenied
    qs, sort = sorted_by(request, selectors.client_requests(request.user), CLIENT_REQUEST_SORTS, "-created")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "sharing/client_request_list.html", {"page": page, "sort": sort})


Verb = tuple[type | None, Callable[[SharingRequest, Any, dict[str, Any]], Any], Any]

VERBS: dict[str, Verb] = {
    "declare": (
        None,
        lambda r, u, d: actions.request_declare_copyright(request_id=r.pk, actor=u),
        gettext_lazy("Declaration recorded."),
    ),
    "cancel": (
        forms.NoteForm,
        lambda r, u, d: actions.request_cancel(request_id=r.pk, actor=u, note=d["note"]),
        gettext_lazy("Done."),
    ),
    "accept": (
        None,
        lambda r, u, d: actions.request_accept_condition(request_id=r.pk, actor=u),
        gettext_lazy("Condition accepted."),
    ),
    "reject": (
        forms.NoteForm,
        lambda r, u, d: actions.request_reject_condition(request_id=r.pk, actor=u, note=d["note"]),
        gettext_lazy("Condition declined."),
    ),
    "received": (
        None,
        lambda r, u, d: actions.request_mark_received(request_id=r.pk, actor=u),
        gettext_lazy("Marked received."),
    ),
    "renew": (
        None,
        lambda r, u, d: actions.request_ask_renewal(request_id=r.pk, actor=u),
        gettext_lazy("Renewal asked."),
    ),
    "return": (
        forms.TrackingForm,
        lambda r, u, d: actions.request_return(request_id=r.pk, actor=u, tracking_number=d["tracking_number"]),
        gettext_lazy("Marked sent back."),
    ),
    "expect": (
        forms.NoteForm,
        lambda r, u, d: actions.request_expect_to_supply(request_id=r.pk, actor=u, note=d["note"]),
        gettext_lazy("Answer sent."),
    ),
    "will_supply": (
        forms.NoteForm,
        lambda r, u, d: actions.request_will_supply(request_id=r.pk, actor=u, note=d["note"]),
        gettext_lazy("Answer sent."),
    ),
    "condition": (
        forms.ConditionForm,
        lambda r, u, d: actions.request_propose_condition(
            request_id=r.pk, actor=u, fee_minor=d["fee"], currency=d["currency"], note=d["note"]
        ),
        gettext_lazy("Condition proposed."),
    ),
    "unfilled": (
        forms.UnfilledForm,
        lambda r, u, d: actions.request_unfilled(request_id=r.pk, actor=u, reason=d["reason"], note=d["note"]),
        gettext_lazy("Answer sent."),
    ),
    "ship": (
        forms.ShipForm,
        lambda r, u, d: actions.request_ship(
            request_id=r.pk, actor=u, tracking_number=d["tracking_number"], due_date=d["due_date"]
        ),
        gettext_lazy("Marked shipped."),
    ),
    "deliver": (
        forms.DeliverForm,
        lambda r, u, d: actions.request_deliver(request_id=r.pk, actor=u, upload=d["file"]),
        gettext_lazy("Copy delivered."),
    ),
    "recall": (
        forms.NoteForm,
        lambda r, u, d: actions.request_recall(request_id=r.pk, actor=u, note=d["note"]),
        gettext_lazy("Loan recalled."),
    ),
    "check_in": (None, lambda r, u, d: actions.request_check_in(request_id=r.pk, actor=u), gettext_lazy("Checked in.")),
    "answer_cancel": (
        forms.AnswerForm,
        lambda r, u, d: actions.request_answer_cancel(request_id=r.pk, actor=u, approve=d["approve"]),
        gettext_lazy("Answer sent."),
    ),
    "answer_renewal": (
        forms.AnswerForm,
        lambda r, u, d: actions.request_answer_renewal(
            request_id=r.pk, actor=u, approve=d["approve"], due_date=d["due_date"]
        ),
        gettext_lazy("Answer sent."),
    ),
}


@login_required
@require_POST
def request_act(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    """One transition of a request (`verb`, see VERBS). From a desk row (htmx, `row=1`) the
    row comes back; otherwise the request's page."""
    item = _request(request, pk)
    if verb not in VERBS:
        raise Http404
    form_class, call, message = VERBS[verb]
    form = None
    if form_class is forms.ConditionForm:
        form = form_class(request.POST, currency=(item.lender.currency if item.lender else "CNY"))
    elif form_class is not None:
        form = form_class(request.POST, request.FILES)
    row = request.POST.get("row") == "1"
    return run_action(
        request,
        form,
        lambda data: call(item, request.user, data),
        success=str(message),
        redirect_to=back(request, reverse("sharing:request_detail", kwargs={"pk": item.pk})),
        fragment="sharing/_desk_row.html" if row else None,
        fragment_context=lambda result: {"r": result, "side": request.POST.get("side", "")},
    )


@login_required
@require_POST
def client_request_pay(request: HttpRequest, pk: int) -> HttpResponse:
    item = _request(request, pk)
    return run_action(
        request,
        None,
        lambda data: actions.client_request_pay(request_id=item.pk, actor=request.user),
        success=None,
        redirect_to=lambda payment: ("payments:payment_checkout", payment.pk),
        failure_redirect_to=back(request, reverse("sharing:request_detail", kwargs={"pk": item.pk})),
    )


@login_required
@require_GET
def download(request: HttpRequest, token: str) -> HttpResponse:
    """A delivered copy through its link: only the person it was made for, while it lasts."""
    try:
        stored = actions.link_use(token=token, user=request.user)
    except PermissionDenied:
        raise Http404 from None
    except DomainError as exc:
        return render(request, "sharing/download_refused.html", {"reason": str(exc)}, status=410)
    response = FileResponse(stored.file.open("rb"), as_attachment=True, filename=stored.original_name)
    response["Content-Type"] = "application/pdf"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
