"""The public pages' cache: the anonymous home, showcase, navigation and search pages are
rendered once per language and address and served from Django's cache, with ETag and
Last-Modified so a browser's revalidation gets a 304.

Invalidation is by version: every entry carries the site version it was rendered under, and
publishing any content (a save of a page, news item, partner, resource, subject, link, service
offering or storefront product: marketing/signals.py) draws a new version, so every cached
page is stale at once without enumerating keys. The version and the page are read in one round trip to Redis
(`get_many`); a worker also keeps the pages it served lately in memory and trusts the version
it read for LOCAL_VERSION_SECONDS (1 s), so a page asked again within that second costs no
round trip (round trips were most of what a cached page cost: bench/public_pages.py).
Another worker's publish is therefore seen within a second; the publishing worker's at once.
Catalog counts shown on the navigation pages, and news whose publish date arrives, may lag by
`TIMEOUT`.

Signed-in users get the page rendered fresh (it shows who they are); so does anything but a
200. The cache may be down (office/cache.py answers as a miss): the page is then rendered.
"""

from __future__ import annotations

import hashlib
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.http import http_date, parse_http_date_safe, quote_etag
from django.utils.translation import get_language

from marketing import analytics

VERSION_KEY = "marketing:public:version"
TIMEOUT = 300
IGNORED_PARAMS = frozenset({"utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"})


# A worker keeps the pages it served lately in its own memory (LOCAL_MAX, least recently used
# out) and trusts the version it read from Redis for LOCAL_VERSION_SECONDS: a page asked again
# within that second is answered without any round trip. Another worker's publish is seen
# within that second; this worker's own at once (invalidate() forgets what it holds).
LOCAL_MAX = 256
LOCAL_VERSION_SECONDS = 1.0
Entry = tuple[bytes, str, str, float, str]  # content, content type, ETag, modified, no-result query
_local: OrderedDict[str, tuple[Entry, str]] = OrderedDict()
_seen: list[Any] = ["", 0.0]  # [version, when it was read (monotonic)]
_lock = threading.Lock()


def version() -> str:
    return str(cache.get(VERSION_KEY) or "0")


def invalidate(**_kwargs: Any) -> None:
    """Make every cached public page stale (a signal receiver, or called directly): now, and
    again once the change is committed, so that a page another worker rendered from the old
    data between the two is not kept under the new version."""
    _new_version()
    transaction.on_commit(_new_version)


def _new_version() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex[:12], None)
    with _lock:
        _local.clear()
        _seen[:] = ["", 0.0]


def _key(request: HttpRequest) -> str:
    params = sorted((k, v) for k, v in request.GET.items() if k not in IGNORED_PARAMS)
    address = f"{request.path}?{urlencode(params)}"
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]
    return f"marketing:public:{get_language()}:{digest}"


def _remember(key: str, entry: Entry, current: str) -> None:
    with _lock:
        _local[key] = (entry, current)
        _local.move_to_end(key)
        while len(_local) > LOCAL_MAX:
            _local.popitem(last=False)


def _cached(key: str) -> tuple[Entry | None, str]:
    """The entry for `key` if it was rendered under the current version, and that version:
    from this worker's memory while its version is fresh, else one round trip to Redis."""
    now = time.monotonic()
    with _lock:
        fresh = _seen[0] and now - _seen[1] < LOCAL_VERSION_SECONDS
        held = _local.get(key) if fresh else None
        if held is not None and held[1] == _seen[0]:
            _local.move_to_end(key)
            return held[0], held[1]
    found = cache.get_many([VERSION_KEY, key])
    current = str(found.get(VERSION_KEY) or "0")
    with _lock:
        _seen[:] = [current, now]
    stored = found.get(key)
    if stored is None or len(stored) != 6 or stored[5] != current:
        return None, current
    entry: Entry = stored[:5]
    _remember(key, entry, current)
    return entry, current


def _count(request: HttpRequest, counted: tuple[str, str], no_result: str) -> None:
    analytics.record_view(request, *counted)
    if no_result:
        analytics.record_no_result(request, no_result, get_language())


def _answer(request: HttpRequest, entry: Entry) -> HttpResponse:
    content, content_type, etag, modified, _no_result = entry
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    match = request.headers.get("If-None-Match", "")
    if (match and etag in [m.strip() for m in match.split(",")]) or (not match and since and since >= int(modified)):
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(content, content_type=content_type)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(modified)
    response["Cache-Control"] = "no-cache"  # revalidate: a publish must show at once
    return response


def public_page(
    kind: str | Callable[..., tuple[str, str]],
) -> Callable[[Callable[..., HttpResponse]], Callable[..., Any]]:
    """Count the view (analytics) and serve the page from the cache for anonymous visitors.
    `kind` names what is counted, or is a function of the view's kwargs giving (kind, key)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            counted = kind(**kwargs) if callable(kind) else (kind, "")
            if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
                response = view(request, *args, **kwargs)
                if response.status_code == 200:
                    _count(request, counted, getattr(response, "marketing_no_result", ""))
                return response
            key = _key(request)
            entry, current = _cached(key)
            if entry is None:
                response = view(request, *args, **kwargs)
                if response.status_code != 200 or getattr(response, "streaming", False):
                    return response
                if hasattr(response, "render"):
                    response.render()
                entry = (
                    response.content,
                    response["Content-Type"],
                    quote_etag(hashlib.md5(response.content, usedforsecurity=False).hexdigest()),
                    time.time(),
                    getattr(response, "marketing_no_result", ""),
                )
                # Tagged with the version read before rendering: a publish meanwhile makes it stale.
                cache.set(key, (*entry, current), TIMEOUT)
                _remember(key, entry, current)
            _count(request, counted, entry[4])
            return _answer(request, entry)

        wrapped.public_cached = True  # type: ignore[attr-defined]
        return wrapped

    return decorator
