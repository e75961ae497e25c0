"""Electing the negotiator: opening the election, nominating, voting, closing."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from office.access import staff_required
from office.views_support import run_action
from procurement.consortia import actions, forms, permissions, selectors
from procurement.consortia.models import Consortium, Membership
from procurement.consortia.views.common import consortium_page, inside_or_404


@staff_required
@require_POST
def election_open(request: HttpRequest, pk: int) -> HttpResponse:
    consortium = inside_or_404(request, pk)
    if not permissions.is_founder_agent(request.user, consortium, selectors.founder_membership(consortium)):
        raise PermissionDenied
    return run_action(
        request,
        forms.DeadlineForm(request.POST),
        lambda data: actions.election_open(consortium_id=pk, actor=request.user, deadline=data["deadline"]),
        success=_("The election is open."),
        redirect_to=consortium_page(pk),
        invalid_message=_("Enter the voting deadline."),
    )


def _election(request: HttpRequest, pk: int) -> tuple[Consortium, Any, Membership]:
    consortium = inside_or_404(request, pk)
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
        redirect_to=consortium_page(pk),
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
        redirect_to=consortium_page(pk),
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
        redirect_to=consortium_page(pk),
    )
