from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def fresh_public_cache(settings: Any) -> Iterator[None]:
    """The public pages' cache lives in Redis across tests: each test starts with a new version.
    Page views are written at once (not held for MARKETING_ANALYTICS_FLUSH_SECONDS), and no
    count held from an earlier test is carried in."""
    from marketing import analytics, cache

    settings.MARKETING_ANALYTICS_FLUSH_SECONDS = 0
    analytics._pending.clear()
    cache.invalidate()
    yield
    analytics._pending.clear()
    cache.invalidate()
