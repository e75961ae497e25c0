"""Electing the consortium's negotiator:

    consortium: forming -> electing -> negotiating
    election:   open (nominations, one vote per office, changeable) -> closed (tally published, frozen)

The founding office opens the election; member offices nominate staff of member offices and
their representatives vote. It closes at the deadline (the beat sweep, `sweep`) or earlier once
every member office has voted; the winner negotiates with the provider.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from office import audit
from office.access import staff_profile
from office.exceptions import DomainError
from procurement.consortia import permissions, selectors
from procurement.consortia.actions.common import CS, MS, lock_consortium, lock_election, notify_members, notify_provider
from procurement.consortia.models import Election, Membership, Nomination, Vote

if TYPE_CHECKING:
    from django.contrib.auth.models import User

DEFAULT_NEGOTIATION_DAYS = 30


@transaction.atomic
def election_open(*, consortium_id: int, actor: User, deadline: datetime.datetime) -> Election:
    """The founding office closes the forming phase and opens the election of the negotiator."""
    consortium = lock_consortium(consortium_id)
    if not permissions.is_founder_agent(actor, consortium, selectors.founder_membership(consortium)):
        raise PermissionDenied(_("The founding office opens the election."))
    consortium.move_to(CS.ELECTING)
    if Membership.objects.filter(consortium=consortium, status=MS.JOINED).count() < 2:
        raise DomainError(_("A consortium needs at least two member offices before it elects a negotiator."))
    if deadline <= timezone.now():
        raise DomainError(_("The voting deadline must lie in the future."))
    consortium.save(update_fields=["status", "updated_at"])
    election = Election.objects.create(consortium=consortium, deadline=deadline, opened_by=actor)
    audit.record(
        actor=actor, target=consortium, verb="procurement.election.opened", data={"deadline": deadline.isoformat()}
    )
    notify_members(
        consortium,
        verb="procurement.election.opened",
        exclude=actor.pk,
        email=True,
        title=gettext_noop("Elect the negotiator of %(name)s by %(deadline)s"),
        params={"name": consortium.name, "deadline": timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M")},
    )
    return election


@transaction.atomic
def nomination_add(*, election_id: int, actor: User, candidate_id: int, statement: str = "") -> Nomination:
    """A member office nominates a staff member of any member office (itself included)."""
    consortium, election = lock_election(election_id)
    own = selectors.own_membership(consortium, actor)
    if not permissions.can_nominate(actor, election, own):
        if not election.is_open or timezone.now() >= election.deadline:
            raise DomainError(_("The election is closed."))
        raise PermissionDenied(_("Only a member office nominates candidates."))
    candidate = get_user_model().objects.filter(pk=candidate_id, is_active=True).first()
    profile = staff_profile(candidate) if candidate else None
    membership = selectors.membership_of(consortium, profile.organization_id if profile else None)
    if membership is None or not membership.is_member:
        raise DomainError(_("Candidates are staff of a member office."))
    try:
        with transaction.atomic():
            nomination = Nomination.objects.create(
                election=election,
                candidate=candidate,
                membership=membership,
                nominated_by=actor,
                statement=(statement or "").strip(),
            )
    except IntegrityError:
        raise DomainError(_("This person is already nominated.")) from None
    audit.record(
        actor=actor,
        target=consortium,
        verb="procurement.election.nominated",
        data={"candidate": candidate.pk, "nomination": nomination.pk},
    )
    return nomination


@transaction.atomic
def vote_cast(*, election_id: int, actor: User, nomination_id: int) -> Vote:
    """The office's representative casts (or changes, while the election is open) its one vote."""
    consortium, election = lock_election(election_id)
    own = selectors.own_membership(consortium, actor)
    if not permissions.can_vote(actor, election, own):
        if not election.is_open or timezone.now() >= election.deadline:
            raise DomainError(_("The election is closed: votes can no longer be cast or changed."))
        raise PermissionDenied(_("Only the office's representative votes for it."))
    nomination = Nomination.objects.filter(pk=nomination_id, election=election).first()
    if nomination is None:
        raise DomainError(_("Choose one of the candidates."))
    vote, created = Vote.objects.update_or_create(
        election=election, membership=own, defaults={"nomination": nomination, "cast_by": actor}
    )
    audit.record(
        actor=actor,
        target=consortium,
        verb="procurement.election.voted" if created else "procurement.election.vote_changed",
        data={"office": own.organization_id, "nomination": nomination.pk},
    )
    return vote


@transaction.atomic
def election_close(
    *, election_id: int, actor: User | None, negotiation_days: int = DEFAULT_NEGOTIATION_DAYS
) -> Election:
    """Tally and publish the result; the winner becomes the negotiator and negotiation opens.
    Allowed after the deadline, or earlier once every member office has voted. Afterwards
    nothing about the election changes."""
    consortium, election = lock_election(election_id)
    if not election.is_open:
        raise DomainError(_("The election is already closed."))
    own = selectors.own_membership(consortium, actor) if actor is not None else None
    if actor is not None and not permissions.can_close_election(actor, election, own):
        raise PermissionDenied(_("Only a member office closes the election."))
    members = Membership.objects.filter(consortium=consortium, status=MS.JOINED).count()
    voted = election.votes.filter(membership__status=MS.JOINED).count()
    if timezone.now() < election.deadline and voted < members:
        raise DomainError(_("The election closes at its deadline, or earlier once every member office has voted."))
    rows, winner, tie = selectors.election_tally(election)
    if winner is None:
        raise DomainError(_("Nobody has been nominated yet."))
    consortium.move_to(CS.NEGOTIATING)
    election.status = Election.Status.CLOSED
    election.closed_at = timezone.now()
    election.result, election.winner, election.tie_broken = rows, winner, tie
    election.save(update_fields=["status", "closed_at", "result", "winner", "tie_broken", "updated_at"])
    consortium.negotiator_id = winner.candidate_id
    consortium.negotiation_deadline = timezone.now() + datetime.timedelta(days=negotiation_days)
    consortium.save(update_fields=["status", "negotiator", "negotiation_deadline", "updated_at"])
    audit.record(
        actor=actor,
        target=consortium,
        verb="procurement.election.closed",
        data={"result": rows, "winner": winner.candidate_id, "tie_broken": tie},
    )
    notify_members(
        consortium,
        verb="procurement.election.closed",
        email=True,
        title=gettext_noop("%(name)s: %(winner)s was elected negotiator"),
        params={"name": consortium.name, "winner": selectors.name_of(winner.candidate)},
    )
    notify_provider(
        consortium,
        verb="procurement.negotiation.opened",
        title=gettext_noop("%(name)s: the consortium invites your offer"),
        url=reverse("procurement:negotiation_room", kwargs={"pk": consortium.pk}),
        params={"name": consortium.name},
    )
    return election
