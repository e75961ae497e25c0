"""Fixtures for customer contact: staffed hours on or off, whatever the clock says."""

from __future__ import annotations

from typing import Any

import pytest

ALWAYS = {"timezone": "Asia/Shanghai", "days": [0, 1, 2, 3, 4, 5, 6], "start": "00:00", "end": "23:59"}
NEVER = {"timezone": "Asia/Shanghai", "days": [], "start": "09:00", "end": "17:30"}


@pytest.fixture
def staffed(settings: Any) -> None:
    settings.SUPPORT_HOURS = ALWAYS


@pytest.fixture
def offline(settings: Any) -> None:
    settings.SUPPORT_HOURS = NEVER


@pytest.fixture
def chat(demo: Any, staffed: None) -> Any:
    from marketing.support import actions

    return actions.conversation_start(
        name="Visitor V", email="visitor@example.org", message="Hello", language="en", page_url="/services/"
    )
