"""The "my tasks" box on the intranet home.

Business apps register a provider that returns the work waiting for a user (approvals to
give, requests to follow up). The home page shows what every provider returns, so `office`
never imports a business app.

The box and the unread-notification count are cached per user for `TTL` seconds
(`items_for_cached`, `unread_count`): every provider's counts cost a query or two, and every
signed-in page shows the count. The entry is keyed by a per-user version that `invalidate`
replaces (at once and after commit): the middleware calls it after each write the user makes and
`office.actions.notify` for each recipient, so whoever acts, or is told, sees the new count at
once; changes made by others that notify nobody show within `TTL`. The version is read before
the counts are computed, so a count computed while somebody else's write commits is stored
under the old version and never served after the bump.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import get_language

TTL = 30  # seconds a count may lag behind somebody else's change that notified nobody
NAMESPACE = "office:tasks"  # tests give each test its own (tests/conftest.py)


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
    """Every provider's items, computed now (tests and the cache's misses)."""
    items: list[InboxItem] = []
    for provider in _providers:
        items.extend(provider(user))
    return items


# --- the per-user cache ------------------------------------------------------------------------


def _version_key(user_id: int) -> str:
    return f"{NAMESPACE}:version:{user_id}"


def _entry_key(user: Any, version: str | None) -> str:
    # date_joined tells apart two databases' users with the same id (tests, a restore).
    joined = int(user.date_joined.timestamp() * 1_000_000) if user.date_joined else 0
    return f"{NAMESPACE}:{user.pk}:{joined}:{version or '0'}"


def _entry(user: Any) -> dict[str, Any]:
    """The user's cached entry ({"unread": n, "items:<lang>": [...]}) for the request, read once."""
    memo = user.__dict__.setdefault("_office_tasks_entry", {})
    if not memo:
        key = _entry_key(user, cache.get(_version_key(user.pk)))
        memo.update(key=key, data=cache.get(key) or {})
    return memo


def cache_version(user: Any) -> str:
    """A token that changes whenever the user's cached counts are dropped (the navigation's
    cache key includes it: its badges show these counts)."""
    return _entry(user)["key"]


def version_cache_key(user: Any) -> str:
    """The cache key of the user's version, for a caller that reads it with other keys in one
    round trip and passes the value to `cache_version_of` (office.page_cache)."""
    return _version_key(user.pk)


def cache_version_of(user: Any, version: str | None) -> str:
    """`cache_version` from the version's value read by the caller, without reading the entry
    (a stored page needs the token only, not the counts)."""
    return _entry_key(user, version)


def _cached_value(user: Any, field: str, compute: Callable[[], Any]) -> Any:
    entry = _entry(user)
    if field not in entry["data"]:
        entry["data"][field] = compute()
        cache.set(entry["key"], entry["data"], TTL)
    return entry["data"][field]


def unread_query(user: Any) -> QuerySet[Any]:
    from office.models import Notification

    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True)


def unread_count_cached(user: Any) -> int | None:
    """The cached unread count, or None when it must be read (office/nav.py reads it then)."""
    return _entry(user)["data"].get("unread")


def remember_unread_count(user: Any, count: int) -> None:
    _cached_value(user, "unread", lambda: count)


def items_for_cached(user: Any) -> list[InboxItem]:
    """`items_for`, cached per user and language (titles are translated)."""
    return _cached_value(user, f"items:{get_language() or ''}", lambda: items_for(user))


def unread_count(user: Any) -> int:
    return _cached_value(user, "unread", lambda: unread_query(user).count())


def invalidate(user_id: int) -> None:
    """Drop the user's cached counts now and, inside a transaction, again when it commits: a
    page computed between the two bumps (before the commit) is stored under a version that the
    second bump leaves behind."""

    def bump() -> None:
        cache.set(_version_key(user_id), uuid.uuid4().hex, 60 * 60 * 24)

    bump()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(bump)
