"""Consortium buying (集团采购): offices form a buying group for one resource of one provider,
elect a negotiator, negotiate price tiers and licence terms with the provider, then each member
signs its own contract and pays the provider itself.

These models live in `procurement.consortia` (app label `procurement`) and are imported into
`procurement/models/__init__.py` so Django registers them with the app. Money is integer minor
units plus an ISO 4217 code. Properties never query relations.

One module per topic (`limits`, `providers`, `consortium`, `election`, `offers`, `contracts`);
everything is imported here, so `from procurement.consortia.models import X` works.
"""

# In the order the models were declared before the split (Django registers them as they are
# imported, and that order is the app's model order: content types, admin, flush).
# ruff: noqa: I001
from procurement.consortia.models.limits import MAX_PRICE_MINOR
from procurement.consortia.models.providers import ProviderRepresentative
from procurement.consortia.models.consortium import Consortium, Membership
from procurement.consortia.models.election import Election, Nomination, Vote
from procurement.consortia.models.offers import Offer, OfferTier, tier_price
from procurement.consortia.models.contracts import Contract

__all__ = [
    "MAX_PRICE_MINOR",
    "Consortium",
    "Contract",
    "Election",
    "Membership",
    "Nomination",
    "Offer",
    "OfferTier",
    "ProviderRepresentative",
    "Vote",
    "tier_price",
]
