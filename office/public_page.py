"""What the anonymous page caches share (services/public_cache.py, cataloging/public_cache.py):
the visitor's CSRF token kept out of the stored page, a waiting message sending the visitor
to the view, the stored entry, and the answer with ETag / Last-Modified (304 when the browser
has it)."""

from __future__ import annotations

import hashlib
import re
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.middleware.csrf import _unmask_cipher_token, get_token
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe

TOKEN_PLACEHOLDER = b"@@public-page-csrf-token@@"
CANDIDATE = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")  # a masked CSRF token's shape
Entry = tuple[bytes, str, str, float]  # content (token as placeholder), content type, ETag, modified


def has_messages(request: HttpRequest) -> bool:
    """A message waits for the visitor (cookie or session storage): the page is theirs alone."""
    if request.COOKIES.get(getattr(settings, "MESSAGE_COOKIE_NAME", "messages")):
        return True
    return settings.SESSION_COOKIE_NAME in request.COOKIES and bool(request.session.get("_messages"))


def strip_token(request: HttpRequest, content: bytes) -> bytes:
    """The page with each CSRF token of this visitor's secret replaced by the placeholder."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret:
        return content

    def swap(match: re.Match[bytes]) -> bytes:
        return TOKEN_PLACEHOLDER if _unmask_cipher_token(match.group().decode()) == secret else match.group()

    return CANDIDATE.sub(swap, content)


def keep(request: HttpRequest, response: HttpResponse, key: str, version: str, timeout: int) -> Entry:
    """Store a rendered 200 page under `key`, tagged with the `version` read before rendering
    (it is served only while that version is current), and return its entry."""
    if hasattr(response, "render"):
        response.render()
    content = strip_token(request, response.content)
    digest = hashlib.md5(content, usedforsecurity=False).hexdigest()
    entry: Entry = (content, response["Content-Type"], f'W/"{digest}"', time.time())
    cache.set(key, (*entry, version), timeout)
    return entry


def answer(request: HttpRequest, entry: Entry) -> HttpResponse:
    """A stored page for this visitor (their own token), or 304 when their copy is current."""
    content, content_type, etag, modified = entry
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    match = request.headers.get("If-None-Match", "")
    if (match and etag in [m.strip() for m in match.split(",")]) or (not match and since and since >= int(modified)):
        response: HttpResponse = HttpResponseNotModified()
    else:
        if TOKEN_PLACEHOLDER in content:
            content = content.replace(TOKEN_PLACEHOLDER, get_token(request).encode())
        response = HttpResponse(content, content_type=content_type)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(modified)
    response["Cache-Control"] = "private, no-cache"  # revalidate: a change shows at once
    patch_vary_headers(response, ("Cookie", "Accept-Language"))
    return response
