"""Messages to outside partners (ISO 18626), sent from every transition."""

from __future__ import annotations

from typing import Any


def after_transition(request: Any, event: Any) -> None:
    """H2 sends ISO 18626 messages to outside partners from here."""
