"""Negotiation with the provider: the negotiation room, offers and counter-offers, accepting, the deadline."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from office.money import to_major
from office.views_support import run_action
from procurement.consortia import actions, forms, permissions, selectors
from procurement.consortia.models import Consortium
from procurement.consortia.views.common import consortium_page, inside_or_404


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
    consortium = inside_or_404(request, pk)
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
    consortium = inside_or_404(request, pk)
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
    consortium = inside_or_404(request, pk)
    get_object_or_404(consortium.offers, pk=offer)
    if not permissions.is_negotiator(request.user, consortium):
        raise PermissionDenied
    return run_action(
        request,
        None,
        lambda data: actions.offer_accept(offer_id=offer, actor=request.user),
        success=_("Offer accepted. Member offices now commit at these terms."),
        redirect_to=consortium_page(pk),
    )


@login_required
@require_POST
def negotiation_deadline(request: HttpRequest, pk: int) -> HttpResponse:
    consortium = inside_or_404(request, pk)
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
