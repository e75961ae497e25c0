"""Fees and statements: the fee ledger, closing a month, a statement's page, PDF and payment."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cataloging import actions, forms, permissions, selectors
from cataloging.models import FeeSchedule, Statement
from cataloging.views.common import _back
from office.access import staff_required
from office.exceptions import DomainError
from office.views_support import run_action


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
