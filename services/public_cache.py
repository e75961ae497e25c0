"""The service catalogue for anonymous visitors, from the cache (issue 18 item 2).

`/services/` and `/services/offerings/<code>/` show an anonymous visitor nothing of their own:
no prices per account, no order, subscribe or edit buttons (those depend on who is signed in).
So their page is rendered once per language and address and served from Django's cache, with
a weak `ETag` and `Last-Modified`: a browser revalidating gets a 304. Signed-in people, any
method but GET, a query string other than the catalogue's own (`?kind=<a kind>` on the list),
a visitor with a message waiting and any answer but a 200 go to the view as before.

The one thing of the visitor's in the page is the CSRF token of the header's forms (language
switcher, htmx headers): it is stored as a placeholder and each answer gets the visitor's own
token (a fresh cookie when they have none), as a fresh render would.

Invalidation is by version: an entry is tagged with the version read before it was rendered
and is only served under that version; saving an offering (create, edit, retire:
services.actions.catalog, and any other save or delete of an offering: the admin's) draws a new
version once the change is committed. The version and
the page are read in one round trip (`get_many`). Department names shown on the pages may lag
by `TIMEOUT`. When Redis is down the cache answers as a miss (office/cache.py, with its
back-off) and the page is rendered.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

from office.public_page import TOKEN_PLACEHOLDER as TOKEN_PLACEHOLDER  # the tests look for it
from office.public_page import answer as _answer
from office.public_page import has_messages as _has_messages
from office.public_page import keep as _keep

NAMESPACE = "services:public"  # of every key (tests give each test its own)
TIMEOUT = 300


def _version_key() -> str:
    return f"{NAMESPACE}:version"


def version() -> str:
    return str(cache.get(_version_key()) or "0")


def invalidate() -> None:
    """Make every cached catalogue page stale once the current transaction commits (at once
    outside one)."""
    transaction.on_commit(_new_version)


def _new_version() -> None:
    cache.set(_version_key(), uuid.uuid4().hex[:12], None)


def _offering_saved(**_kwargs: Any) -> None:
    """Any other write of an offering (the admin, the demo): stale once it is committed."""
    invalidate()


def _canonical_query(request: HttpRequest, allowed: dict[str, Callable[[str], bool]]) -> str | None:
    """The query string when it is one the page is cached for (each parameter allowed, once,
    with a valid value), else None."""
    parts = []
    for name in sorted(request.GET):
        values = request.GET.getlist(name)
        check = allowed.get(name)
        if check is None or len(values) != 1 or not check(values[0]):
            return None
        parts.append(f"{name}={values[0]}")
    return "&".join(parts)


def _render(request: HttpRequest, view: Callable[..., HttpResponse], key: str, current: str, args: Any) -> Any:
    response = view(request, *args[0], **args[1])
    if response.status_code != 200 or getattr(response, "streaming", False):
        return response
    return _keep(request, response, key, current, TIMEOUT)  # tagged with the version read before rendering


def anonymous_page(
    name: str, allowed: dict[str, Callable[[str], bool]] | None = None
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Serve the view's page to anonymous visitors from the cache, per language, address
    (`name` and the view's arguments) and allowed query (`allowed`: parameter → valid value)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method != "GET" or request.user.is_authenticated:
                return view(request, *args, **kwargs)
            query = _canonical_query(request, allowed or {})
            if query is None or _has_messages(request):
                return view(request, *args, **kwargs)
            address = "|".join([name, *map(str, args), *(f"{k}={v}" for k, v in sorted(kwargs.items())), query])
            key = f"{NAMESPACE}:{get_language()}:{hashlib.sha256(address.encode()).hexdigest()[:32]}"
            found = cache.get_many([_version_key(), key])
            current = str(found.get(_version_key()) or "0")
            stored = found.get(key)
            if stored is not None and len(stored) == 5 and stored[4] == current:
                return _answer(request, stored[:4])
            rendered = _render(request, view, key, current, (args, kwargs))
            return _answer(request, rendered) if isinstance(rendered, tuple) else rendered

        wrapped.public_cached = True  # type: ignore[attr-defined]
        return wrapped

    return decorator


def _is_kind(value: str) -> bool:
    from services.models import Offering

    return value in Offering.Kind.values


post_save.connect(_offering_saved, sender="services.Offering", dispatch_uid="services-public-cache-save")
post_delete.connect(_offering_saved, sender="services.Offering", dispatch_uid="services-public-cache-delete")

catalogue_list = anonymous_page("offering_list", {"kind": _is_kind})
catalogue_detail = anonymous_page("offering_detail")
