"""A real Celery worker while its Redis is killed and restarted (issue 17 item 1, RELIABILITY.md F1).

The probe's worker died for good: `Connection to broker lost ... Restoring 1 unacknowledged
message(s)` then `CRITICAL Unrecoverable error: AttributeError("'NoneType' object has no
attribute 'hostname'")` (celery 5.7.0 closing the collected connection again; see
office/celery_consumer.py). Here the worker runs as in production (prefork pool, gossip,
mingle and heartbeats on) on a private redis-server, with a task in flight (acks late, so
its message is unacknowledged) when Redis is killed with SIGKILL. After Redis is back the
worker must still be alive and run a task sent after the restart; work that the outage kept
from being enqueued is done by the sweep the real worker runs.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from celery import Celery
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tests.factories import UserFactory
from tests.reliability.conftest import RedisServer
from tests.test_celery_worker import database_url_for_test_db

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(settings.BASE_DIR)
CELERY_BIN = Path(sys.executable).with_name("celery")
TIMEOUT = 60  # seconds: the worker starts, or reconnects (celery waits 2, 4, 6 s between attempts)


@dataclass
class OutageWorker:
    process: subprocess.Popen[bytes]
    redis: RedisServer
    queue: str
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def assert_alive(self) -> None:
        if self.process.poll() is not None:
            raise AssertionError(f"worker exited with {self.process.returncode}:\n{self.output()[-6000:]}")

    def _client(self) -> Celery:
        """A fresh client each time: one that lived through the outage may have given up."""
        app = Celery("outage-client", broker=self.redis.url(), backend=self.redis.url(), set_as_current=False)
        app.conf.broker_connection_retry_on_startup = True
        # Not celery's 20 one-second retries when a result's subscription is dropped later.
        app.conf.result_backend_transport_options = {"retry_policy": {"max_retries": 0}}
        return app

    def send(self, task: str, **kwargs: Any) -> None:
        self.assert_alive()
        app = self._client()
        app.send_task(task, kwargs=kwargs, queue=self.queue, ignore_result=True)
        app.close()

    def call(self, task: str, **kwargs: Any) -> Any:
        self.assert_alive()
        app = self._client()
        result = app.send_task(task, kwargs=kwargs, queue=self.queue)
        try:
            return result.get(timeout=TIMEOUT, disable_sync_subtasks=False)
        except Exception as exc:
            raise AssertionError(f"{task} did not come back ({exc!r}); worker log:\n{self.output()[-6000:]}") from exc
        finally:
            app.close()


@pytest.fixture
def outage_worker(transactional_db: Any, private_redis: RedisServer, tmp_path: Path) -> Iterator[OutageWorker]:
    database_url = database_url_for_test_db()
    if database_url is None:
        pytest.fail("the worker needs a database it can open: run with DATABASE_URL (PostgreSQL)", pytrace=False)
    token = uuid.uuid4().hex[:10]
    queue = f"outage-{token}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "office.settings",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "REDIS_URL": private_redis.url(),  # cache, broker and results, with production's timeouts
        "CELERY_BROKER_URL": private_redis.url(),
        "CELERY_RESULT_BACKEND": private_redis.url(),
        "DATABASE_URL": database_url,
        "DB_CONN_MAX_AGE": "0",  # the test database is flushed and dropped after the test
        "PYTHONUNBUFFERED": "1",
    }
    log = tmp_path / "worker.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(  # noqa: S603
            [
                str(CELERY_BIN),
                "-A",
                "office",
                "worker",
                "--pool=prefork",
                "--concurrency=1",
                "-Q",
                queue,
                "-n",
                f"outage-{token}@%h",
                "-I",
                "tests.reliability.worker_tasks",
                "--loglevel=INFO",
            ],  # fmt: skip
            cwd=BASE_DIR,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    worker = OutageWorker(process, private_redis, queue, log)
    try:
        yield worker
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
                pytest.fail(f"worker ignored SIGTERM for 30 s; killed. Log:\n{worker.output()[-6000:]}")


def _wait_for(path: Path, worker: OutageWorker) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not path.exists():
        worker.assert_alive()
        if time.monotonic() > deadline:
            raise AssertionError(f"{path.name} never appeared; worker log:\n{worker.output()[-6000:]}")
        time.sleep(0.1)


def test_worker_survives_redis_killed_under_a_running_task(outage_worker: OutageWorker, tmp_path: Path) -> None:
    worker = outage_worker
    assert worker.call("office.tasks.ping_task", value="ready") == "ready"

    # A task is running (its message unacknowledged: acks late) when Redis dies.
    started = tmp_path / "started"
    worker.send("tests.reliability.worker_tasks.outage_sleep_task", seconds=8, started_file=str(started))
    _wait_for(started, worker)
    worker.redis.kill()
    time.sleep(1)
    worker.redis.start()

    token = uuid.uuid4().hex
    assert worker.call("office.tasks.ping_task", value=token) == token  # sent after the restart
    worker.assert_alive()
    log = worker.output()
    assert "Connection to broker lost" in log
    assert "Unrecoverable error" not in log, log[-6000:]

    # And again, idle this time: still reconnects.
    worker.redis.kill()
    time.sleep(1)
    worker.redis.start()
    token = uuid.uuid4().hex
    assert worker.call("office.tasks.ping_task", value=token) == token
    worker.assert_alive()
    assert "Unrecoverable error" not in worker.output()


def test_work_that_could_not_be_enqueued_is_done_by_the_sweep_on_the_worker(
    outage_worker: OutageWorker, redis_outage: RedisServer
) -> None:
    from office.actions import notify
    from office.models import Notification

    worker = outage_worker
    assert worker.call("office.tasks.ping_task", value="ready") == "ready"
    user = UserFactory(email="outage.recipient@example.com")

    worker.redis.kill()
    started = time.monotonic()
    with transaction.atomic():  # commits: the e-mail task is published after commit, and fails
        notification = notify(recipient_id=user.pk, verb="tests.outage", title="Sent while Redis was down")
    assert time.monotonic() - started < 2
    notification.refresh_from_db()
    assert notification.emailed_at is None

    worker.redis.start()
    # The sweep leaves each e-mail two minutes to its own task; this one's task never left.
    Notification.objects.filter(pk=notification.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    assert worker.call("office.tasks.notification_email_sweep_task") >= 1  # as beat sends it
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    worker.assert_alive()
