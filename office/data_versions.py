"""A version per app's data, replaced after each commit that wrote to the app's tables (issue 18):
what a cached page (office.page_cache) names its data by.

Every database connection gets an execute wrapper that looks at each statement's first word: an
INSERT, UPDATE or DELETE on an app's table registers, once per transaction and app, an after-
commit callback that gives the app a new version in the cache. The ORM's saves, `update()`,
`bulk_create()`, deletes and raw SQL through Django's connection are all covered, in web
requests, Celery tasks and commands alike. Writes made outside Django (psql, a restore) are
not seen: the page cache's short lifetime bounds those.

At the transaction's first write to the app and again after its commit: a page rendered while
the write is still uncommitted reads the old data under an intermediate version, which the
commit replaces once the data is visible; a page rendered between the commit and the
replacement reads the new data under the intermediate version, a key never served again.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.backends.signals import connection_created
from django.dispatch import receiver

logger = logging.getLogger(__name__)
NAMESPACE = "office:data"  # tests give each test its own (tests/conftest.py)
_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z0-9_]+)"?', re.IGNORECASE)
# Tables written often that few pages show get an area of their own, so that an audit entry,
# a notification or a worker's heartbeat does not drop every page that shows the office's
# organisation data (every page: guards read profiles, units and positions).
AREAS = {
    "office_auditevent": "audit",
    "office_notification": "notifications",
    "office_workerheartbeat": "heartbeat",
    "office_backuprun": "backups",
    "office_backupdrill": "backups",
    "office_backupretention": "backups",
    # Who holds which Django permission (the admin's groups); auth_user itself changes at every
    # login (last_login) and stays out of the pages' keys.
    "auth_user_groups": "permissions",
    "auth_user_user_permissions": "permissions",
    "auth_group_permissions": "permissions",
}
_areas_of_tables: dict[str, str] = {}


def _app_of(table: str) -> str | None:
    """The area a table's writes change: its app's label, or its own area (AREAS)."""
    if not _areas_of_tables:
        for model in apps.get_models(include_auto_created=True):
            _areas_of_tables[model._meta.db_table] = model._meta.app_label
        _areas_of_tables.update(AREAS)
    return _areas_of_tables.get(table)


def _key(app_label: str) -> str:
    return f"{NAMESPACE}:{app_label}"


def bump(app_label: str) -> None:
    """A new version for the app. A cache error never fails the write that caused it (the
    project's cache answers as a miss itself; any other backend is caught here): pages stored
    before it then live out PAGE_CACHE_SECONDS."""
    try:
        cache.set(_key(app_label), uuid.uuid4().hex, timeout=None)
    except Exception:  # noqa: BLE001 - any backend's error; the write goes on
        logger.warning("Data version of %s not replaced: cache unavailable", app_label, exc_info=True)


def versions(app_labels: Iterable[str], *, also: Iterable[str] = ()) -> list[str] | None:
    """The current version of each app's data (a missing one is created: an evicted version
    must not fall back to a value that an older page was stored under); None when the cache
    cannot say (nothing is then served from it or stored). `also`: other cache keys read in
    the same round trip, their values (None where missing) after the versions."""
    labels = list(app_labels)
    others = list(also)
    try:
        found = cache.get_many([_key(label) for label in labels] + others)
        result = []
        for label in labels:
            value = found.get(_key(label))
            if value is None:
                cache.add(_key(label), uuid.uuid4().hex, timeout=None)
                value = cache.get(_key(label))
            if value is None:  # the cache stores nothing (an outage answered as a miss)
                return None
            result.append(value)
        result.extend(found.get(key) for key in others)
    except Exception:  # noqa: BLE001 - any backend's error: no versions, no cached pages
        logger.warning("Data versions unavailable: cache error", exc_info=True)
        return None
    return result


class _Bump:
    """The after-commit callback of one app's writes in one transaction."""

    def __init__(self, app_label: str) -> None:
        self.app_label = app_label

    def __call__(self) -> None:
        bump(self.app_label)


def _pending(connection: Any, app_label: str) -> bool:
    """A bump of the app already waits for this transaction's commit (Django drops the callbacks
    of a rolled-back savepoint from this list, so a write after it registers again)."""
    return any(
        isinstance(func, _Bump) and func.app_label == app_label for _sids, func, _robust in connection.run_on_commit
    )


def _tracking(connection: Any) -> Callable[..., Any]:
    def track(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        result = execute(sql, params, many, context)
        first = sql[:7].upper() if isinstance(sql, str) else ""
        if first.startswith(("INSERT", "UPDATE", "DELETE")):
            match = _WRITE.match(sql)
            app_label = _app_of(match.group(1)) if match else None
            if app_label is not None and not (connection.in_atomic_block and _pending(connection, app_label)):
                if connection.in_atomic_block:
                    bump(app_label)  # at once as well: a page stored from here to the commit is dropped
                transaction.on_commit(_Bump(app_label), using=connection.alias, robust=True)
        return result

    track.office_data_versions = True  # type: ignore[attr-defined]
    return track


@receiver(connection_created)
def _install(sender: Any, connection: Any, **kwargs: Any) -> None:
    if not any(getattr(wrapper, "office_data_versions", False) for wrapper in connection.execute_wrappers):
        connection.execute_wrappers.append(_tracking(connection))
