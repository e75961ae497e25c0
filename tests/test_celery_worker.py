"""A task round-trips through a REAL Celery worker process (not eager mode).

The worker is `.venv/bin/celery -A office worker --pool=solo` started as a subprocess with
CELERY_TASK_ALWAYS_EAGER=false, on the same broker as the test:

- REDIS_URL set (CI): Redis is broker and result store;
- otherwise: the embedded SQLite broker (sqla+sqlite) and result store in a temporary folder.

The worker uses the TEST database (DATABASE_URL built from the test connection), and the
WorkerHeartbeat row is read back through the ORM. The default SQLite test database lives in
this process's memory, where no other process can reach it: the worker then gets a freshly
migrated SQLite file of its own, and the test reads the row from that file.

Each run uses its own queue and worker name, so a developer's worker on the same Redis can
neither steal these tasks nor satisfy the test in our worker's place.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection
from django.utils import timezone

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(settings.BASE_DIR)
CELERY_BIN = Path(sys.executable).with_name("celery")
ROUND_TRIP_TIMEOUT = 60  # seconds; the first task also waits for the worker to start


def database_url_for_test_db() -> str | None:
    """DATABASE_URL of the database this test is using, or None if another process cannot open it."""
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        if connection.is_in_memory_db():
            return None
        return f"sqlite:///{params['NAME']}"
    if connection.vendor == "postgresql":
        auth = quote(params["USER"] or "", safe="")
        if params.get("PASSWORD"):
            auth += ":" + quote(params["PASSWORD"], safe="")
        host = params.get("HOST") or "127.0.0.1"
        port = f":{params['PORT']}" if params.get("PORT") else ""
        return f"postgres://{auth}@{host}{port}/{params['NAME']}"
    raise AssertionError(f"no DATABASE_URL recipe for {connection.vendor}")


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    app: Celery  # a client app on the same broker and result store as the worker
    queue: str
    nodename: str
    log: Path
    own_db: Path | None  # the worker's own SQLite file when the test database is in memory

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def call(self, task: str, **kwargs: Any) -> Any:
        if self.process.poll() is not None:
            raise AssertionError(f"worker exited with {self.process.returncode}:\n{self.output()}")
        result = self.app.send_task(task, kwargs=kwargs, queue=self.queue)
        try:
            # Earlier eager-mode tests in this process can leave Celery believing it runs inside a
            # task; this process is only a client here, so waiting on the result is safe.
            return result.get(timeout=ROUND_TRIP_TIMEOUT, disable_sync_subtasks=False)
        except Exception as exc:
            raise AssertionError(f"{task} did not come back ({exc!r}); worker log:\n{self.output()}") from exc


@pytest.fixture
def celery_worker_process(transactional_db: Any, tmp_path: Path) -> Iterator[Worker]:
    assert CELERY_BIN.exists(), f"{CELERY_BIN} missing: the venv has no celery"
    if settings.REDIS_URL:
        broker = backend = settings.REDIS_URL
    else:
        broker = f"sqla+sqlite:///{tmp_path / 'broker.sqlite3'}"
        backend = f"db+sqlite:///{tmp_path / 'results.sqlite3'}"
    database_url = database_url_for_test_db()
    token = uuid.uuid4().hex[:10]
    queue = f"test-{token}"
    nodename = f"test-{token}@{os.uname().nodename}"

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "office.settings",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_BROKER_URL": broker,
        "CELERY_RESULT_BACKEND": backend,
        "DB_CONN_MAX_AGE": "0",  # the test database is flushed and dropped after the test
        "PYTHONUNBUFFERED": "1",
    }
    own_db = None
    if not database_url:
        own_db = tmp_path / "worker.sqlite3"
        database_url = f"sqlite:///{own_db}"
        migrate = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=BASE_DIR,
            env={**env, "DATABASE_URL": database_url},
            capture_output=True,
            text=True,
            timeout=240,
        )
        assert migrate.returncode == 0, migrate.stdout + migrate.stderr
    env["DATABASE_URL"] = database_url

    log = tmp_path / "worker.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [
                str(CELERY_BIN),
                "-A",
                "office",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "-Q",
                queue,
                "-n",
                nodename,
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
            ],  # fmt: skip
            cwd=BASE_DIR,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    app = Celery("worker-test", broker=broker, backend=backend, set_as_current=False)  # keep office.celery current
    app.conf.broker_connection_retry_on_startup = True
    worker = Worker(process, app, queue, nodename, log, own_db=own_db)
    try:
        yield worker
    finally:
        app.close()
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)  # warm shutdown: finish the current task, then exit
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
                pytest.fail(f"worker ignored SIGTERM for 30 s; killed. Log:\n{worker.output()}")
        assert process.returncode == 0, f"worker exited with {process.returncode}:\n{worker.output()}"


def test_ping_task_round_trips_through_a_real_worker(celery_worker_process: Worker) -> None:
    token = uuid.uuid4().hex
    started = time.monotonic()
    assert celery_worker_process.call("office.tasks.ping_task", value=token) == token
    assert time.monotonic() - started < ROUND_TRIP_TIMEOUT
    # The task ran in the worker process, not inline in this one.
    assert "Task office.tasks.ping_task[" in celery_worker_process.output()


def test_worker_heartbeat_lands_in_the_test_database(celery_worker_process: Worker) -> None:
    from office.models import WorkerHeartbeat

    worker = celery_worker_process
    before = timezone.now()

    def rows() -> list[tuple[str, Any]]:
        if worker.own_db is None:
            return list(WorkerHeartbeat.objects.filter(hostname=worker.nodename).values_list("hostname", "last_seen"))
        with closing(sqlite3.connect(worker.own_db)) as db:
            return db.execute(
                f"SELECT hostname, last_seen FROM {WorkerHeartbeat._meta.db_table} WHERE hostname = ?",
                [worker.nodename],
            ).fetchall()

    assert rows() == []
    assert worker.call("office.tasks.worker_heartbeat_task") == worker.nodename
    [(hostname, last_seen)] = rows()
    assert hostname == worker.nodename
    if isinstance(last_seen, str):  # read straight from SQLite
        last_seen = datetime.fromisoformat(last_seen).replace(tzinfo=UTC)
    assert before - timedelta(seconds=5) <= last_seen <= timezone.now() + timedelta(seconds=5)
