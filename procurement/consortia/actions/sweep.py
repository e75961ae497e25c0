"""The beat sweep: deadlines and the end of the term.

    electing -> negotiating (tallied at the deadline) | cancelled (nobody nominated)
    negotiating -> lapsed (deadline passed without an accepted offer)
    contract: issued | signed | paid -> expired;  consortium: contracting | active -> expired

Each step runs in its own transaction under the consortium's row lock and re-checks the state
there, so a sweep that runs twice (or races a member's click) changes nothing the second time.
They are called by `consortia_sweep`, the beat task's body (procurement/consortia/tasks.py).
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from office import audit
from office.actions import notify
from office.texts import when
from procurement.consortia import selectors
from procurement.consortia.actions.common import CS, lock_consortium, lock_election, notify_members, notify_provider
from procurement.consortia.actions.election import election_close
from procurement.consortia.models import Consortium, Contract, Election
from procurement.models import Licence

logger = logging.getLogger(__name__)


@transaction.atomic
def election_deadline_passed(*, election_id: int) -> str:
    """Tally an open election whose deadline has passed (tie rule as in `tally`). With nobody
    nominated nobody can be elected, and nominating is over: the consortium is cancelled.
    Returns "closed", "cancelled" or "" (nothing to do)."""
    consortium, election = lock_election(election_id)
    if not election.is_open or consortium.status != CS.ELECTING or timezone.now() < election.deadline:
        return ""
    _rows, winner, _tie = selectors.election_tally(election)
    if winner is not None:
        election_close(election_id=election.pk, actor=None)
        return "closed"
    consortium.move_to(CS.CANCELLED)
    consortium.save(update_fields=["status", "updated_at"])
    election.status = Election.Status.CLOSED
    election.closed_at = timezone.now()
    election.result = []
    election.save(update_fields=["status", "closed_at", "result", "updated_at"])
    audit.record(
        actor=None,
        target=consortium,
        verb="procurement.election.failed",
        data={"deadline": election.deadline.isoformat(), "reason": "no candidates"},
    )
    notify_members(
        consortium,
        verb="procurement.election.failed",
        email=True,
        title=gettext_noop("%(name)s: nobody was nominated by the deadline; the consortium is cancelled"),
        params={"name": consortium.name},
    )
    return "cancelled"


@transaction.atomic
def negotiation_deadline_passed(*, consortium_id: int) -> bool:
    """A negotiation whose deadline passed without an accepted offer lapses: no more offers,
    nothing to accept. (An accepted offer moved the consortium to "agreed" already.)"""
    consortium = lock_consortium(consortium_id)
    deadline = consortium.negotiation_deadline
    if consortium.status != CS.NEGOTIATING or deadline is None or timezone.now() < deadline:
        return False
    consortium.move_to(CS.LAPSED)
    consortium.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=None,
        target=consortium,
        verb="procurement.negotiation.lapsed",
        data={"deadline": deadline.isoformat(), "offers": consortium.offers.count()},
    )
    title = gettext_noop("%(name)s: the negotiation lapsed without agreement by its deadline")
    params = {"name": consortium.name}
    notify_members(consortium, verb="procurement.negotiation.lapsed", email=True, title=title, params=params)
    notify_provider(
        consortium,
        verb="procurement.negotiation.lapsed",
        title=title,
        params=params,
        url=reverse("procurement:negotiation_room", kwargs={"pk": consortium.pk}),
    )
    return True


@transaction.atomic
def consortium_term_ended(*, consortium_id: int) -> int:
    """Expire the contracts whose term has ended (paid or not: an unpaid one can no longer be
    paid) and the members' licences from them; once every contract has expired, so has the
    consortium (a renewal round may follow). Returns the number of contracts expired."""
    consortium = lock_consortium(consortium_id)
    if consortium.status not in (CS.CONTRACTING, CS.ACTIVE):
        return 0
    today = timezone.localdate()
    contracts = list(
        Contract.objects.select_for_update()
        .filter(consortium=consortium)
        .exclude(status=Contract.Status.EXPIRED)
        .select_related("membership")
        .order_by("pk")
    )
    ended = [c for c in contracts if c.ends_on < today]
    for contract in ended:
        _expire_contract(contract, today)
    if ended and len(ended) == len(contracts):
        consortium.move_to(CS.EXPIRED)
        consortium.save(update_fields=["status", "updated_at"])
        audit.record(actor=None, target=consortium, verb="procurement.consortium.expired", data={"on": str(today)})
        notify_members(
            consortium,
            verb="procurement.consortium.expired",
            email=True,
            title=gettext_noop("%(name)s has expired: start the renewal round if your office wants to continue"),
            params={"name": consortium.name},
        )
    return len(ended)


def _expire_contract(contract: Contract, today: datetime.date) -> None:
    """The contract expires, and the member's licence from it once that has ended too; the
    member's representative is told."""
    contract.move_to(Contract.Status.EXPIRED)
    contract.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=None, target=contract, verb="procurement.contract.expired", data={"ends_on": str(contract.ends_on)}
    )
    if contract.licence_id:
        licence = Licence.objects.select_for_update().get(pk=contract.licence_id)
        if licence.status == Licence.Status.ACTIVE and licence.ends_on < today:
            licence.status = Licence.Status.EXPIRED
            licence.save(update_fields=["status", "updated_at"])
            audit.record(actor=None, target=licence, verb="procurement.licence.expired")
    if contract.membership.representative_id:
        notify(
            recipient_id=contract.membership.representative_id,
            verb="procurement.contract.expired",
            title=gettext_noop("Contract %(number)s has ended on %(date)s"),
            url=reverse("procurement:contract_detail", kwargs={"pk": contract.pk}),
            send_email=False,
            params={"number": contract.number, "date": when(contract.ends_on)},
        )


def consortia_sweep() -> dict[str, int]:
    """Beat: close elections, lapse negotiations and expire contracts whose time has come. One
    transaction per consortium; a failure is logged and the others still run."""
    counts = {"elections_closed": 0, "consortia_cancelled": 0, "negotiations_lapsed": 0, "contracts_expired": 0}
    now, today = timezone.now(), timezone.localdate()
    steps: list[tuple[str, Any, list[int]]] = [
        (
            "election",
            lambda pk: election_deadline_passed(election_id=pk),
            list(
                Election.objects.filter(
                    status=Election.Status.OPEN, deadline__lte=now, consortium__status=CS.ELECTING
                ).values_list("pk", flat=True)
            ),
        ),
        (
            "negotiation",
            lambda pk: negotiation_deadline_passed(consortium_id=pk),
            list(
                Consortium.objects.filter(status=CS.NEGOTIATING, negotiation_deadline__lte=now).values_list(
                    "pk", flat=True
                )
            ),
        ),
        (
            "term",
            lambda pk: consortium_term_ended(consortium_id=pk),
            list(
                Consortium.objects.filter(status__in=[CS.CONTRACTING, CS.ACTIVE], contracts__ends_on__lt=today)
                .distinct()
                .values_list("pk", flat=True)
            ),
        ),
    ]
    for kind, step, ids in steps:
        for pk in ids:
            try:
                result = step(pk)
            except Exception:  # one broken consortium must not stop the sweep for the others
                logger.exception("Consortium sweep: %s step failed for %s", kind, pk)
                continue
            if kind == "election":
                if result == "closed":
                    counts["elections_closed"] += 1
                elif result == "cancelled":
                    counts["consortia_cancelled"] += 1
            elif kind == "negotiation":
                counts["negotiations_lapsed"] += int(result)
            else:
                counts["contracts_expired"] += result
    return counts
