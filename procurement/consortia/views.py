"""Consortium pages. Thin: parse, call one action or selector, render.

Depths of visibility (querysets.py): the directory card for offices that may join; everything
inside (members, election, negotiation, contracts of the consortium) for member offices and the
provider's representatives only — anybody else gets a 404. A member sees only its own contract
and its own payment. Provider representatives have no staff profile, so the pages they use
check `login_required` plus the queryset instead of `staff_required`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from office.access import staff_profile, staff_required
from office.exceptions import DomainError
from office.models import Organization
from procurement.consortia import actions, forms, permissions, selectors
from procurement.consortia.models import Consortium, Contract, Membership
from procurement.models import Vendor


def _run(request: HttpRequest, call: Callable[[], Any], success: str) -> Any:
    try:
        result = call()
    except DomainError as exc:
        messages.error(request, str(exc))
        return None
    messages.success(request, success)
    return result


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


def _back(consortium_id: int) -> HttpResponse:
    return redirect("procurement:consortium_detail", pk=consortium_id)


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
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        consortium = _run(
            request,
            lambda: actions.consortium_found(
                actor=request.user,
                vendor_id=data["vendor"].pk,
                name=data["name"],
                resource=data["resource"],
                description=data["description"],
                list_price_minor=data["list_price_minor"],
                currency=data["currency"],
                fte=data.get("fte") or 0,
            ),
            _("Consortium founded. Invite other offices to join."),
        )
        if consortium is not None:
            return _back(consortium.pk)
    return render(request, "procurement/consortium_form.html", {"form": form})


@login_required
@require_GET
def consortium_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inside = Consortium.objects.negotiable_by(request.user).filter(pk=pk).first()
    if inside is None:
        # Not a member: the directory card (to apply or answer an invitation) if it is visible.
        card = get_object_or_404(Consortium.objects.visible_to(request.user).select_related("vendor"), pk=pk)
        own = selectors.own_membership(card, request.user)
        return render(
            request,
            "procurement/consortium_card.html",
            {
                "consortium": card,
                "own": own,
                "can_apply": permissions.can_apply(request.user, card, own),
                "can_answer": permissions.can_answer_invitation(request.user, card, own),
                "fte_form": forms.FteForm(),
            },
        )
    consortium = _inside(request, pk)
    user = request.user
    own = selectors.own_membership(consortium, user)
    founder = selectors.founder_membership(consortium)
    election = getattr(consortium, "election", None)
    memberships = list(
        consortium.memberships.select_related("organization", "representative").order_by("joined_at", "pk")
    )
    votes = {}
    if election is not None and own is not None:
        votes = {v.membership_id: v for v in election.votes.all()}
    offer = consortium.accepted_offer
    quantity, price = selectors.current_price(consortium, offer)
    own_contract = Contract.objects.filter(consortium=consortium, membership=own).first() if own else None
    profile = staff_profile(user)
    is_provider = permissions.is_provider_of(user, consortium)
    context = {
        "consortium": consortium,
        "own": own,
        "is_provider": is_provider,
        # The provider signs every member's contract; a member sees only its own (own_contract).
        "provider_contracts": list(
            Contract.objects.visible_to(user).filter(consortium=consortium).select_related("organization")
        )
        if is_provider
        else [],
        "memberships": memberships,
        "election": election,
        "nominations": list(election.nominations.select_related("candidate", "membership__organization"))
        if election
        else [],
        "own_vote": votes.get(own.pk) if own else None,
        "voted_offices": set(votes),
        "offer": offer,
        "current_quantity": quantity,
        "current_price": price,
        "own_contract": own_contract,
        "savings": selectors.savings_row(consortium),
        "can_invite": permissions.can_invite(user, consortium, own),
        "can_decide": permissions.can_decide_applications(user, consortium, founder),
        "can_leave": permissions.can_leave(user, consortium, own),
        "can_set_representative": permissions.can_set_representative(user, own),
        "can_open_election": permissions.can_open_election(user, consortium, founder),
        "can_cancel": consortium.can_move_to(Consortium.Status.CANCELLED)
        and permissions.is_founder_agent(user, consortium, founder),
        "can_nominate": permissions.can_nominate(user, election, own),
        "can_vote": permissions.can_vote(user, election, own),
        "can_close_election": permissions.can_close_election(user, election, own),
        "can_commit": permissions.can_commit(user, consortium, own),
        "can_issue": permissions.can_issue_contracts(user, consortium),
        "can_renew": permissions.can_renew(user, consortium, own),
        "invite_form": forms.InviteForm(offices=Organization.objects.filter(is_active=True)),
        "deadline_form": forms.DeadlineForm(),
        "reason_form": forms.ReasonForm(),
        "nomination_form": forms.NominationForm(candidates=selectors.nomination_candidates(consortium, user)),
        "representative_form": forms.RepresentativeForm(
            staff=get_user_model().objects.filter(staff_profile__organization_id=profile.organization_id)
            if profile
            else get_user_model().objects.none()
        ),
    }
    return render(request, "procurement/consortium_detail.html", context)


@staff_required
@require_POST
def consortium_apply(request: HttpRequest, pk: int) -> HttpResponse:
    consortium = get_object_or_404(Consortium.objects.visible_to(request.user), pk=pk)
    if not permissions.can_found(request.user):
        raise PermissionDenied
    form = forms.FteForm(request.POST)
    fte = (form.cleaned_data.get("fte") or 0) if form.is_valid() else 0
    _run(
        request,
        lambda: actions.membership_apply(consortium_id=consortium.pk, actor=request.user, fte=fte),
        _("Application sent to the founding office."),
    )
    return _back(consortium.pk)


@staff_required
@require_POST
def consortium_invite(request: HttpRequest, pk: int) -> HttpResponse:
    consortium = _inside(request, pk)
    if not permissions.can_invite(request.user, consortium, selectors.own_membership(consortium, request.user)):
        raise PermissionDenied
    form = forms.InviteForm(request.POST, offices=Organization.objects.filter(is_active=True))
    if not form.is_valid():
        messages.error(request, _("Choose an office to invite."))
        return _back(pk)
    office, email = form.cleaned_data["organization"], form.cleaned_data["representative_email"]
    representative_id = None
    if email:
        rep = get_user_model().objects.filter(email__iexact=email, staff_profile__organization=office).first()
        if rep is None:
            messages.error(request, _("No staff member of that office has this e-mail address."))
            return _back(pk)
        representative_id = rep.pk
    _run(
        request,
        lambda: actions.membership_invite(
            consortium_id=pk, actor=request.user, organization_id=office.pk, representative_id=representative_id
        ),
        _("Invitation sent."),
    )
    return _back(pk)


@staff_required
@require_POST
def membership_answer(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership_inside(request, pk)
    consortium = membership.consortium
    if not permissions.can_answer_invitation(request.user, consortium, membership):
        raise PermissionDenied
    form = forms.FteForm(request.POST)
    fte = (form.cleaned_data.get("fte") or 0) if form.is_valid() else 0
    accept = request.POST.get("accept") == "1"
    _run(
        request,
        lambda: actions.membership_answer(membership_id=pk, actor=request.user, accept=accept, fte=fte),
        _("Welcome to the consortium.") if accept else _("Invitation declined."),
    )
    return _back(consortium.pk)


@staff_required
@require_POST
def membership_decide(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership_inside(request, pk)
    consortium = membership.consortium
    if not permissions.can_decide_applications(request.user, consortium, selectors.founder_membership(consortium)):
        raise PermissionDenied
    accept = request.POST.get("accept") == "1"
    _run(
        request,
        lambda: actions.membership_decide(membership_id=pk, actor=request.user, accept=accept),
        _("Office admitted.") if accept else _("Application turned down."),
    )
    return _back(consortium.pk)


@staff_required
@require_POST
def membership_leave(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership_inside(request, pk)
    if not permissions.acts_for(request.user, membership):
        raise PermissionDenied
    if _run(request, lambda: actions.membership_leave(membership_id=pk, actor=request.user), _("Your office left.")):
        return redirect("procurement:consortium_list")
    return _back(membership.consortium_id)


@staff_required
@require_POST
def membership_representative(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership_inside(request, pk)
    if not permissions.can_set_representative(request.user, membership):
        raise PermissionDenied
    form = forms.RepresentativeForm(
        request.POST, staff=get_user_model().objects.filter(staff_profile__organization_id=membership.organization_id)
    )
    if form.is_valid():
        _run(
            request,
            lambda: actions.membership_set_representative(
                membership_id=pk, actor=request.user, representative_id=form.cleaned_data["representative"].pk
            ),
            _("Representative designated."),
        )
    else:
        messages.error(request, _("Choose a staff member of your office."))
    return _back(membership.consortium_id)


@staff_required
@require_POST
def membership_commit(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership_inside(request, pk)
    if not permissions.acts_for(request.user, membership):
        raise PermissionDenied
    committed = request.POST.get("committed") == "1"
    _run(
        request,
        lambda: actions.commitment_set(membership_id=pk, actor=request.user, committed=committed),
        _("Your office is committed at the agreed terms.") if committed else _("Commitment withdrawn."),
    )
    return _back(membership.consortium_id)


@staff_required
@require_POST
def consortium_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    consortium = _inside(request, pk)
    if not permissions.is_founder_agent(request.user, consortium, selectors.founder_membership(consortium)):
        raise PermissionDenied
    form = forms.ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    _run(
        request, lambda: actions.consortium_cancel(consortium_id=pk, actor=request.user, reason=reason), _("Cancelled.")
    )
    return _back(pk)


# --- election ------------------------------------------------------------------------------


@staff_required
@require_POST
def election_open(request: HttpRequest, pk: int) -> HttpResponse:
    consortium = _inside(request, pk)
    if not permissions.is_founder_agent(request.user, consortium, selectors.founder_membership(consortium)):
        raise PermissionDenied
    form = forms.DeadlineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the voting deadline."))
        return _back(pk)
    _run(
        request,
        lambda: actions.election_open(consortium_id=pk, actor=request.user, deadline=form.cleaned_data["deadline"]),
        _("The election is open."),
    )
    return _back(pk)


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
    form = forms.NominationForm(request.POST, candidates=selectors.nomination_candidates(consortium, request.user))
    if not form.is_valid():
        messages.error(request, _("Choose a candidate."))
        return _back(pk)
    _run(
        request,
        lambda: actions.nomination_add(
            election_id=election.pk,
            actor=request.user,
            candidate_id=form.cleaned_data["candidate"].pk,
            statement=form.cleaned_data["statement"],
        ),
        _("Candidate nominated."),
    )
    return _back(pk)


@staff_required
@require_POST
def election_vote(request: HttpRequest, pk: int) -> HttpResponse:
    consortium, election, own = _election(request, pk)
    if own.representative_id != request.user.pk:
        raise PermissionDenied
    form = forms.VoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the candidates."))
        return _back(pk)
    _run(
        request,
        lambda: actions.vote_cast(
            election_id=election.pk, actor=request.user, nomination_id=form.cleaned_data["nomination"]
        ),
        _("Your office's vote is recorded."),
    )
    return _back(pk)


@staff_required
@require_POST
def election_close(request: HttpRequest, pk: int) -> HttpResponse:
    consortium, election, own = _election(request, pk)
    if not permissions.acts_for(request.user, own):
        raise PermissionDenied
    _run(
        request,
        lambda: actions.election_close(election_id=election.pk, actor=request.user),
        _("The election is closed and its result published."),
    )
    return _back(pk)


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
        "tiers": "\n".join(f"{t.min_quantity}: {t.price_minor / 100:.2f}" for t in offer.tiers.all()),
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
    form = forms.OfferForm(request.POST, currency=consortium.currency)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("procurement:negotiation_room", pk=pk)
    data = form.cleaned_data
    _run(
        request,
        lambda: actions.offer_post(
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
        _("Offer posted."),
    )
    return redirect("procurement:negotiation_room", pk=pk)


@login_required
@require_POST
def offer_accept(request: HttpRequest, pk: int, offer: int) -> HttpResponse:
    consortium = _inside(request, pk)
    get_object_or_404(consortium.offers, pk=offer)
    if not permissions.is_negotiator(request.user, consortium):
        raise PermissionDenied
    _run(
        request,
        lambda: actions.offer_accept(offer_id=offer, actor=request.user),
        _("Offer accepted. Member offices now commit at these terms."),
    )
    return _back(pk)


@login_required
@require_POST
def negotiation_deadline(request: HttpRequest, pk: int) -> HttpResponse:
    consortium = _inside(request, pk)
    if not permissions.is_negotiator(request.user, consortium):
        raise PermissionDenied
    form = forms.DeadlineForm(request.POST)
    if form.is_valid():
        _run(
            request,
            lambda: actions.negotiation_deadline_set(
                consortium_id=pk, actor=request.user, deadline=form.cleaned_data["deadline"]
            ),
            _("Deadline set."),
        )
    else:
        messages.error(request, _("Enter the deadline."))
    return redirect("procurement:negotiation_room", pk=pk)


# --- contracts and afterwards --------------------------------------------------------------


@login_required
@require_POST
def contracts_issue(request: HttpRequest, pk: int) -> HttpResponse:
    consortium = _inside(request, pk)
    if not permissions.is_negotiator(request.user, consortium):
        raise PermissionDenied
    _run(
        request,
        lambda: actions.contracts_issue(consortium_id=pk, actor=request.user),
        _("The tier was fixed from the commitments and a contract issued to each committed member."),
    )
    return _back(pk)


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
    own_office = staff_profile(user) is not None and staff_profile(user).organization_id == contract.organization_id
    payment = None
    if own_office and contract.payment_id:
        payment = contract.payment  # the one that paid it, not a refunded duplicate
    elif own_office:
        from payments.models import Payment

        payment = (
            Payment.objects.filter(purpose_type=actions.CONSORTIUM_CONTRACT_PURPOSE, purpose_id=str(contract.pk))
            .exclude(status=Payment.Status.CANCELLED)
            .first()
        )
    return render(
        request,
        "procurement/consortium_contract.html",
        {
            "contract": contract,
            "consortium": contract.consortium,
            "offer": contract.consortium.accepted_offer,
            "payment": payment,
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
    form = forms.SignForm(request.POST)
    if form.is_valid():
        _run(
            request,
            lambda: actions.contract_sign(
                contract_id=pk,
                actor=request.user,
                signed_name=form.cleaned_data["signed_name"],
                seen_sha256=form.cleaned_data["sha256"],
                as_provider=as_provider,
            ),
            _("Contract signed."),
        )
    else:
        messages.error(request, _("Type your full name to sign."))
    return redirect("procurement:contract_detail", pk=pk)


@staff_required
@require_POST
def contract_pay(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract(request, pk)
    profile = staff_profile(request.user)
    if profile.organization_id != contract.organization_id:
        raise Http404  # the provider sees the contract, never the member's payment
    if not permissions.may_pay_for(request.user, contract.membership):
        raise PermissionDenied
    try:
        payment = actions.contract_pay(contract_id=pk, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("procurement:contract_detail", pk=pk)
    if payment.is_paid:
        return redirect("payments:payment_detail", pk=payment.pk)
    return redirect("payments:payment_checkout", pk=payment.pk)


@staff_required
@require_POST
def consortium_renew(request: HttpRequest, pk: int) -> HttpResponse:
    consortium = _inside(request, pk)
    if not permissions.can_renew(request.user, consortium, selectors.own_membership(consortium, request.user)):
        raise PermissionDenied
    renewal = _run(
        request,
        lambda: actions.consortium_renew(consortium_id=pk, actor=request.user),
        _("The renewal round has started; the other offices are invited again."),
    )
    return _back(renewal.pk if renewal else pk)


@staff_required
@require_GET
def consortium_dashboard(request: HttpRequest) -> HttpResponse:
    consortia = (
        Consortium.objects.negotiable_by(request.user)
        .exclude(status=Consortium.Status.CANCELLED)
        .select_related("vendor", "accepted_offer")
    )
    rows = [selectors.savings_row(c) for c in consortia]
    chart = {
        "labels": [r["consortium"].name for r in rows],
        "list": [r["consortium"].list_price_minor / 100 for r in rows],
        "price": [(r["price_minor"] or 0) / 100 for r in rows],
        "label_list": _("List price per office"),
        "label_price": _("Consortium price per office"),
    }
    return render(
        request,
        "procurement/consortium_dashboard.html",
        {"rows": rows, "chart": chart},
    )
