"""Membership: applying, inviting, answering, deciding on applications, leaving, the office's
representative and its commitment."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from office.access import staff_required
from office.exceptions import DomainError
from office.models import Organization
from office.views_support import run_action
from procurement.consortia import actions, forms, permissions, selectors
from procurement.consortia.models import Consortium, Membership
from procurement.consortia.views.common import consortium_page, inside_or_404, membership_or_404


@staff_required
@require_POST
def consortium_apply(request: HttpRequest, pk: int) -> HttpResponse:
    consortium = get_object_or_404(Consortium.objects.visible_to(request.user), pk=pk)
    if not permissions.can_found(request.user):
        raise PermissionDenied
    return run_action(
        request,
        forms.FteForm(request.POST),
        lambda data: actions.membership_apply(consortium_id=consortium.pk, actor=request.user, fte=data["fte"] or 0),
        success=_("Application sent to the founding office."),
        redirect_to=consortium_page(consortium.pk),
    )


@staff_required
@require_POST
def consortium_invite(request: HttpRequest, pk: int) -> HttpResponse:
    consortium = inside_or_404(request, pk)
    if not permissions.can_invite(request.user, consortium, selectors.own_membership(consortium, request.user)):
        raise PermissionDenied

    def invite(data: dict[str, Any]) -> Membership:
        representative = None
        if data["representative_email"]:  # the form's e-mail names someone of the invited office
            representative = selectors.staff_member_by_email(data["organization"], data["representative_email"])
            if representative is None:
                raise DomainError(_("No staff member of that office has this e-mail address."))
        return actions.membership_invite(
            consortium_id=pk,
            actor=request.user,
            organization_id=data["organization"].pk,
            representative_id=representative.pk if representative else None,
        )

    return run_action(
        request,
        forms.InviteForm(request.POST, offices=Organization.objects.filter(is_active=True)),
        invite,
        success=_("Invitation sent."),
        redirect_to=consortium_page(pk),
        invalid_message=_("Choose an office to invite."),
    )


@staff_required
@require_POST
def membership_answer(request: HttpRequest, pk: int) -> HttpResponse:
    membership = membership_or_404(request, pk)
    consortium = membership.consortium
    if not permissions.can_answer_invitation(request.user, consortium, membership):
        raise PermissionDenied
    accept = request.POST.get("accept") == "1"
    return run_action(
        request,
        forms.FteForm(request.POST),
        lambda data: actions.membership_answer(
            membership_id=pk, actor=request.user, accept=accept, fte=data["fte"] or 0
        ),
        success=_("Welcome to the consortium.") if accept else _("Invitation declined."),
        redirect_to=consortium_page(consortium.pk),
    )


@staff_required
@require_POST
def membership_decide(request: HttpRequest, pk: int) -> HttpResponse:
    membership = membership_or_404(request, pk)
    consortium = membership.consortium
    if not permissions.can_decide_applications(request.user, consortium, selectors.founder_membership(consortium)):
        raise PermissionDenied
    accept = request.POST.get("accept") == "1"
    return run_action(
        request,
        None,
        lambda data: actions.membership_decide(membership_id=pk, actor=request.user, accept=accept),
        success=_("Office admitted.") if accept else _("Application turned down."),
        redirect_to=consortium_page(consortium.pk),
    )


@staff_required
@require_POST
def membership_leave(request: HttpRequest, pk: int) -> HttpResponse:
    membership = membership_or_404(request, pk)
    if not permissions.acts_for(request.user, membership):
        raise PermissionDenied
    return run_action(
        request,
        None,
        lambda data: actions.membership_leave(membership_id=pk, actor=request.user),
        success=_("Your office left."),
        redirect_to="procurement:consortium_list",
        failure_redirect_to=consortium_page(membership.consortium_id),
    )


@staff_required
@require_POST
def membership_representative(request: HttpRequest, pk: int) -> HttpResponse:
    membership = membership_or_404(request, pk)
    if not permissions.can_set_representative(request.user, membership):
        raise PermissionDenied
    form = forms.RepresentativeForm(
        request.POST, staff=get_user_model().objects.filter(staff_profile__organization_id=membership.organization_id)
    )
    return run_action(
        request,
        form,
        lambda data: actions.membership_set_representative(
            membership_id=pk, actor=request.user, representative_id=data["representative"].pk
        ),
        success=_("Representative designated."),
        redirect_to=consortium_page(membership.consortium_id),
        invalid_message=_("Choose a staff member of your office."),
    )


@staff_required
@require_POST
def membership_commit(request: HttpRequest, pk: int) -> HttpResponse:
    membership = membership_or_404(request, pk)
    if not permissions.acts_for(request.user, membership):
        raise PermissionDenied
    committed = request.POST.get("committed") == "1"
    return run_action(
        request,
        None,
        lambda data: actions.commitment_set(membership_id=pk, actor=request.user, committed=committed),
        success=_("Your office is committed at the agreed terms.") if committed else _("Commitment withdrawn."),
        redirect_to=consortium_page(membership.consortium_id),
    )
