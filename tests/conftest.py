"""Shared fixtures: demo network with a user per role, fast password hashing, service checks.

With REQUIRE_REAL_SERVICES=1 (CI) the session fails at once unless the database is
PostgreSQL and Redis answers: the suite never quietly falls back to SQLite.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from office.celery import app as celery_app


def pytest_sessionstart(session: pytest.Session) -> None:
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


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    celery_app.conf.task_always_eager = True
    # Pages must not depend on a collectstatic run being up to date (a new asset is missing
    # from a stale manifest until the next collectstatic); production keeps the manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


DEMO_USERNAMES = [
    "director", "admin_assistant", "business_assistant", "head_infodev", "head_custsvc", "head_techsvc",
    "staff_infodev", "staff_custsvc", "staff_techsvc", "staff_nav", "director_east", "staff_east",
    "staff_riverside", "staff_north", "client_a", "client_b",
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


@pytest.fixture
def demo(db: Any) -> Demo:
    """The seed_demo network: home office, three member offices, a user for every role."""
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    users = {u.username: u for u in get_user_model().objects.filter(username__in=DEMO_USERNAMES)}
    return Demo(users=users)
