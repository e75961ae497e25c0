"""Issuing and signing the member offices' contracts:

    consortium: agreed -> contracting
    contract:   issued -> signed (by the member and by the provider, either first)

Issuing recomputes the tier from the commitments at that moment, under the consortium's row
lock, and fixes it: after that nobody can leave or withdraw, so no contract ever carries a
stale tier. Each side signs the PDF it was shown (its SHA-256 is checked and recorded).
Paying a signed contract is in `contract_payment`.
"""

from __future__ import annotations

import datetime
import hashlib
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from office import audit
from office.actions import notify
from office.dates import add_months
from office.exceptions import DomainError, InvalidTransition
from procurement.consortia import permissions, selectors
from procurement.consortia.actions.common import CS, MS, consortium_url, lock_consortium, notify_provider
from procurement.consortia.models import Consortium, Contract, Membership, Offer
from procurement.consortia.pdf import contract_pdf

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@transaction.atomic
def contracts_issue(*, consortium_id: int, actor: User, starts_on: datetime.date | None = None) -> list[Contract]:
    """Recompute the tier from the commitments as they stand now (under the consortium lock, so
    no commitment or withdrawal slips in between), fix it, and issue one contract per committed
    member at that price. From here on nobody joins, leaves or withdraws."""
    consortium = lock_consortium(consortium_id)
    if not permissions.can_issue_contracts(actor, consortium):
        if not permissions.is_negotiator(actor, consortium):
            raise PermissionDenied(_("Only the elected negotiator issues the contracts."))
        raise InvalidTransition(consortium, CS.CONTRACTING.label)
    offer = consortium.accepted_offer
    members = _committed_members(consortium)
    quantity, price = _fix_tier(consortium, offer)
    starts_on = starts_on or timezone.localdate()
    ends_on = add_months(starts_on, offer.term_months) - datetime.timedelta(days=1)
    contracts = [
        _issue_contract(consortium, membership, offer, price=price, term=(starts_on, ends_on), members=len(members))
        for membership in members
    ]
    audit.record(
        actor=actor,
        target=consortium,
        verb="procurement.consortium.contracts_issued",
        data={"quantity": quantity, "price_minor": price, "contracts": [c.pk for c in contracts]},
    )
    notify_provider(
        consortium,
        verb="procurement.contract.issued",
        title=gettext_noop("%(name)s: %(n)s contracts are ready for your signature"),
        url=consortium_url(consortium),
        params={"name": consortium.name, "n": len(contracts)},
    )
    return contracts


def _committed_members(consortium: Consortium) -> list[Membership]:
    """The committed member offices, locked in pk order; DomainError when there are none."""
    members = list(
        Membership.objects.select_for_update()
        .filter(consortium=consortium, status=MS.JOINED, committed_at__isnull=False)
        .select_related("organization")
        .order_by("pk")
    )
    if not members:
        raise DomainError(_("No member office has committed yet."))
    return members


def _fix_tier(consortium: Consortium, offer: Offer) -> tuple[int, int]:
    """Fix the quantity and the tier price the commitments reach now; the consortium moves to
    contracting. Returns (quantity, price); DomainError below the lowest tier."""
    quantity = selectors.committed_quantity(consortium, offer)
    price = selectors.price_for(consortium, offer, quantity)
    if price is None:
        raise DomainError(_("The commitments (%(n)s) do not reach the offer's lowest tier.") % {"n": quantity})
    consortium.move_to(CS.CONTRACTING)
    consortium.final_quantity, consortium.final_price_minor = quantity, price
    consortium.contracts_issued_at = timezone.now()
    consortium.save(
        update_fields=["status", "final_quantity", "final_price_minor", "contracts_issued_at", "updated_at"]
    )
    return quantity, price


def _issue_contract(
    consortium: Consortium,
    membership: Membership,
    offer: Offer,
    *,
    price: int,
    term: tuple[datetime.date, datetime.date],
    members: int,
) -> Contract:
    """One member's contract with its PDF (and the PDF's hash); its representative is told."""
    contract = Contract(
        consortium=consortium,
        membership=membership,
        organization=membership.organization,
        number=f"CC-{consortium.pk}-{membership.organization.code}"[:40],
        price_minor=price,
        currency=consortium.currency,
        starts_on=term[0],
        ends_on=term[1],
    )
    contract.pdf = contract_pdf(contract, consortium=consortium, offer=offer, members=members)
    contract.pdf_sha256 = hashlib.sha256(contract.pdf).hexdigest()
    contract.save()
    if membership.representative_id:
        notify(
            recipient_id=membership.representative_id,
            verb="procurement.contract.issued",
            title=gettext_noop("%(name)s: your contract %(number)s is ready to sign"),
            url=reverse("procurement:contract_detail", kwargs={"pk": contract.pk}),
            params={"name": consortium.name, "number": contract.number},
        )
    return contract


def _check_hash(contract: Contract, seen_sha256: str) -> None:
    if hashlib.sha256(bytes(contract.pdf)).hexdigest() != contract.pdf_sha256 or seen_sha256 != contract.pdf_sha256:
        raise DomainError(_("The contract you read is not the one on file; reload the page and read it again."))


def _complete_signatures(contract: Contract) -> None:
    if contract.member_signed_at and contract.provider_signed_at:
        contract.move_to(Contract.Status.SIGNED)


@transaction.atomic
def contract_sign(*, contract_id: int, actor: User, signed_name: str, seen_sha256: str, as_provider: bool) -> Contract:
    """Sign for the member office or for the provider: the typed name, the time and the SHA-256
    of the PDF bytes signed are recorded. `seen_sha256` is the hash the signer was shown."""
    consortium = lock_consortium(Contract.objects.get(pk=contract_id).consortium_id)
    contract = Contract.objects.select_for_update().select_related("membership").get(pk=contract_id)
    allowed = (
        permissions.can_sign_as_provider(actor, contract, consortium)
        if as_provider
        else permissions.can_sign_as_member(actor, contract, contract.membership)
    )
    if not allowed:
        if contract.status != Contract.Status.ISSUED or (
            contract.provider_signed_at if as_provider else contract.member_signed_at
        ):
            raise DomainError(_("This contract has already been signed for that side."))
        raise PermissionDenied(_("You cannot sign this contract for that side."))
    signed_name = (signed_name or "").strip()
    if not signed_name:
        raise DomainError(_("Type your full name to sign."))
    _check_hash(contract, (seen_sha256 or "").strip().lower())
    now = timezone.now()
    if as_provider:
        contract.provider_signed_name, contract.provider_signed_by = signed_name[:200], actor
        contract.provider_signed_at, contract.provider_signed_sha256 = now, contract.pdf_sha256
    else:
        contract.member_signed_name, contract.member_signed_by = signed_name[:200], actor
        contract.member_signed_at, contract.member_signed_sha256 = now, contract.pdf_sha256
    _complete_signatures(contract)
    contract.save()
    audit.record(
        actor=actor,
        target=contract,
        verb="procurement.contract.provider_signed" if as_provider else "procurement.contract.member_signed",
        data={"name": signed_name[:200], "sha256": contract.pdf_sha256},
    )
    return contract
