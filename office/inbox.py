"""The "my tasks" box on the intranet home.

Business apps register a provider that returns the work waiting for a user (approvals to
give, requests to follow up). The home page shows what every provider returns, so `office`
never imports a business app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class InboxItem:
    title: str
    url: str
    count: int = 1
    kind: str = "task"  # "approval", "request", "task": picks the icon


Provider = Callable[[Any], list[InboxItem]]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def items_for(user: Any) -> list[InboxItem]:
    items: list[InboxItem] = []
    for provider in _providers:
        items.extend(provider(user))
    return items
