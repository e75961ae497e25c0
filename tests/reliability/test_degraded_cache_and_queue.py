"""The two pieces that keep a request fast and whole while Redis is down: the cache answers
as an empty cache (office/cache.py) and enqueue_on_commit gives up at once, then backs off
(office/queue.py). Both on a private redis-server killed with SIGKILL."""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest
from django.core.cache import cache

from office import queue
from office.celery import app as celery_app
from tests.reliability.conftest import RedisServer, backoff_over

pytestmark = pytest.mark.django_db


def test_cache_answers_as_an_empty_cache_while_redis_is_down(redis_outage: RedisServer, caplog: Any) -> None:
    assert cache.add("k", 1, 30) is True and cache.get("k") == 1  # the real thing while up
    redis_outage.kill()
    caplog.set_level(logging.WARNING, logger="office.cache")
    started = time.monotonic()
    assert cache.get("k", "missing") == "missing"
    assert cache.add("throttle", 1, 30) is False  # a throttle does not open: the caller skips
    assert cache.set("k", 2) is None
    assert cache.touch("k") is False and cache.delete("k") is False and cache.has_key("k") is False
    assert cache.get_many(["a", "b"]) == {}
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]  # reported as not stored
    assert cache.incr("counter", 3) == 3 and cache.decr("counter") == -1  # counting from zero
    assert cache.get_or_set("computed", lambda: 42) == 42
    assert cache.delete_many(["a"]) is None
    assert time.monotonic() - started < 1
    assert "Cache unavailable, get() answered as a miss" in caplog.text

    redis_outage.start()
    assert cache.get("k", "missing") == "missing"  # within the back-off Redis is not even asked
    backoff_over()
    assert cache.add("k", 5, 30) is True and cache.get("k") == 5  # then back to normal by itself


def test_enqueue_gives_up_fast_then_backs_off_then_sends_again(
    redis_outage: RedisServer, django_capture_on_commit_callbacks: Any
) -> None:
    redis_outage.kill()
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        queue.enqueue_on_commit("office.tasks.ping_task", value="lost")
    assert time.monotonic() - started < 2
    assert queue._broker_down_until > time.monotonic()  # the back-off is armed

    redis_outage.start()
    with django_capture_on_commit_callbacks(execute=True):  # within the back-off: not even tried
        queue.enqueue_on_commit("office.tasks.ping_task", value="skipped")
    assert redis_outage.client().llen("celery") == 0

    queue._broker_down_until = 0.0  # the back-off has passed
    with django_capture_on_commit_callbacks(execute=True):
        queue.enqueue_on_commit("office.tasks.ping_task", value="sent")
    assert redis_outage.client().llen("celery") == 1


def test_eager_tasks_ignore_the_back_off(
    redis_outage: RedisServer, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    """With CELERY_TASK_ALWAYS_EAGER nothing goes through the broker, so nothing is skipped."""
    ran = []
    monkeypatch.setattr(queue, "_broker_down_until", time.monotonic() + 60)
    celery_app.conf.task_always_eager = True
    from office.tasks import ping_task

    monkeypatch.setattr(ping_task, "run", lambda value="pong": ran.append(value) or value)
    with django_capture_on_commit_callbacks(execute=True):
        queue.enqueue_on_commit(ping_task, value="inline")
    assert ran == ["inline"]
