"""A real Celery worker killed with SIGKILL in the middle of a long task (RELIABILITY.md F3,
issue 17): acks late, the task must run again on a worker started after, and idempotently.

The task is a MARC import of 1,500 records, uploaded through the real action (published to a
private redis-server after commit). The worker loads `tests.reliability.import_pause`, which
stops the import once its first window (1,000 records) has committed, so the kill always
lands mid-import with half-written work in the database. Two ways a worker dies:

- the whole worker (the machine crashed, or systemd's SIGKILL): the message stays
  unacknowledged in Redis and comes back after the visibility timeout (an hour in
  production; here the test ages it) to a worker started later;
- only the pool process running the task (the kernel's out-of-memory killer): the worker
  survives and puts the message back at once (`task_reject_on_worker_lost`); that delivery
  finds the job running with recent progress and leaves it, and the catch-up sweep sends it
  again once the job has been silent for `STALE_AFTER`.

Both used to leave the job RUNNING for ever; now the late delivery takes it over and the
import ends with every record once (the 1,000 written before the kill reported unchanged).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from celery import Celery
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cataloging import actions
from cataloging.actions import imports
from cataloging.models import BibRecord, ImportJob
from office.celery import app as celery_app
from office.models import AuditEvent
from tests.reliability.conftest import RedisServer
from tests.reliability.test_import_takeover import marc_file
from tests.reliability.test_worker_redis_outage import CELERY_BIN
from tests.test_celery_worker import database_url_for_test_db

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

RECORDS = 1_500  # more than one window (importer.bulk.BATCH): the kill lands between two
FIRST_WINDOW = 1_000
TIMEOUT = 90  # seconds: a worker starts on a busy machine and imports 1,500 records


class Workers:
    """Workers of our own on the private Redis, each in a process group of its own so that
    SIGKILL can take the whole worker (main process and pool) at once, as a crash does."""

    def __init__(self, redis: RedisServer, directory: Path) -> None:
        self.redis = redis
        self.directory = directory
        self.pause_dir = directory / "pause"
        self.pause_dir.mkdir()
        self.processes: list[subprocess.Popen[bytes]] = []
        self.log = directory / "workers.log"

    def start(self) -> subprocess.Popen[bytes]:
        database_url = database_url_for_test_db()
        if database_url is None:
            pytest.fail("the worker needs a database it can open: run with DATABASE_URL (PostgreSQL)", pytrace=False)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "office.settings",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "REDIS_URL": self.redis.url(),
            "CELERY_BROKER_URL": self.redis.url(),
            "CELERY_RESULT_BACKEND": self.redis.url(),
            "DATABASE_URL": database_url,
            "DB_CONN_MAX_AGE": "0",
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "IMPORT_PAUSE_DIR": str(self.pause_dir),
            "PYTHONUNBUFFERED": "1",
        }
        number = len(self.processes) + 1
        with self.log.open("ab") as log_file:
            log_file.write(f"\n===== worker {number} =====\n".encode())
            log_file.flush()
            process = subprocess.Popen(  # noqa: S603
                [
                    str(CELERY_BIN),
                    "-A",
                    "office",
                    "worker",
                    "--pool=prefork",
                    "--concurrency=1",
                    "-n",
                    f"killed-{number}-{uuid.uuid4().hex[:6]}@%h",
                    "-I",
                    "tests.reliability.import_pause",
                    "--loglevel=INFO",
                ],  # fmt: skip
                cwd=settings.BASE_DIR,
                env=env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes.append(process)
        return process

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def fail(self, message: str) -> None:
        raise AssertionError(f"{message}; worker log:\n{self.output()[-8000:]}")

    def call(self, task: str, **kwargs: Any) -> Any:
        """Send as beat does and wait for the result, through a client of its own (this
        process's app keeps the result store it first used: the suite's Redis)."""
        app = Celery("killed-client", broker=self.redis.url(), backend=self.redis.url(), set_as_current=False)
        try:
            return app.send_task(task, kwargs=kwargs).get(timeout=TIMEOUT, disable_sync_subtasks=False)
        except Exception as exc:
            self.fail(f"{task} did not come back ({exc!r})")
        finally:
            app.close()

    def wait_for(self, what: str, condition: Any) -> None:
        deadline = time.monotonic() + TIMEOUT
        while not condition():
            if time.monotonic() > deadline:
                self.fail(f"timed out waiting for {what}")
            time.sleep(0.2)

    def kill_worker(self, process: subprocess.Popen[bytes]) -> None:
        os.killpg(process.pid, signal.SIGKILL)  # our own group: the worker and its pool
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=10)


@pytest.fixture
def workers(redis_outage: RedisServer, settings: Any, tmp_path: Path) -> Iterator[Workers]:
    settings.MEDIA_ROOT = tmp_path / "media"
    manager = Workers(redis_outage, tmp_path)
    try:
        yield manager
    finally:
        manager.stop_all()


def _job_paused_mid_import(demo: Any, workers: Workers, prefix: str) -> tuple[ImportJob, int]:
    """Upload the file (its task is published after commit); returns the job and the pid of the
    pool process that stopped in it after the first window."""
    upload = SimpleUploadedFile(f"{prefix}.mrc", marc_file(prefix, RECORDS))
    job = actions.import_job_create(actor=demo.staff_east, upload=upload)
    paused = workers.pause_dir / "paused"
    workers.wait_for("the import to reach its pause", paused.exists)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.RUNNING and job.processed == 50
    assert _records(prefix) == FIRST_WINDOW  # half-written: the first window committed
    return job, int(paused.read_text())


def _records(prefix: str) -> int:
    return BibRecord.objects.filter(title__startswith=f"{prefix} record").count()


def _assert_imported_once(job: ImportJob, prefix: str) -> None:
    job.refresh_from_db()
    assert job.status == ImportJob.Status.SUCCEEDED, (job.status, job.error)
    assert _records(prefix) == RECORDS  # every record once: nothing lost, nothing twice
    assert (job.created_count, job.unchanged_count, job.error_count) == (RECORDS - FIRST_WINDOW, FIRST_WINDOW, 0)
    assert job.processed == job.total == RECORDS
    assert AuditEvent.objects.filter(verb=imports.TAKEN_OVER, target_id=str(job.pk)).count() == 1


def _silent_since(job: ImportJob, delta: timedelta) -> None:
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - delta)


def test_whole_worker_killed_mid_import_the_task_comes_back_to_a_new_worker(demo: Any, workers: Workers) -> None:
    first = workers.start()
    job, _pid = _job_paused_mid_import(demo, workers, "CRASH")

    workers.kill_worker(first)
    (workers.pause_dir / "released").write_text("")
    redis = workers.redis.client()
    unacked = redis.hgetall("unacked")
    assert len(unacked) == 1 and json.loads(next(iter(unacked.values())))[0]["headers"]["task"] == (
        "cataloging.tasks.import_job_run_task"
    )  # acks late: the message waits, unacknowledged

    # An hour on: the visibility timeout has passed (kombu restores a message whose delivery
    # is older than it), and the job has made no progress since the kill.
    visibility = celery_app.conf.broker_transport_options["visibility_timeout"]
    for tag in redis.zrange("unacked_index", 0, -1):
        redis.zadd("unacked_index", {tag: time.time() - visibility - 60})
    _silent_since(job, timedelta(seconds=visibility + 60))

    workers.start()  # restores the message when it starts polling, and runs it
    workers.wait_for("the import to finish", lambda: ImportJob.objects.get(pk=job.pk).is_finished)
    _assert_imported_once(job, "CRASH")
    assert redis.hlen("unacked") == 0
    assert "Unrecoverable error" not in workers.output()


def test_pool_process_killed_mid_import_the_sweep_has_it_taken_over(demo: Any, workers: Workers) -> None:
    workers.start()
    job, pid = _job_paused_mid_import(demo, workers, "OOM")

    os.kill(pid, signal.SIGKILL)  # the pool process only: the worker lives on
    (workers.pause_dir / "released").write_text("")
    # The worker puts the message back at once; that delivery finds the job running with
    # progress seconds old (it cannot tell a lost run from a live one) and leaves it.
    workers.wait_for("the redelivered task", lambda: "succeeded in" in workers.output())
    assert "WorkerLostError" in workers.output()
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.RUNNING  # the old bug's state
    assert workers.call("cataloging.sweeps.cataloging_catch_up_task")["imports_requeued"] == 0  # not yet stale

    _silent_since(job, imports.STALE_AFTER + timedelta(seconds=1))
    assert workers.call("cataloging.sweeps.cataloging_catch_up_task")["imports_requeued"] == 1  # as beat sends it
    workers.wait_for("the import to finish", lambda: ImportJob.objects.get(pk=job.pk).is_finished)
    _assert_imported_once(job, "OOM")
    assert "Unrecoverable error" not in workers.output()
