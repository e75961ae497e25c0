"""Enqueue Celery work after commit without ever failing or stalling the web request.

If the broker is down the publish error is logged and the periodic sweeps pick the work up
later: the database, not the broker, is the source of truth. README ("When Redis or
PostgreSQL is down") lists each kind of enqueued work with the sweep that catches it up, and
tests/reliability proves each one.

Giving up is fast: one immediate retry (CELERY_TASK_PUBLISH_RETRY_POLICY) with bounded
socket timeouts, and no result-store subscription, since nothing waits on these results
(Celery's result store alone retried a lost Redis for 19 s in every request). After a failed
publish this process does not try again for QUEUE_BROKER_BACKOFF_SECONDS: a Redis that is
refusing connections fails in milliseconds anyway, but one that hangs would cost every
request its socket timeouts; now it costs one request per process per back-off.

Actions name their task by its dotted path (`"payments.tasks.refund_submit_task"`): the
tasks module imports the actions it wraps, so an action module that imported its tasks
module would make an import cycle. The name is resolved only when the task is sent.
"""

from __future__ import annotations

import logging
import time
from importlib import import_module
from typing import Any

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

_broker_down_until = 0.0  # time.monotonic() before which this process does not publish


def resolve_task(task: Any) -> Any:
    """A task object from a task or its dotted path."""
    if isinstance(task, str):
        module, _, name = task.rpartition(".")
        return getattr(import_module(module), name)
    return task


def enqueue_on_commit(task: Any, **kwargs: Any) -> None:
    """Send `task` (a task or its dotted path) with `kwargs` once the transaction commits."""

    def _send() -> None:
        global _broker_down_until
        resolved = resolve_task(task)
        eager = resolved.app.conf.task_always_eager  # runs inline: no broker involved
        if not eager and time.monotonic() < _broker_down_until:
            logger.warning("Broker unavailable; %s is left to the periodic sweep.", resolved.name)
            return
        try:
            resolved.apply_async(kwargs=kwargs, ignore_result=True)
        except Exception as exc:  # broker unreachable (or, eager, the task failed): the sweep will catch up
            if not eager:
                _broker_down_until = time.monotonic() + settings.QUEUE_BROKER_BACKOFF_SECONDS
            # A traceback only for a task that failed inline; a broker outage needs one line.
            logger.warning(
                "Could not enqueue %s (%r); the periodic sweep will retry.", resolved.name, exc, exc_info=eager
            )

    transaction.on_commit(_send)
