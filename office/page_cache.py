"""Signed-in pages from the cache while nothing they show has changed (issue 18).

    @require_safe
    @login_required
    @cached_page("procurement")        # the apps whose data the page shows ("office" always)
    def request_list(request): ...

The page is stored per person, as they saw it, and served again to the same person for the
same address while nothing it depends on has changed: the key holds the user, the version of
their own counts (office.inbox: replaced by each of their writes and each notification to
them, so whoever acts sees the result on the next page), the data versions of the named apps
and of `office` and `permissions` (office.data_versions: replaced after each commit that wrote
to their tables, so a change by anybody shows on the next page, and a change of anybody's
profile, unit, position or Django groups drops every page, guards included), the user's staff
and superuser flags, the language, the time zone, the CSRF secret of
the browser (the page's forms carry tokens of it) and the full path with its query string.
`PAGE_CACHE_SECONDS` bounds what no version sees: the clock (a due date passing, "5 minutes
ago") and writes made outside Django.

Only a plain answer is kept: GET, 200, HTML, no cookie set, no message waiting or shown, no
htmx fragment, the session not changed by the view. A person's page is never served to
anybody else: the user's id is part of the key. The view's guards ran for the stored copy under
exactly these versions; a change of what they read changes a version.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language

from office import data_versions, inbox
from office.public_page import has_messages

logger = logging.getLogger(__name__)
NAMESPACE = "office:page"  # tests give each test its own (tests/conftest.py)
HEADERS = ("Content-Language", "Content-Type")


def _seconds() -> int:
    return int(getattr(settings, "PAGE_CACHE_SECONDS", 30))


def _key(request: HttpRequest, apps: tuple[str, ...]) -> str | None:
    """The page's key for this person and these versions, or None when it must not be cached."""
    if request.method != "GET" or not _seconds():
        return None
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or request.headers.get("HX-Request"):
        return None
    secret = request.META.get("CSRF_COOKIE")
    if not secret or has_messages(request):
        return None
    # The apps' versions and the user's count version in one round trip to the cache.
    found = data_versions.versions(apps, also=[inbox.version_cache_key(user)])
    if found is None:
        return None
    *data, counts = found
    parts = [
        str(user.pk),
        f"{user.is_staff:d}{user.is_superuser:d}",  # the admin's link (auth_user is not versioned)
        inbox.cache_version_of(user, counts),
        *data,
        get_language() or "",
        timezone.get_current_timezone_name(),
        secret,
        request.get_full_path(),
    ]
    return f"{NAMESPACE}:{user.pk}:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if not response.get("Content-Type", "").startswith("text/html") or "no-store" in response.get("Cache-Control", ""):
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    return not _shown_messages(request)


def _shown_messages(request: HttpRequest) -> bool:
    storage = getattr(request, "_messages", None)
    return bool(storage is not None and (getattr(storage, "used", False) or getattr(storage, "_queued_messages", None)))


def cached_page(*apps: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    names = tuple(sorted({"office", "permissions", *apps}))

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            key = _key(request, names)
            if key is None:
                return view(request, *args, **kwargs)
            try:
                stored = cache.get(key)
            except Exception:  # noqa: BLE001 - any backend's error: render the page
                return view(request, *args, **kwargs)
            if stored is not None:
                content, headers = stored
                response = HttpResponse(content)
                for name, value in headers.items():
                    response[name] = value
                return response
            response = view(request, *args, **kwargs)
            if _storable(request, response):
                headers = {name: response[name] for name in HEADERS if name in response}
                try:
                    cache.set(key, (response.content, headers), _seconds())
                except Exception:  # noqa: BLE001 - not stored; the page is answered all the same
                    logger.warning("Page not stored: cache error", exc_info=True)
            return response

        wrapper.page_cache_apps = names  # type: ignore[attr-defined]
        return wrapper

    return decorate
