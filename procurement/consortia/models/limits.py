"""The sanity limit on consortium prices."""

from __future__ import annotations

MAX_PRICE_MINOR = 10_000_000_000  # as procurement.models: anything above is a typing mistake
