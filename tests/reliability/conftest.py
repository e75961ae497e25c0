"""Fault injection with a private Redis (RELIABILITY.md F1).

Each test starts its own `redis-server` on a free port of 127.0.0.1 (no persistence, like
a cache-only Redis that loses everything when killed) and kills it with SIGKILL, as the
outside probe did; the suite's own Redis (REDIS_URL, shared with other test processes) is
never touched. `redis_outage` points this process's cache and Celery app at the private
Redis, with the timeouts of production, and publishes for real (not eagerly).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from django.conf import settings as django_settings

from office import cache as office_cache
from office import queue
from office.celery import app as celery_app

REDIS_SERVER = shutil.which("redis-server")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A redis-server of our own: start, kill -9, start again on the same port."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def client(self, db: int = 0) -> redis.Redis:
        return redis.Redis.from_url(self.url(db), socket_connect_timeout=1, socket_timeout=2)

    def start(self) -> None:
        assert self.process is None or self.process.poll() is not None, "already running"
        self.process = subprocess.Popen(  # noqa: S603 - a fixed binary, loopback only
            [
                REDIS_SERVER or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],  # fmt: skip
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                self.client().ping()
                return
            except redis.RedisError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"redis-server on port {self.port} did not start") from None
                time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: no shutdown, no goodbye to the clients."""
        assert self.process is not None and self.process.poll() is None, "not running"
        self.process.kill()
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[RedisServer]:
    if REDIS_SERVER is None:
        pytest.fail("redis-server is not installed (apt-get install redis-server)", pytrace=False)
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _celery_point_at(broker: str, backend: str) -> None:
    celery_app.conf.broker_url = broker
    celery_app.conf.result_backend = backend
    # Forget the producer pools of the previous broker, as Celery does after a fork (not
    # app.close(): that deregisters the app, and tasks imported later would not find it).
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def redis_outage(settings: Any, private_redis: RedisServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[RedisServer]:
    """This process's cache and Celery producer on the private Redis, as in production."""
    settings.CACHES = {
        "default": {
            "BACKEND": "office.cache.ResilientRedisCache",
            "LOCATION": private_redis.url(1),
            "OPTIONS": {
                "socket_timeout": django_settings.CACHE_SOCKET_TIMEOUT,
                "socket_connect_timeout": django_settings.REDIS_CONNECT_TIMEOUT,
            },
        }
    }
    before = {
        key: celery_app.conf[key]
        for key in ("broker_url", "result_backend", "broker_transport_options", "task_always_eager")
    }
    # The options production derives when REDIS_URL is set, whatever this run's broker is.
    celery_app.conf.broker_transport_options = {
        "visibility_timeout": 3600,
        "socket_timeout": django_settings.REDIS_SOCKET_TIMEOUT,
        "socket_connect_timeout": django_settings.REDIS_CONNECT_TIMEOUT,
    }
    _celery_point_at(private_redis.url(0), private_redis.url(0))
    celery_app.conf.task_always_eager = False
    monkeypatch.setattr(queue, "_broker_down_until", 0.0)
    monkeypatch.setattr(office_cache, "_down_until", 0.0)
    try:
        yield private_redis
    finally:
        _celery_point_at(before["broker_url"], before["result_backend"])
        celery_app.conf.broker_transport_options = before["broker_transport_options"]
        celery_app.conf.task_always_eager = before["task_always_eager"]


def run_eagerly() -> None:
    """From here on tasks run inline, as the worker would run what the sweeps send."""
    celery_app.conf.task_always_eager = True


def backoff_over() -> None:
    """The back-offs after a failure (QUEUE_BROKER_BACKOFF_SECONDS, CACHE_BACKOFF_SECONDS) have passed."""
    queue._broker_down_until = 0.0
    office_cache._down_until = 0.0
