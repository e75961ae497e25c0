"""A Redis cache that degrades instead of failing: while Redis is down or hung, every
operation logs a warning and answers as an empty cache that stores nothing.

The cache only ever holds hints (throttles, memoised reads), never the truth, so a miss is
always a correct answer: `get` returns the default, `add`/`touch`/`delete`/`has_key` return
False, `set_many` reports every key as not stored and `incr`/`decr` count from zero (a
throttle fails open for the length of the outage rather than answering 500). Django's own
RedisCache raises `redis.ConnectionError` to the view, which made the payment status poll
answer 500 while Redis was down (issue 17).

Waits are bounded by the OPTIONS in settings (`socket_connect_timeout`, `socket_timeout`),
and after a failure this process answers every operation as a miss without trying Redis for
CACHE_BACKOFF_SECONDS: a Redis that refuses connections fails in milliseconds anyway, but one
that hangs would cost each of a page's cache reads (session, navigation, counts, throttles) its
socket timeout; now it costs one read per process per back-off (as office/queue.py does for
publishing).
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])
_down_until = 0.0  # monotonic time before which this process does not try Redis again


def _degrade(fallback: Callable[..., Any]) -> Callable[[F], F]:
    """Run the operation; on a Redis error log it and return `fallback(*args, **kwargs)`."""

    def decorate(method: F) -> F:
        @functools.wraps(method)
        def wrapper(self: ResilientRedisCache, *args: Any, **kwargs: Any) -> Any:
            global _down_until
            if _down_until and time.monotonic() < _down_until:
                return fallback(*args, **kwargs)
            try:
                return method(self, *args, **kwargs)
            except RedisError as exc:
                _down_until = time.monotonic() + getattr(settings, "CACHE_BACKOFF_SECONDS", 5.0)
                logger.warning("Cache unavailable, %s() answered as a miss: %r", method.__name__, exc)
                return fallback(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def _default(key: Any, default: Any = None, *args: Any, **kwargs: Any) -> Any:
    return default


def _false(*args: Any, **kwargs: Any) -> bool:
    return False


def _none(*args: Any, **kwargs: Any) -> None:
    return None


def _delta(key: Any, delta: int = 1, *args: Any, **kwargs: Any) -> int:
    return delta


class ResilientRedisCache(RedisCache):
    get = _degrade(_default)(RedisCache.get)
    add = _degrade(_false)(RedisCache.add)
    set = _degrade(_none)(RedisCache.set)
    touch = _degrade(_false)(RedisCache.touch)
    delete = _degrade(_false)(RedisCache.delete)
    has_key = _degrade(_false)(RedisCache.has_key)
    incr = _degrade(_delta)(RedisCache.incr)
    get_many = _degrade(lambda keys, *a, **k: {})(RedisCache.get_many)
    set_many = _degrade(lambda data, *a, **k: list(data))(RedisCache.set_many)
    delete_many = _degrade(_none)(RedisCache.delete_many)
    clear = _degrade(_false)(RedisCache.clear)
    # get_or_set (get, add, get), decr (incr) and the async variants go through the above.
