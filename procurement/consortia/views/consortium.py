"""A consortium as a whole: the directory, founding, its page (or directory card), cancelling,
renewing, and the savings dashboard."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from office.access import staff_profile, staff_required
from office.money import to_major
from office.views_support import run_action
from procurement.consortia import actions, forms, permissions, selectors
from procurement.consortia.models import Consortium, Membership
from procurement.consortia.views.common import consortium_page, inside_or_404
from procurement.models import Vendor


@staff_required
@require_GET
def consortium_list(request: HttpRequest) -> HttpResponse:
    consortia = Consortium.objects.visible_to(request.user).select_related("vendor", "founder")
    profile = staff_profile(request.user)
    mine = dict(
        Membership.objects.filter(organization_id=profile.organization_id).values_list("consortium_id", "status")
    )
    rows = [(c, mine.get(c.pk)) for c in consortia]
    return render(
        request,
        "procurement/consortium_list.html",
        {"rows": rows, "can_found": permissions.can_found(request.user), "Status": Membership.Status},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def consortium_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_found(request.user):
        raise PermissionDenied
    form = forms.ConsortiumForm(request.POST or None, vendors=Vendor.objects.visible_to(request.user).active())
    if request.method != "POST":
        return render(request, "procurement/consortium_form.html", {"form": form})
    return run_action(
        request,
        form,
        lambda data: actions.consortium_found(
            actor=request.user,
            vendor_id=data["vendor"].pk,
            name=data["name"],
            resource=data["resource"],
            description=data["description"],
            list_price_minor=data["list_price_minor"],
            currency=data["currency"],
            fte=data.get("fte") or 0,
        ),
        success=_("Consortium founded. Invite other offices to join."),
        redirect_to=lambda consortium: consortium_page(consortium.pk),
        template="procurement/consortium_form.html",
        template_context={"form": form},
    )


@login_required
@require_GET
def consortium_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not Consortium.objects.negotiable_by(request.user).filter(pk=pk).exists():
        # Not a member: the directory card (to apply or answer an invitation) if it is visible.
        card = get_object_or_404(Consortium.objects.visible_to(request.user).select_related("vendor"), pk=pk)
        context = {**selectors.consortium_card(card, request.user), "fte_form": forms.FteForm()}
        return render(request, "procurement/consortium_card.html", context)
    context = selectors.consortium_inside(inside_or_404(request, pk), request.user)
    context.update(
        {
            "invite_form": forms.InviteForm(offices=context["invitable_offices"]),
            "deadline_form": forms.DeadlineForm(),
            "reason_form": forms.ReasonForm(),
            "nomination_form": forms.NominationForm(candidates=context["candidates"]),
            "representative_form": forms.RepresentativeForm(staff=context["own_staff"]),
        }
    )
    return render(request, "procurement/consortium_detail.html", context)


@staff_required
@require_POST
def consortium_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    consortium = inside_or_404(request, pk)
    if not permissions.is_founder_agent(request.user, consortium, selectors.founder_membership(consortium)):
        raise PermissionDenied
    return run_action(
        request,
        forms.ReasonForm(request.POST),
        lambda data: actions.consortium_cancel(consortium_id=pk, actor=request.user, reason=data["reason"]),
        success=_("Cancelled."),
        redirect_to=consortium_page(pk),
    )


@staff_required
@require_POST
def consortium_renew(request: HttpRequest, pk: int) -> HttpResponse:
    consortium = inside_or_404(request, pk)
    if not permissions.can_renew(request.user, consortium, selectors.own_membership(consortium, request.user)):
        raise PermissionDenied
    return run_action(
        request,
        None,
        lambda data: actions.consortium_renew(consortium_id=pk, actor=request.user),
        success=_("The renewal round has started; the other offices are invited again."),
        redirect_to=lambda renewal: consortium_page(renewal.pk),
        failure_redirect_to=consortium_page(pk),
    )


@staff_required
@require_GET
def consortium_dashboard(request: HttpRequest) -> HttpResponse:
    consortia = (
        Consortium.objects.negotiable_by(request.user)
        .exclude(status=Consortium.Status.CANCELLED)
        .select_related("vendor", "accepted_offer")
    )
    rows = [selectors.savings_row(c) for c in consortia]
    # Chart.js wants numbers: the floats are made here, at the JSON edge, and nowhere else.
    chart = {
        "labels": [r["consortium"].name for r in rows],
        "list": [float(to_major(r["consortium"].list_price_minor, r["consortium"].currency)) for r in rows],
        "price": [float(to_major(r["price_minor"] or 0, r["consortium"].currency)) for r in rows],
        "label_list": _("List price per office"),
        "label_price": _("Consortium price per office"),
    }
    return render(
        request,
        "procurement/consortium_dashboard.html",
        {"rows": rows, "chart": chart},
    )
