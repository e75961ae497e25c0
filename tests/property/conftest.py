"""Property-based bad-input tests (issue 17): Hypothesis generates query parameters and form
fields; every answer must be below 500, and a refusal must leave the database as it was.

The settings profile keeps the run bounded and reproducible: a fixed number of examples per
test, derandomized (CI sees the same examples every run, so a failure reproduces), no
deadline (a page's first request warms caches). Each test builds its `demo` network and its
clients once, as function-scoped fixtures, and runs every example inside a savepoint that is
rolled back (`tests.property.support.example`), so examples neither see each other's rows nor
pay for a new seed: hence the suppressed function_scoped_fixture health check. Raise the
count locally with HYPOTHESIS_PROFILE=thorough.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.utils import translation
from hypothesis import HealthCheck, Phase, settings

settings.register_profile(
    "property",
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,  # derandomized runs replay nothing from a local example database
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    # No shrinking in the suite's run: a failure is reported with the example that failed; the
    # thorough profile shrinks it.
    phases=[Phase.explicit, Phase.generate, Phase.target],
)
settings.register_profile(
    "thorough",
    parent=settings.get_profile("property"),
    max_examples=500,
    derandomize=False,
    phases=list(Phase),
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "property"))


@pytest.fixture(autouse=True)
def _english() -> Any:
    """Refusals are recognised by their English words in a few places; a request in Chinese
    would leave Chinese active in the thread."""
    with translation.override("en"):
        yield
