from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def fresh_public_cache() -> Iterator[None]:
    """The public pages' cache lives in Redis across tests: each test starts with a new version."""
    from marketing import cache

    cache.invalidate()
    yield
    cache.invalidate()
