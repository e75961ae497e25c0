"""Pages about the network and money: the directory of offices and partners, an office's
lending policy, pull slips (PDF), netted statements (list, page, PDF, pay) and statistics."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cataloging.models import Holding
from office.access import is_home_staff
from office.views_support import run_action
from payments.permissions import can_view_payment
from sharing import actions, forms, permissions, selectors
from sharing.actions.policy import POLICY_FIELDS
from sharing.models import Settlement, SharingRequest
from sharing.pdf import pull_slips_pdf, settlement_pdf
from sharing.views import PAGE_SIZE, agency_required, back


@login_required
@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    agency = agency_required(request)
    managing = permissions.can_manage_directory(request.user)
    context = {
        "agency": agency,
        **selectors.directory(managing=managing),
        "can_edit": permissions.can_manage_policy(request.user),
        "can_manage": managing,
    }
    return render(request, "sharing/directory.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def policy_edit(request: HttpRequest) -> HttpResponse:
    agency = agency_required(request)
    if not permissions.can_manage_policy(request.user):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    if request.method == "GET":
        initial = {name: getattr(agency, name) for name in POLICY_FIELDS}
        initial["preference_list"] = ", ".join(agency.preference_list or [])
        form = forms.PolicyForm(initial=initial, currency=agency.currency)
        return render(request, "sharing/policy_form.html", {"form": form, "agency": agency})
    form = forms.PolicyForm(request.POST, currency=agency.currency)
    return run_action(
        request,
        form,
        lambda data: actions.agency_policy_update(actor=request.user, **data),
        success=_("The lending policy was saved."),
        redirect_to="sharing:directory",
        template="sharing/policy_form.html",
        template_context={"agency": agency},
    )


@login_required
@require_GET
def pull_slips(request: HttpRequest) -> HttpResponse:
    """The lender's slips for everything it has to supply (or the requests named in ?id=)."""
    agency = agency_required(request)
    qs = SharingRequest.objects.filter(lender=agency, status__in=SharingRequest.TO_SUPPLY).select_related("borrower")
    ids = [int(v) for v in request.GET.getlist("id") if v.isdigit()]
    if ids:
        qs = qs.filter(pk__in=ids)
    items = list(qs.order_by("-urgent", "deadline", "pk")[:200])
    holdings = {
        h.record_id: h
        for h in Holding.objects.filter(
            organization_id=agency.organization_id, record_id__in=[r.record_id for r in items]
        )
    }
    for item in items:
        item.slip_holding = holdings.get(item.record_id)
    response = HttpResponse(pull_slips_pdf(items), content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="pull-slips.pdf"'
    return response


@login_required
@require_GET
def settlement_list(request: HttpRequest) -> HttpResponse:
    agency = agency_required(request)
    page = Paginator(selectors.settlements_for(agency), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "sharing/settlement_list.html",
        {"agency": agency, "page": page, "balances": selectors.balances(agency)},
    )


def _settlement(request: HttpRequest, pk: int) -> Settlement:
    agency_required(request)
    statement = selectors.settlement_for(request.user, pk)
    if statement is None:
        raise Http404
    return statement


@login_required
@require_GET
def settlement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    statement = _settlement(request, pk)
    payment = statement.payment
    context: dict[str, Any] = {
        "statement": statement,
        "charges": statement.charges.select_related("request", "debtor", "creditor").order_by("created_at", "pk"),
        "can_pay": permissions.can_pay_settlement(request.user, statement),
        "payment": payment,
        "can_view_payment": payment is not None and can_view_payment(request.user, payment),
    }
    return render(request, "sharing/settlement_detail.html", context)


@login_required
@require_GET
def settlement_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    statement = _settlement(request, pk)
    charges = list(statement.charges.select_related("request", "debtor", "creditor").order_by("created_at", "pk"))
    response = HttpResponse(settlement_pdf(statement, charges), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="sharing-statement-{statement.period_start:%Y-%m}.pdf"'
    return response


@login_required
@require_POST
def settlement_pay(request: HttpRequest, pk: int) -> HttpResponse:
    statement = _settlement(request, pk)
    return run_action(
        request,
        None,
        lambda data: actions.settlement_pay(settlement_id=statement.pk, actor=request.user),
        success=None,
        redirect_to=lambda payment: ("payments:payment_checkout", payment.pk),
        failure_redirect_to=back(request, reverse("sharing:settlement_detail", kwargs={"pk": statement.pk})),
    )


@login_required
@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    agency = agency_required(request)
    stats = selectors.statistics(agency)
    texts = {
        "fill": _("Fill rate (%)"),
        "to_ship": _("Request → shipped (days)"),
        "to_receive": _("Request → received (days)"),
        "lent": _("Earned lending"),
        "borrowed": _("Owed borrowing"),
        "net": _("Balance"),
    }
    context = {
        "agency": agency,
        "stats": stats,
        "chart": {**{k: v for k, v in stats.items() if k != "totals"}, "texts": texts},
        # The hub (home office) sees every office's balance; a member office only its own.
        "offices": [
            row for row in selectors.office_balances() if is_home_staff(request.user) or row["agency"].pk == agency.pk
        ],
    }
    return render(request, "sharing/statistics.html", context)
