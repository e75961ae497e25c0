"""Consortium pages. Thin: parse, call one action or selector, render.

Depths of visibility (querysets.py): the directory card for offices that may join; everything
inside (members, election, negotiation, contracts of the consortium) for member offices and the
provider's representatives only — anybody else gets a 404. A member sees only its own contract
and its own payment. Provider representatives have no staff profile, so the pages they use
check `login_required` plus the queryset instead of `staff_required`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from office.access import staff_profile, staff_required
from office.exceptions import DomainError
from office.models import Organization
from office.money import to_major
from office.views_support import run_action
from procurement.consortia import actions, forms, permissions, selectors
from procurement.consortia.models import Consortium, Contract, Membership
from procurement.models import Vendor


def _inside(request: HttpRequest, pk: int) -> Consortium:
    """A consortium whose inside the user may see (member office or its provider), else 404."""
    return get_object_or_404(
        Consortium.objects.negotiable_by(request.user).select_related("vendor", "founder", "negotiator"), pk=pk
    )


def _membership_inside(request: HttpRequest, pk: int) -> Membership:
    """A membership of a consortium the user may see: member offices see each other's rows; an
    office invited or applying sees its own row."""
    membership = get_object_or_404(Membership.objects.select_related("consortium"), pk=pk)
    profile = staff_profile(request.user)
    own_office = profile is not None and profile.organization_id == membership.organization_id
    if not own_office and not Consortium.objects.negotiable_by(request.user).filter(pk=membership.consortium_id):
        raise Http404
    return membership


def _page(consortium_id: int) -> tuple[str, int]:
    return ("procurement:consortium_detail", consortium_id)


# --- directory, founding, membership ------------------------------------------------------


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
        redirect_to=lambda consortium: _page(consortium.pk),
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
    context = selectors.consortium_inside(_inside(request, pk), request.user)
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
def consortium_apply(request: HttpRequest, pk: int) -> HttpResponse:
    consortium = get_object_or_404(Consortium.objects.visible_to(request.user), pk=pk)
    if not permissions.can_found(request.user):
        raise PermissionDenied
    return run_action(
        request,
        forms.FteForm(request.POST),
        lambda data: actions.membership_apply(consortium_id=consortium.pk, actor=request.user, fte=data["fte"] or 0),
        success=_("Application sent to the founding office."),
        redirect_to=_page(consortium.pk),
    )


@staff_required
@require_POST
def consortium_invite(request: HttpRequest, pk: int) -> HttpResponse:
    consortium = _inside(request, pk)
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
        redirect_to=_page(pk),
        invalid_message=_("Choose an office to invite."),
    )


@staff_required
@require_POST
def membership_answer(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership_inside(request, pk)
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
        redirect_to=_page(consortium.pk),
    )


@staff_required
@require_POST
def membership_decide(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership_inside(request, pk)
    consortium = membership.consortium
    if not permissions.can_decide_applications(request.user, consortium, selectors.founder_membership(consortium)):
        raise PermissionDenied
    accept = request.POST.get("accept") == "1"
    return run_action(
        request,
        None,
        lambda data: actions.membership_decide(membership_id=pk, actor=request.user, accept=accept),
        success=_("Office admitted.") if accept else _("Application turned down."),
        redirect_to=_page(consortium.pk),
    )


@staff_required
@require_POST
def membership_leave(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership_inside(request, pk)
    if not permissions.acts_for(request.user, membership):
        raise PermissionDenied
    return run_action(
        request,
        None,
        lambda data: actions.membership_leave(membership_id=pk, actor=request.user),
        success=_("Your office left."),
        redirect_to="procurement:consortium_list",
        failure_redirect_to=_page(membership.consortium_id),
    )


@staff_required
@require_POST
def membership_representative(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership_inside(request, pk)
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
        redirect_to=_page(membership.consortium_id),
        invalid_message=_("Choose a staff member of your office."),
    )


@staff_required
@require_POST
def membership_commit(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership_inside(request, pk)
    if not permissions.acts_for(request.user, membership):
        raise PermissionDenied
    committed = request.POST.get("committed") == "1"
    return run_action(
        request,
        None,
        lambda data: actions.commitment_set(membership_id=pk, actor=request.user, committed=committed),
        success=_("Your office is committed at the agreed terms.") if committed else _("Commitment withdrawn."),
        redirect_to=_page(membership.consortium_id),
    )


@staff_required
@require_POST
def consortium_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    consortium = _inside(request, pk)
    if not permissions.is_founder_agent(request.user, consortium, selectors.founder_membership(consortium)):
        raise PermissionDenied
    return run_action(
        request,
        forms.ReasonForm(request.POST),
        lambda data: actions.consortium_cancel(consortium_id=pk, actor=request.user, reason=data["reason"]),
        success=_("Cancelled."),
        redirect_to=_page(pk),
    )


# --- election ------------------------------------------------------------------------------


@staff_required
@require_POST
def election_open(request: HttpRequest, pk: int) -> HttpResponse:
    consortium = _inside(request, pk)
    if not permissions.is_founder_agent(request.user, consortium, selectors.founder_membership(consortium)):
        raise PermissionDenied
    return run_action(
        request,
        forms.DeadlineForm(request.POST),
        lambda data: actions.election_open(consortium_id=pk, actor=request.user, deadline=data["deadline"]),
        success=_("The election is open."),
        redirect_to=_page(pk),
        invalid_message=_("Enter the voting deadline."),
    )


def _election(request: HttpRequest, pk: int) -> tuple[Consortium, Any, Membership]:
    consortium = _inside(request, pk)
    election = getattr(consortium, "election", None)
    own = selectors.own_membership(consortium, request.user)
    if election is None or own is None or not own.is_member:
        raise PermissionDenied
    return consortium, election, own


@staff_required
@require_POST
def election_nominate(request: HttpRequest, pk: int) -> HttpResponse:
    consortium, election, own = _election(request, pk)
    if not permissions.acts_for(request.user, own):
        raise PermissionDenied
    return run_action(
        request,
        forms.NominationForm(request.POST, candidates=selectors.nomination_candidates(consortium, request.user)),
        lambda data: actions.nomination_add(
            election_id=election.pk, actor=request.user, candidate_id=data["candidate"].pk, statement=data["statement"]
        ),
        success=_("Candidate nominated."),
        redirect_to=_page(pk),
        invalid_message=_("Choose a candidate."),
    )


@staff_required
@require_POST
def election_vote(request: HttpRequest, pk: int) -> HttpResponse:
    consortium, election, own = _election(request, pk)
    if own.representative_id != request.user.pk:
        raise PermissionDenied
    return run_action(
        request,
        forms.VoteForm(request.POST),
        lambda data: actions.vote_cast(election_id=election.pk, actor=request.user, nomination_id=data["nomination"]),
        success=_("Your office's vote is recorded."),
        redirect_to=_page(pk),
        invalid_message=_("Choose one of the candidates."),
    )


@staff_required
@require_POST
def election_close(request: HttpRequest, pk: int) -> HttpResponse:
    consortium, election, own = _election(request, pk)
    if not permissions.acts_for(request.user, own):
        raise PermissionDenied
    return run_action(
        request,
        None,
        lambda data: actions.election_close(election_id=election.pk, actor=request.user),
        success=_("The election is closed and its result published."),
        redirect_to=_page(pk),
    )


# --- negotiation ---------------------------------------------------------------------------


def _offer_initial(consortium: Consortium) -> dict[str, Any]:
    """Start from the latest offer, or in a renewal round from the terms agreed last time."""
    offer = consortium.offers.order_by("-number").first()
    if offer is None and consortium.previous_id:
        offer = consortium.previous.accepted_offer
    if offer is None:
        return {}
    return {
        "basis": offer.basis,
        "tiers": "\n".join(
            f"{t.min_quantity}: {to_major(t.price_minor, consortium.currency)}" for t in offer.tiers.all()
        ),
        "term_months": offer.term_months,
        "concurrent_users": offer.concurrent_users,
        "sites": offer.sites,
        "ill_allowed": offer.ill_allowed,
        "archival_rights": offer.archival_rights,
        "perpetual_access": offer.perpetual_access,
        "renewal_cap_percent": offer.renewal_cap_percent,
    }


@login_required
@require_GET
def negotiation_room(request: HttpRequest, pk: int) -> HttpResponse:
    consortium = _inside(request, pk)
    offers = selectors.offers_with_tiers(consortium)
    latest = offers[-1] if offers else None
    return render(
        request,
        "procurement/consortium_negotiation.html",
        {
            "consortium": consortium,
            "offers": offers,
            "latest": latest,
            "is_negotiator": permissions.is_negotiator(request.user, consortium),
            "is_provider": permissions.is_provider_of(request.user, consortium),
            "can_post": permissions.can_post_offer(request.user, consortium),
            "can_accept": permissions.can_accept(request.user, consortium),
            "can_set_deadline": permissions.can_set_deadline(request.user, consortium),
            "form": forms.OfferForm(initial=_offer_initial(consortium), currency=consortium.currency),
            "deadline_form": forms.DeadlineForm(),
        },
    )


@login_required
@require_POST
def offer_post(request: HttpRequest, pk: int) -> HttpResponse:
    consortium = _inside(request, pk)
    if not (
        permissions.is_provider_of(request.user, consortium) or permissions.is_negotiator(request.user, consortium)
    ):
        raise PermissionDenied
    return run_action(
        request,
        forms.OfferForm(request.POST, currency=consortium.currency),
        lambda data: actions.offer_post(
            consortium_id=pk,
            actor=request.user,
            tiers=data["tiers"],
            term_months=data["term_months"],
            concurrent_users=data["concurrent_users"],
            basis=data["basis"],
            sites=data["sites"],
            ill_allowed=data["ill_allowed"],
            archival_rights=data["archival_rights"],
            perpetual_access=data["perpetual_access"],
            renewal_cap_percent=data["renewal_cap_percent"],
            message=data["message"],
            on_behalf_of_provider=data["on_behalf_of_provider"],
        ),
        success=_("Offer posted."),
        redirect_to=("procurement:negotiation_room", pk),
    )


@login_required
@require_POST
def offer_accept(request: HttpRequest, pk: int, offer: int) -> HttpResponse:
    consortium = _inside(request, pk)
    get_object_or_404(consortium.offers, pk=offer)
    if not permissions.is_negotiator(request.user, consortium):
        raise PermissionDenied
    return run_action(
        request,
        None,
        lambda data: actions.offer_accept(offer_id=offer, actor=request.user),
        success=_("Offer accepted. Member offices now commit at these terms."),
        redirect_to=_page(pk),
    )


@login_required
@require_POST
def negotiation_deadline(request: HttpRequest, pk: int) -> HttpResponse:
    consortium = _inside(request, pk)
    if not permissions.is_negotiator(request.user, consortium):
        raise PermissionDenied
    return run_action(
        request,
        forms.DeadlineForm(request.POST),
        lambda data: actions.negotiation_deadline_set(consortium_id=pk, actor=request.user, deadline=data["deadline"]),
        success=_("Deadline set."),
        redirect_to=("procurement:negotiation_room", pk),
        invalid_message=_("Enter the deadline."),
    )


# --- contracts and afterwards --------------------------------------------------------------


@login_required
@require_POST
def contracts_issue(request: HttpRequest, pk: int) -> HttpResponse:
    consortium = _inside(request, pk)
    if not permissions.is_negotiator(request.user, consortium):
        raise PermissionDenied
    return run_action(
        request,
        None,
        lambda data: actions.contracts_issue(consortium_id=pk, actor=request.user),
        success=_("The tier was fixed from the commitments and a contract issued to each committed member."),
        redirect_to=_page(pk),
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


@staff_required
@require_POST
def consortium_renew(request: HttpRequest, pk: int) -> HttpResponse:
    consortium = _inside(request, pk)
    if not permissions.can_renew(request.user, consortium, selectors.own_membership(consortium, request.user)):
        raise PermissionDenied
    return run_action(
        request,
        None,
        lambda data: actions.consortium_renew(consortium_id=pk, actor=request.user),
        success=_("The renewal round has started; the other offices are invited again."),
        redirect_to=lambda renewal: _page(renewal.pk),
        failure_redirect_to=_page(pk),
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
