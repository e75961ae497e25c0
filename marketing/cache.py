"""The public pages' cache: the anonymous home, showcase, navigation and search pages are
rendered once per language and address and served from Django's cache, with ETag and
Last-Modified so a browser's revalidation gets a 304.

Invalidation is by version: every entry carries the site version it was rendered under, and
publishing any content (a save of a page, news item, partner, resource, subject, link or
service offering: marketing/signals.py) draws a new version, so every cached page is stale at
once without enumerating keys. The version and the page are read in one round trip to Redis
(`get_many`), which is most of what a cached page costs (bench/public_pages.py). Catalog
counts shown on the navigation pages, and news whose publish date arrives, may lag by
`TIMEOUT`.

Signed-in users get the page rendered fresh (it shows who they are); so does anything but a
200. The cache may be down (office/cache.py answers as a miss): the page is then rendered.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.http import http_date, parse_http_date_safe, quote_etag
from django.utils.translation import get_language

from marketing import analytics

VERSION_KEY = "marketing:public:version"
TIMEOUT = 300
IGNORED_PARAMS = frozenset({"utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"})


def version() -> str:
    return str(cache.get(VERSION_KEY) or "0")


def invalidate(**_kwargs: Any) -> None:
    """Make every cached public page stale (a signal receiver, or called directly)."""
    cache.set(VERSION_KEY, uuid.uuid4().hex[:12], None)


def _key(request: HttpRequest) -> str:
    params = sorted((k, v) for k, v in request.GET.items() if k not in IGNORED_PARAMS)
    address = f"{request.path}?{urlencode(params)}"
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]
    return f"marketing:public:{get_language()}:{digest}"


def _cached(key: str) -> tuple[tuple[bytes, str, str, float, str] | None, str]:
    """The entry stored under `key` if it was rendered under the current version, and that
    version: one round trip."""
    found = cache.get_many([VERSION_KEY, key])
    current = str(found.get(VERSION_KEY) or "0")
    entry = found.get(key)
    if entry is None or len(entry) != 6 or entry[5] != current:
        return None, current
    return entry[:5], current


def _count(request: HttpRequest, counted: tuple[str, str], no_result: str) -> None:
    analytics.record_view(request, *counted)
    if no_result:
        analytics.record_no_result(request, no_result, get_language())


def _answer(request: HttpRequest, entry: tuple[bytes, str, str, float, str]) -> HttpResponse:
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
            _count(request, counted, entry[4])
            return _answer(request, entry)

        wrapped.public_cached = True  # type: ignore[attr-defined]
        return wrapped

    return decorator
