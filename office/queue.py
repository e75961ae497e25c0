"""Enqueue Celery work after commit without ever failing the web request.

If the broker is down the publish error is logged and the periodic sweeps pick the work up
later: the database, not the broker, is the source of truth.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task: Any, **kwargs: Any) -> None:
    def _send() -> None:
        try:
            task.apply_async(kwargs=kwargs)
        except Exception:  # broker unreachable: the sweep will catch up
            logger.warning("Could not enqueue %s; the periodic sweep will retry.", task.name, exc_info=True)

    transaction.on_commit(_send)
