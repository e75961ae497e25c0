"""Member contracts: issuing them at the final tier, the contract page and PDF, signing, paying."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from office.access import staff_profile, staff_required
from office.views_support import run_action
from procurement.consortia import actions, forms, permissions, selectors
from procurement.consortia.models import Contract
from procurement.consortia.views.common import consortium_page, inside_or_404


@login_required
@require_POST
def contracts_issue(request: HttpRequest, pk: int) -> HttpResponse:
    consortium = inside_or_404(request, pk)
    if not permissions.is_negotiator(request.user, consortium):
        raise PermissionDenied
    return run_action(
        request,
        None,
        lambda data: actions.contracts_issue(consortium_id=pk, actor=request.user),
        success=_("The tier was fixed from the commitments and a contract issued to each committed member."),
        redirect_to=consortium_page(pk),
    )


def _contract(request: HttpRequest, pk: int) -> Contract:
    return get_object_or_404(
        Contract.objects.visible_to(request.user).select_related(
            "consortium__vendor", "consortium__accepted_offer", "membership", "organization", "payment"
        ),
        pk=pk,
    )


@login_required
@require_GET
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract(request, pk)
    user = request.user
    return render(
        request,
        "procurement/consortium_contract.html",
        {
            "contract": contract,
            "consortium": contract.consortium,
            "offer": contract.consortium.accepted_offer,
            "payment": selectors.contract_payment(contract, user),
            "can_sign_member": permissions.can_sign_as_member(user, contract, contract.membership),
            "can_sign_provider": permissions.can_sign_as_provider(user, contract, contract.consortium),
            "can_pay": permissions.can_pay(user, contract, contract.membership),
            "form": forms.SignForm(initial={"sha256": contract.pdf_sha256}),
        },
    )


@login_required
@require_GET
def contract_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract(request, pk)
    response = HttpResponse(bytes(contract.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{contract.number}.pdf"'
    return response


@login_required
@require_POST
def contract_sign(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract(request, pk)
    as_provider = request.POST.get("side") == "provider"
    allowed = (
        permissions.is_provider_of(request.user, contract.consortium)
        or permissions.is_negotiator(request.user, contract.consortium)
        if as_provider
        else permissions.acts_for(request.user, contract.membership)
    )
    if not allowed:
        raise PermissionDenied
    return run_action(
        request,
        forms.SignForm(request.POST),
        lambda data: actions.contract_sign(
            contract_id=pk,
            actor=request.user,
            signed_name=data["signed_name"],
            seen_sha256=data["sha256"],
            as_provider=as_provider,
        ),
        success=_("Contract signed."),
        redirect_to=("procurement:contract_detail", pk),
        invalid_message=_("Type your full name to sign."),
    )


@staff_required
@require_POST
def contract_pay(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract(request, pk)
    profile = staff_profile(request.user)
    if profile.organization_id != contract.organization_id:
        raise Http404  # the provider sees the contract, never the member's payment
    if not permissions.may_pay_for(request.user, contract.membership):
        raise PermissionDenied
    return run_action(
        request,
        None,
        lambda data: actions.contract_pay(contract_id=pk, actor=request.user),
        success=None,
        redirect_to=lambda payment: (
            "payments:payment_detail" if payment.is_paid else "payments:payment_checkout",
            payment.pk,
        ),
        failure_redirect_to=("procurement:contract_detail", pk),
    )
