"""Negotiating with the provider:

    negotiating -> agreed (the negotiator accepts the provider's latest offer)
                -> lapsed (the deadline passed without agreement: the beat sweep, `sweep`)

The provider posts offers and the elected negotiator counter-offers (or records an offer the
provider sent another way), each numbered, with price tiers by member offices or FTE.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from office import audit
from office.exceptions import DomainError, InvalidTransition
from procurement.consortia import permissions
from procurement.consortia.actions.common import CS, lock_consortium, notify_members
from procurement.consortia.models import MAX_PRICE_MINOR, Consortium, Offer, OfferTier

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MAX_TIERS = 10


def _clean_tiers(tiers: list[tuple[int, int]]) -> list[tuple[int, int]]:
    cleaned: dict[int, int] = {}
    for minimum, price in tiers:
        if not isinstance(minimum, int) or not isinstance(price, int) or minimum < 1:
            raise DomainError(_("Each tier needs a minimum of at least 1 and a price."))
        if not 0 < price <= MAX_PRICE_MINOR:
            raise DomainError(_("Enter sensible tier prices."))
        if minimum in cleaned:
            raise DomainError(_("Two tiers start at the same quantity."))
        cleaned[minimum] = price
    if not cleaned or len(cleaned) > MAX_TIERS:
        raise DomainError(_("Give between 1 and %(n)s price tiers.") % {"n": MAX_TIERS})
    return sorted(cleaned.items())


@transaction.atomic
def offer_post(
    *,
    consortium_id: int,
    actor: User,
    tiers: list[tuple[int, int]],
    term_months: int,
    concurrent_users: int,
    basis: str = Offer.Basis.MEMBERS,
    sites: str = "",
    ill_allowed: bool = False,
    archival_rights: bool = False,
    perpetual_access: bool = False,
    renewal_cap_percent: int | None = None,
    message: str = "",
    on_behalf_of_provider: bool = False,
) -> Offer:
    """Post an offer (provider) or counter-offer (negotiator) before the negotiation deadline.
    The negotiator may record a provider's offer received another way (`on_behalf_of_provider`)."""
    consortium = lock_consortium(consortium_id)
    if not permissions.can_post_offer(actor, consortium):
        if consortium.status != CS.NEGOTIATING or not permissions.negotiation_open(consortium):
            raise DomainError(_("The negotiation is not open."))
        raise PermissionDenied(_("Only the provider and the elected negotiator post offers."))
    is_provider = permissions.is_provider_of(actor, consortium) and not permissions.is_negotiator(actor, consortium)
    side = Offer.Side.PROVIDER if is_provider or on_behalf_of_provider else Offer.Side.CONSORTIUM
    _check_offer_terms(basis, term_months, concurrent_users, renewal_cap_percent)
    cleaned = _clean_tiers(tiers)
    number = (Offer.objects.filter(consortium=consortium).aggregate(n=Max("number"))["n"] or 0) + 1
    offer = Offer.objects.create(
        consortium=consortium,
        number=number,
        side=side,
        posted_by=actor,
        recorded_for_provider=side == Offer.Side.PROVIDER and not is_provider,
        basis=basis,
        term_months=int(term_months),
        concurrent_users=int(concurrent_users),
        sites=(sites or "").strip()[:300],
        ill_allowed=bool(ill_allowed),
        archival_rights=bool(archival_rights),
        perpetual_access=bool(perpetual_access),
        renewal_cap_percent=renewal_cap_percent,
        message=(message or "").strip(),
    )
    OfferTier.objects.bulk_create(
        [OfferTier(offer=offer, min_quantity=minimum, price_minor=price) for minimum, price in cleaned]
    )
    _announce_offer(consortium, offer, actor, cleaned)
    return offer


def _check_offer_terms(basis: str, term_months: int, concurrent_users: int, renewal_cap_percent: int | None) -> None:
    if basis not in Offer.Basis.values:
        raise DomainError(_("Choose how tiers are counted."))
    if not 1 <= int(term_months) <= 120 or int(concurrent_users) < 1:
        raise DomainError(_("Enter a term of 1 to 120 months and at least one concurrent user."))
    if renewal_cap_percent is not None and not 0 <= renewal_cap_percent <= 100:
        raise DomainError(_("The renewal cap lies between 0 and 100 percent."))


def _announce_offer(consortium: Consortium, offer: Offer, actor: User, tiers: list[tuple[int, int]]) -> None:
    """The offer in the audit log; the member offices' representatives (but the poster) are told."""
    audit.record(
        actor=actor,
        target=consortium,
        verb="procurement.offer.posted",
        data={"offer": offer.pk, "number": offer.number, "side": offer.side, "tiers": tiers},
    )
    notify_members(
        consortium,
        verb="procurement.offer.posted",
        exclude=actor.pk,
        title=gettext_noop("%(name)s: new offer no. %(number)s"),
        params={"name": consortium.name, "number": offer.number},
    )


@transaction.atomic
def negotiation_deadline_set(*, consortium_id: int, actor: User, deadline: datetime.datetime) -> Consortium:
    """The elected negotiator moves the negotiation's deadline (to a time still to come)."""
    consortium = lock_consortium(consortium_id)
    if not permissions.can_set_deadline(actor, consortium):
        if consortium.status != CS.NEGOTIATING:
            raise DomainError(_("The negotiation is not open."))
        raise PermissionDenied(_("Only the elected negotiator sets the negotiation deadline."))
    if deadline <= timezone.now():
        raise DomainError(_("The deadline must lie in the future."))
    consortium.negotiation_deadline = deadline
    consortium.save(update_fields=["negotiation_deadline", "updated_at"])
    audit.record(
        actor=actor,
        target=consortium,
        verb="procurement.consortium.deadline_set",
        data={"deadline": deadline.isoformat()},
    )
    return consortium


@transaction.atomic
def offer_accept(*, offer_id: int, actor: User) -> Consortium:
    """The elected negotiator accepts the provider's latest offer: the consortium agrees, and
    member offices commit at these terms."""
    consortium = lock_consortium(Offer.objects.get(pk=offer_id).consortium_id)
    offer = Offer.objects.get(pk=offer_id)
    if not permissions.can_accept(actor, consortium):
        if not permissions.is_negotiator(actor, consortium):
            raise PermissionDenied(_("Only the elected negotiator accepts an offer."))
        raise InvalidTransition(consortium, CS.AGREED.label)
    latest = Offer.objects.filter(consortium=consortium).order_by("-number").first()
    if offer.side != Offer.Side.PROVIDER or latest is None or latest.pk != offer.pk:
        raise DomainError(_("Only the provider's latest offer can be accepted (a counter-offer came after it)."))
    consortium.move_to(CS.AGREED)
    consortium.accepted_offer = offer
    consortium.agreed_at = timezone.now()
    consortium.save(update_fields=["status", "accepted_offer", "agreed_at", "updated_at"])
    audit.record(
        actor=actor,
        target=consortium,
        verb="procurement.offer.accepted",
        data={"offer": offer.pk, "number": offer.number},
    )
    notify_members(
        consortium,
        verb="procurement.offer.accepted",
        email=True,
        title=gettext_noop("%(name)s: terms agreed, commit your office"),
        params={"name": consortium.name},
    )
    return consortium
