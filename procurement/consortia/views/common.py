"""Helpers the consortium pages share: a consortium or membership the user may see inside (else 404),
and the consortium page to go back to."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from office.access import staff_profile
from procurement.consortia.models import Consortium, Membership


def inside_or_404(request: HttpRequest, pk: int) -> Consortium:
    """A consortium whose inside the user may see (member office or its provider), else 404."""
    return get_object_or_404(
        Consortium.objects.negotiable_by(request.user).select_related("vendor", "founder", "negotiator"), pk=pk
    )


def membership_or_404(request: HttpRequest, pk: int) -> Membership:
    """A membership of a consortium the user may see: member offices see each other's rows; an
    office invited or applying sees its own row."""
    membership = get_object_or_404(Membership.objects.select_related("consortium"), pk=pk)
    profile = staff_profile(request.user)
    own_office = profile is not None and profile.organization_id == membership.organization_id
    if not own_office and not Consortium.objects.negotiable_by(request.user).filter(pk=membership.consortium_id):
        raise Http404
    return membership


def consortium_page(consortium_id: int) -> tuple[str, int]:
    return ("procurement:consortium_detail", consortium_id)
