"""The public catalog search page for anonymous visitors, from the cache (issue 18 item 2).

`/catalog/public/` shows an anonymous visitor nothing of their own but the CSRF token of the
header's forms, so its page is rendered once per language and query and kept in Django's
cache (Redis; office/cache.py answers as a miss while it is down) for `TIMEOUT` seconds, with
a weak ETag and Last-Modified: a browser revalidating gets a 304. The token is stored as a
placeholder and each answer gets the visitor's own (a fresh cookie when they have none).
Only a query made of the search's own parameters, each once, at most `MAX_QUERY` characters,
is cached (one key per query: a long or odd query goes to the view); signed-in people, any
method but GET, a visitor with a message waiting and any answer but a 200 go to the view.

Invalidation is by version, and the version is the catalog's own: every statement that
inserts, updates or deletes records or holdings draws from the sequence
`cataloging_catalog_version` (a statement trigger, migration 0010), whatever wrote it: the
bulk import, a save, an approval, the admin. A cached page is served only under the version
it was rendered under; reading the version is the one query of a warm hit (a sequence is read
without locks and outside transactions). A page rendered while a writer's transaction is still
open may show the catalog as it was before that transaction for up to `TIMEOUT`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

from cataloging.search import SearchParams
from office.public_page import TOKEN_PLACEHOLDER as TOKEN_PLACEHOLDER  # the tests look for it
from office.public_page import answer as _answer
from office.public_page import has_messages as _has_messages
from office.public_page import keep as _keep

NAMESPACE = "cataloging:public"
TIMEOUT = 60
MAX_QUERY = 300
PARAMS = frozenset(SearchParams.__dataclass_fields__) | {"page"}


def version() -> str | None:
    """The catalog's version (migration 0010); None on SQLite, which has none: no caching there."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value, is_called FROM cataloging_catalog_version")
        value, called = cursor.fetchone()
    return f"{value}.{int(called)}"


def _query(request: HttpRequest) -> str | None:
    """The canonical query string when the page may be cached for it, else None."""
    parts = []
    for name in sorted(request.GET):
        values = request.GET.getlist(name)
        if name not in PARAMS or len(values) != 1:
            return None
        if values[0]:
            parts.append((name, values[0]))
    query = urlencode(parts)
    return query if len(query) <= MAX_QUERY else None


def cached_for_anonymous(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve `view`'s page to anonymous visitors from the cache, per language and query."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "GET" or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        query = _query(request)
        current = version() if query is not None and not _has_messages(request) else None
        if current is None:
            return view(request, *args, **kwargs)
        key = f"{NAMESPACE}:{get_language()}:{hashlib.sha256(query.encode()).hexdigest()[:32]}"
        stored = cache.get(key)
        if stored is not None and len(stored) == 5 and stored[4] == current:
            return _answer(request, stored[:4])
        response = view(request, *args, **kwargs)
        if response.status_code != 200 or getattr(response, "streaming", False):
            return response
        return _answer(request, _keep(request, response, key, current, TIMEOUT))

    return wrapped
