"""Enqueue Celery work after commit without ever failing the web request.

If the broker is down the publish error is logged and the periodic sweeps pick the work up
later: the database, not the broker, is the source of truth.

Actions name their task by its dotted path (`"payments.tasks.refund_submit_task"`): the
tasks module imports the actions it wraps, so an action module that imported its tasks
module would make an import cycle. The name is resolved only when the task is sent.
"""

from __future__ import annotations

import logging
from importlib import import_module
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


def resolve_task(task: Any) -> Any:
    """A task object from a task or its dotted path."""
    if isinstance(task, str):
        module, _, name = task.rpartition(".")
        return getattr(import_module(module), name)
    return task


def enqueue_on_commit(task: Any, **kwargs: Any) -> None:
    """Send `task` (a task or its dotted path) with `kwargs` once the transaction commits."""

    def _send() -> None:
        resolved = resolve_task(task)
        try:
            resolved.apply_async(kwargs=kwargs)
        except Exception:  # broker unreachable: the sweep will catch up
            logger.warning("Could not enqueue %s; the periodic sweep will retry.", resolved.name, exc_info=True)

    transaction.on_commit(_send)
