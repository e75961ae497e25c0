"""A task for the fault-injection tests only: it holds a message unacknowledged (acks late)
for a while, as a real task does when Redis dies under it. The test's worker loads this
module with `-I tests.reliability.worker_tasks`; the application never does."""

from __future__ import annotations

import time
from pathlib import Path

from celery import shared_task


@shared_task
def outage_sleep_task(*, seconds: float, started_file: str) -> str:
    Path(started_file).write_text("started")
    time.sleep(seconds)
    return "slept"
