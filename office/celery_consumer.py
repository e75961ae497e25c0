"""The worker's consumer, with celery 5.7.0's crash on a lost Redis connection removed.

Celery 5.7.0 (celery/celery#10242, the fix for #9705) made the consumer close the broken
broker connection a second time after `Connection.collect()`. `collect()` has already
detached the kombu transport (`transport.client = None`) but keeps the default channel, so
the second close runs `Channel.close()` -> `QoS.restore_unacked_once()`, which builds a new
Redis pool from `transport.client` and fails with
`AttributeError: 'NoneType' object has no attribute 'hostname'` whenever a message is
unacknowledged (any task running under `task_acks_late`, or a prefetched one). That error is
neither a connection nor a channel error, so it escapes `ignore_errors()` and the worker
shuts down ("Unrecoverable error") instead of reconnecting. Reproduced with kill -9 of
redis-server under a running task; tests/reliability/test_worker_redis_outage.py keeps it fixed.

This consumer collects the broken connection itself and hands celery none to close again, as
celery 5.6 did: the unacknowledged messages stay in Redis's unacked set and are restored
after `visibility_timeout` (restoring them now is impossible anyway: Redis is unreachable).
Selected by CELERY_WORKER_CONSUMER; it loads only in the worker, never in web processes.
"""

from __future__ import annotations

import logging
from typing import Any

from celery.utils.threads import bound_open_broker_sockets
from celery.worker.consumer import consumer as celery_consumer

logger = logging.getLogger(__name__)


class Consumer(celery_consumer.Consumer):  # type: ignore[misc]
    def on_connection_error_after_connected(self, exc: Any) -> None:
        connection = self.connection
        if connection is not None:
            # The first half of celery's own clean-up, bounded the same way.
            bound_open_broker_sockets(connection, celery_consumer.COLLECT_SOCKET_TIMEOUT)
            try:
                connection.collect(socket_timeout=celery_consumer.COLLECT_SOCKET_TIMEOUT)
            except Exception:  # noqa: BLE001 - a dead connection may fail any way; it is dropped
                logger.debug("Collecting the lost broker connection failed", exc_info=True)
            self.connection = None  # collected: closing it again is what crashes 5.7.0
        # The rest (warning, cancelling acks-late tasks, prefetch reduction) is celery's.
        super().on_connection_error_after_connected(exc)
