from __future__ import annotations

from typing import Any

import pytest

from office.models import Organization


@pytest.fixture
def home(demo: Any) -> Organization:
    return Organization.objects.get(code="home")


@pytest.fixture
def east(demo: Any) -> Organization:
    return Organization.objects.get(code="east")


@pytest.fixture
def riverside(demo: Any) -> Organization:
    return Organization.objects.get(code="riverside")
