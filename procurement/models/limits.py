"""The sanity limits on quantities and amounts (checked in forms, actions and the DB)."""

from __future__ import annotations

# Anything above these is a typing mistake, not a purchase (checked in forms, actions and the DB).
MAX_QUANTITY = 10_000


MAX_PRICE_MINOR = 10_000_000_000  # 100 million in a two-decimal currency
