"""Rate limits on the pages that send e-mail to an address anyone may type: client registration
and password reset (issue 17 item 7: 24 resets to one address were accepted).

Two counts per page, each a fixed window in the cache (cache.add + cache.incr, atomic on Redis):
- per client IP, on every POST (`limit_posts_per_ip`): over the limit the page answers 429;
  that tells nothing about any account;
- per e-mail address, on every request that would send a mail (`address_allows`): over the
  limit nothing is sent and the page answers as always ("check your e-mail"), so the limit
  cannot be used to learn whether an account exists.

The cache may be Redis, and Redis may be down: a cache error is logged and the request is
allowed. Refusing every sign-up and reset while Redis restarts would be worse than a few
unthrottled ones; a 500 is never the answer.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    per_ip: int
    per_address: int
    window: int  # seconds


NAMESPACE = "ratelimit"  # of the cache keys; the tests give each test its own
LIMITS = {
    # Staff reach the site from the office's few public addresses, so the per-IP counts leave
    # room for a whole department; three mails an hour is plenty for any one person.
    "registration": Limit(per_ip=20, per_address=3, window=3600),
    "password_reset": Limit(per_ip=30, per_address=3, window=3600),
}


def _within(scope: str, kind: str, value: str, limit: int, window: int) -> bool:
    """Count one attempt; False once more than `limit` fell in the current window."""
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]  # no addresses in plain in the cache
    key = f"{NAMESPACE}:{scope}:{kind}:{digest}"
    try:
        cache.add(key, 0, timeout=window)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)
            count = 1
    except Exception:  # noqa: BLE001 (any cache failure: allow, log, never a 500)
        logger.warning("Rate limit %s/%s not checked: the cache is unavailable.", scope, kind, exc_info=True)
        return True
    return count <= limit


def client_ip(request: HttpRequest) -> str:
    """The client's address as the login lockout (django-axes) sees it, proxies included."""
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or ""


def ip_allows(request: HttpRequest, scope: str) -> bool:
    limit = LIMITS[scope]
    return _within(scope, "ip", client_ip(request), limit.per_ip, limit.window)


def address_allows(scope: str, address: str) -> bool:
    limit = LIMITS[scope]
    allowed = _within(scope, "address", address.strip().lower(), limit.per_address, limit.window)
    if not allowed:
        logger.info("Rate limit %s: no more mail to one address this hour.", scope)
    return allowed


def limit_posts_per_ip(scope: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A view decorator: POSTs over the scope's per-IP limit get the 429 page; GETs are free."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST" and not ip_allows(request, scope):
                return render(request, "429.html", status=429)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
