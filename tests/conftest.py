"""Shared fixtures: demo network with a user per role, fast password hashing, service checks.

With REQUIRE_REAL_SERVICES=1 (CI) the session fails at once unless the database is
PostgreSQL and Redis answers: the suite never quietly falls back to SQLite.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from office.celery import app as celery_app


def pytest_sessionstart(session: pytest.Session) -> None:
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        # Parallel test processes share one Redis: their cache keys (throttles, locks) must
        # not meet, as their databases (test_..._gw0, _gw1) do not.
        for cache in settings.CACHES.values():
            cache["KEY_PREFIX"] = f"{cache.get('KEY_PREFIX', '')}{worker}"
    if os.environ.get("REQUIRE_REAL_SERVICES") != "1":
        return
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        raise pytest.UsageError(f"REQUIRE_REAL_SERVICES=1 but the database engine is {engine}; set DATABASE_URL.")
    if not settings.REDIS_URL:
        raise pytest.UsageError("REQUIRE_REAL_SERVICES=1 but REDIS_URL is not set.")
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        raise pytest.UsageError(f"Redis at {settings.REDIS_URL} does not answer: {exc}") from exc


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Under pytest-xdist (make test) the browser journeys and the real-worker tests run one
    # after another in one process (--dist loadgroup), beside the rest.
    for item in items:
        if item.get_closest_marker("browser") or item.get_closest_marker("worker"):
            item.add_marker(pytest.mark.xdist_group("serial"))


@pytest.fixture(scope="session", autouse=True)
def _serialized_rollback_after_any_test() -> Iterator[None]:
    """A serialized-rollback test gets the serialized database whatever ran before it.

    A transactional test's teardown flushes the tables and re-runs post_migrate, which
    recreates content types and permissions under new ids; reloading the serialized rows
    (old ids) then collided with them (the OAI harvest test failed whenever a concurrency
    test ran first). The tables, empty but for what post_migrate wrote (content types,
    permissions, default schedules), are emptied before the serialized rows go back, and the
    content-type cache forgets the new ids."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.management.color import no_style
    from django.db.backends.base.creation import BaseDatabaseCreation

    original = BaseDatabaseCreation.deserialize_db_from_string

    def deserialize(self: BaseDatabaseCreation, data: str) -> None:
        connection = self.connection
        tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
        with connection.cursor() as cursor:
            for sql in connection.ops.sql_flush(no_style(), tables, allow_cascade=True):
                cursor.execute(sql)
        original(self, data)
        ContentType.objects.clear_cache()

    BaseDatabaseCreation.deserialize_db_from_string = deserialize
    yield
    BaseDatabaseCreation.deserialize_db_from_string = original


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    celery_app.conf.task_always_eager = True
    # Tests write with the ORM between two requests of the same person inside one transaction,
    # which no data version sees before the commit: the signed-in page cache is off except in
    # the tests that turn it on (tests/office/test_page_cache.py). TEST_PAGE_CACHE_SECONDS=30
    # runs a suite with it on (the browser journeys commit each step, as a real office does).
    settings.PAGE_CACHE_SECONDS = int(os.environ.get("TEST_PAGE_CACHE_SECONDS", "0"))
    # Pages must not depend on a collectstatic run being up to date (a new asset is missing
    # from a stale manifest until the next collectstatic); production keeps the manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _site_language_after_each_test() -> Iterator[None]:
    """A page requested in Chinese leaves Chinese active in the thread (LocaleMiddleware does
    not reset it); the next test must start in the site's language."""
    from django.utils import translation

    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_rate_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test counts sign-ups and password resets from zero: office.ratelimit keeps its
    counts in Redis for an hour, and every test client comes from 127.0.0.1, so counts from
    earlier tests (or an earlier run) would otherwise refuse a later test's requests."""
    import uuid

    from office import ratelimit

    monkeypatch.setattr(ratelimit, "NAMESPACE", f"ratelimit-test-{uuid.uuid4().hex[:12]}")


@pytest.fixture(autouse=True)
def _cache_back_off_reset(monkeypatch: pytest.MonkeyPatch) -> None:
    """office.cache stops asking Redis for a few seconds after an error; a test that made the
    cache fail must not leave the next test in the same process a cache that answers misses."""
    from office import cache as office_cache

    monkeypatch.setattr(office_cache, "_down_until", 0.0)


@pytest.fixture(autouse=True)
def _fresh_task_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """office.inbox caches each user's task counts (and base.html the navigation, keyed by
    their version) in Redis; the demo snapshot gives every test the same users, ids included."""
    import uuid

    from office import inbox

    monkeypatch.setattr(inbox, "NAMESPACE", f"tasks-test-{uuid.uuid4().hex[:12]}")


@pytest.fixture(autouse=True)
def _fresh_page_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """office/page_cache.py and office/data_versions.py keep pages and versions in Redis; the
    demo snapshot gives every test the same users and ids."""
    import uuid

    from office import data_versions, page_cache

    monkeypatch.setattr(page_cache, "NAMESPACE", f"page-test-{uuid.uuid4().hex[:12]}")
    monkeypatch.setattr(data_versions, "NAMESPACE", f"data-test-{uuid.uuid4().hex[:12]}")


@pytest.fixture(autouse=True)
def _fresh_catalogue_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """services/public_cache.py keeps the anonymous catalogue pages in Redis, tagged with a
    version only an offering's save changes: each test starts with a namespace of its own."""
    import uuid

    from services import public_cache

    monkeypatch.setattr(public_cache, "NAMESPACE", f"services-public-test-{uuid.uuid4().hex[:12]}")


DEMO_USERNAMES = [
    "director",
    "admin_assistant",
    "business_assistant",
    "head_infodev",
    "head_custsvc",
    "head_techsvc",
    "staff_infodev",
    "staff_custsvc",
    "staff_techsvc",
    "staff_nav",
    "director_east",
    "staff_east",
    "staff_riverside",
    "staff_north",
    "client_a",
    "client_b",
]


@dataclass
class Demo:
    users: dict[str, Any]

    def __getattr__(self, name: str) -> Any:
        try:
            return self.users[name]
        except KeyError:
            raise AttributeError(name) from None

    def client(self, username: str | None) -> Client:
        client = Client()
        if username:
            client.force_login(self.users[username])
        return client


@dataclass
class _Snapshot:
    fingerprint: dict[str, int]  # hash of every table that had rows before the seed
    empty: list[str]  # the tables the seed wrote to that were empty before
    added: dict[str, list[str]] | None  # COPY lines the seed added, per table; None: not replayable


class DemoSnapshots:
    """seed_demo costs about 1,800 queries; most tests want its rows, not its run. The first
    test per minute of clock, kind of test transaction, language and relevant setting seeds
    for real and keeps the rows the seed added, as PostgreSQL COPY text, with a fingerprint of
    the tables that had rows before (content types, permissions: a transactional test's flush
    recreates them with other ids). A later test whose database has the same fingerprint gets
    the rows COPYed back in one transaction (the foreign keys are deferred) and the sequences
    moved past them; any other state is seeded for real and kept too. A seed that changed or
    removed a row that was already there cannot be replayed, so that state is always seeded
    for real. Replayed rows are up to a minute old: a test that needs the demo's times to the
    second (the simulated vendor's order moves at 1, 3 and 6 minutes) sets them itself."""

    def __init__(self) -> None:
        self.snapshots: dict[tuple, list[_Snapshot]] = {}
        self._columns: dict[str, str] = {}

    @staticmethod
    def key() -> tuple:
        from django.db import connection
        from django.utils import timezone, translation

        return (
            # Rows age: a replayed order was sent up to a minute before the test began.
            int(timezone.now().timestamp()) // 60,
            # In a transactional test the seed's after-commit work (tasks, mail) ran; otherwise not.
            connection.in_atomic_block,
            translation.get_language(),
            settings.LANGUAGE_CODE,
            settings.TIME_ZONE,
            getattr(settings, "DEFAULT_CURRENCY", ""),
            getattr(settings, "PAYMENTS_BACKEND", ""),
            settings.DEMO_PASSWORD,
            # The seed writes files (store downloads, covers) under MEDIA_ROOT: a snapshot seeded
            # in a test's own tmp_path names files that are not in another test's MEDIA_ROOT.
            str(settings.MEDIA_ROOT),
            repr(getattr(settings, "STORAGES", {}).get("default")),
        )

    def _tables(self, cursor: Any) -> list[str]:
        if not self._columns:
            cursor.execute(
                "SELECT table_name, string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position)"
                " FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)"
                " WHERE table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND c.is_generated = 'NEVER'"
                " GROUP BY table_name"
            )
            self._columns = dict(cursor.fetchall())
        return sorted(self._columns)

    def _dump(self, cursor: Any, tables: Iterable[str]) -> dict[str, list[str]]:
        import io

        rows = {}
        for table in tables:
            buffer = io.StringIO()
            cursor.cursor.copy_expert(f'COPY (SELECT {self._columns[table]} FROM "{table}") TO STDOUT', buffer)
            rows[table] = buffer.getvalue().split("\n")[:-1]  # COPY escapes \n only, not other breaks
        return rows

    @staticmethod
    def _hash(lines: list[str]) -> int:
        return hash(frozenset(Counter(lines).items()))

    def seed(self) -> None:
        from django.contrib.contenttypes.models import ContentType
        from django.db import connection

        # A transactional test's flush recreates the content types under new ids; the process's
        # ContentType cache would hand the seed's audit events the old, missing ones.
        ContentType.objects.clear_cache()

        if connection.vendor != "postgresql":
            self._seed_for_real()
            return
        known = self.snapshots.setdefault(self.key(), [])
        with connection.cursor() as cursor:
            self._tables(cursor)
            for snapshot in known:
                if self._matches(cursor, snapshot):
                    if snapshot.added is None:
                        break
                    self._replay(snapshot.added)
                    return
            before = self._dump(cursor, self._columns)
            self._seed_for_real()
            after = self._dump(cursor, self._columns)
        known.append(self._diff(before, after))

    def _matches(self, cursor: Any, snapshot: _Snapshot) -> bool:
        """The database is as it was before that snapshot's seed: same rows in the tables that
        had rows, and the other tables the seed wrote to still empty."""
        if snapshot.empty:
            cursor.execute("SELECT " + ", ".join(f'EXISTS (SELECT 1 FROM "{t}")' for t in snapshot.empty))
            if any(cursor.fetchone()):
                return False
        now = self._dump(cursor, snapshot.fingerprint)
        return all(self._hash(now[t]) == h for t, h in snapshot.fingerprint.items())

    def _diff(self, before: dict[str, list[str]], after: dict[str, list[str]]) -> _Snapshot:
        fingerprint = {t: self._hash(lines) for t, lines in before.items() if lines}
        empty = [t for t, lines in after.items() if lines and not before.get(t)]
        added: dict[str, list[str]] = {}
        for table, lines in after.items():
            old = Counter(before.get(table, []))
            if old - Counter(lines):
                return _Snapshot(fingerprint, empty, None)  # the seed changed a row it did not create
            new = Counter(lines) - old
            kept = []
            for line in lines:
                if new[line] > 0:
                    kept.append(line)
                    new[line] -= 1
            if kept:
                added[table] = kept
        return _Snapshot(fingerprint, empty, added)

    @staticmethod
    def _seed_for_real() -> None:
        call_command("seed_demo", stdout=open(os.devnull, "w"))

    def _replay(self, added: dict[str, list[str]]) -> None:
        import io

        from django.apps import apps
        from django.core.management.color import no_style
        from django.db import connection, transaction

        models = [m for m in apps.get_models(include_auto_created=True) if m._meta.db_table in added]
        with transaction.atomic(), connection.cursor() as cursor:
            # The rows as the seed left them, triggers off: a trigger-filled table (the catalog's
            # search terms) is in the snapshot already and would be filled twice.
            cursor.execute("SET LOCAL session_replication_role = replica")
            for table, lines in added.items():
                buffer = io.StringIO("\n".join(lines) + "\n")
                cursor.cursor.copy_expert(f'COPY "{table}" ({self._columns[table]}) FROM STDIN', buffer)
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)


_demo_snapshots = DemoSnapshots()


@pytest.fixture
def demo(db: Any) -> Demo:
    """The seed_demo network: home office, three member offices, a user for every role."""
    _demo_snapshots.seed()
    users = {u.username: u for u in get_user_model().objects.filter(username__in=DEMO_USERNAMES)}
    return Demo(users=users)
