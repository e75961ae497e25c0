"""Fixtures for the org-structure pages."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _plain_static_storage(settings: Any) -> None:
    # Page tests must not depend on a collectstatic run being up to date: a new asset such as
    # js/budget-chart.js is missing from a stale manifest until the next collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
