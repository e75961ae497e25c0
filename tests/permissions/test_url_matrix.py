"""Permission matrix: every URL of the site × every role, with an explicit expected outcome.

How it works
------------
The test walks the URL resolver of ``office.urls`` recursively and collects every pattern
("namespace:name"). Each one needs an *entry* in one of the files
``tests/permissions/expectations_<app>.py`` (one file per app, so several people can add
entries without editing the same lines). The test then requests the URL as each role and
compares the response with the entry.

It FAILS when
- a URL pattern has no entry (a new view cannot ship without saying who may see it);
- an entry names a URL that no longer resolves (stale entries are removed, not kept);
- a pattern has no name (give it one; then add the entry);
- any role gets another outcome than the entry says;
- a *denied* request (LOGIN, 400, 401, 403, 404, 405, 429) changed any row in the database;
- a GET changed any row in the database (unless the entry gives ``get_writes="reason"``);
- a POST without a CSRF token is not refused with 403 for every role (unless the URL is in
  ``exemptions.CSRF_EXEMPT_VIEWS``).

Roles (columns) and the demo users behind them (``matrix.ROLE_USERS``)::

    anon          not logged in
    client        client_a        a remote paying client
    staff         staff_infodev   staff of the home office, information development dept
    head          head_infodev    head of that department
    director      director        director of the home office (superuser)
    other_office  staff_east      staff of another member office

Writing an entry
----------------
In ``tests/permissions/expectations_<app>.py`` define a list ``EXPECTATIONS`` of ``Entry``::

    from tests.permissions.matrix import LOGIN, Entry, Redirect, everyone, expect, logged_in

    def _my_document(demo):                      # receives the `demo` fixture (tests/conftest.py)
        from office.models import PolicyDocument
        doc = PolicyDocument.objects.filter(organization__is_home=True).first()
        return {"pk": doc.pk}                    # the URL's kwargs

    EXPECTATIONS = [
        Entry(
            "office:document_detail",
            kwargs=_my_document,
            get=expect(anon=LOGIN, client=403, staff=200, head=200, director=200, other_office=404),
        ),
        Entry(
            "office:announcement_create",
            get=logged_in(200, client=403, other_office=403),          # anon -> LOGIN, rest 200
            post=logged_in(200, client=403, other_office=403),         # empty form -> 200 with errors
            data=lambda demo: {"title": ""},                           # optional POST body
        ),
        Entry("marketing:home", get=everyone(200)),
    ]

Outcomes: an ``int`` status code, ``LOGIN`` (302 to the login page with ``?next=`` the
requested URL), or ``Redirect("office:home")`` / ``Redirect("/some/path/")`` (302 there).
``expect(...)`` requires all six roles as keywords; ``everyone(code, **overrides)`` and
``logged_in(code, **overrides)`` are shorthands. Conventions (RELIABILITY.md §3): anonymous →
LOGIN, wrong role for the function → 403, somebody else's object → 404, success → 200/302.

Details
- ``kwargs`` runs once per URL, before any request; it may create objects. Every request runs
  in a savepoint that is rolled back, so a POST by one role does not affect the next one.
- ``post=None`` (default) skips POST. Declare POST for every URL that accepts it; a POST that
  would succeed needs ``data`` that is *valid* only if you want the success path checked —
  an empty body (form errors, 200) is fine for the matrix; behaviour belongs in app tests.
- ``query="page=2"`` appends a query string.
- Exemptions (admin, ...) and the CSRF-exempt allowlist live in ``exemptions.py``.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from dataclasses import dataclass
from fnmatch import fnmatch
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch

import tests.permissions as permissions_pkg
from tests.permissions.exemptions import CSRF_EXEMPT_VIEWS, URL_EXEMPTIONS
from tests.permissions.matrix import (
    ROLE_USERS,
    ROLES,
    Entry,
    Outcome,
    Redirect,
    db_snapshot,
    is_denied,
    snapshot_diff,
)

ROOT_URLCONF = "office.urls"


# --- walking the resolver -----------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # "ns:name", or "ns:<unnamed ROUTE>"
    route: str
    callback: Any
    named: bool


def walk(patterns: list[Any], namespace: str = "", prefix: str = "") -> Iterator[Route]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = ":".join(filter(None, [namespace, pattern.namespace or ""]))
            yield from walk(pattern.url_patterns, ns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            local = pattern.name or f"<unnamed {route}>"
            name = f"{namespace}:{local}" if namespace else local
            yield Route(name=name, route=route, callback=pattern.callback, named=bool(pattern.name))


def all_routes() -> list[Route]:
    return list(walk(get_resolver(ROOT_URLCONF).url_patterns))


def exemption_for(name: str) -> str | None:
    for pattern, reason in URL_EXEMPTIONS.items():
        if fnmatch(name, pattern):
            return reason
    return None


# --- collecting the expectations ------------------------------------------------------------


def load_expectations() -> dict[str, tuple[str, Entry]]:
    """name -> (module, entry), from every tests/permissions/expectations_*.py."""
    merged: dict[str, tuple[str, Entry]] = {}
    duplicates: list[str] = []
    for info in sorted(pkgutil.iter_modules(permissions_pkg.__path__), key=lambda m: m.name):
        if not info.name.startswith("expectations_"):
            continue
        module = importlib.import_module(f"{permissions_pkg.__name__}.{info.name}")
        entries = getattr(module, "EXPECTATIONS", None)
        if not isinstance(entries, list | tuple):
            raise TypeError(f"{module.__name__} must define EXPECTATIONS = [Entry(...), ...]")
        for entry in entries:
            if not isinstance(entry, Entry):
                raise TypeError(f"{module.__name__}: {entry!r} is not an Entry")
            if entry.name in merged:
                duplicates.append(f"{entry.name} ({merged[entry.name][0]} and {info.name})")
            merged[entry.name] = (info.name, entry)
    if duplicates:
        raise ValueError("URL names with more than one entry: " + ", ".join(duplicates))
    return merged


EXPECTATIONS = load_expectations()


# --- completeness -------------------------------------------------------------------------


def test_every_url_pattern_has_an_entry() -> None:
    routes = all_routes()
    unnamed = sorted(r.name for r in routes if not r.named and not exemption_for(r.name))
    missing = sorted({r.name for r in routes if r.named and r.name not in EXPECTATIONS and not exemption_for(r.name)})
    assert not unnamed, f"URL patterns without a name (name them, then add entries): {unnamed}"
    assert not missing, (
        "URL names without a permission-matrix entry; add them to tests/permissions/expectations_<app>.py "
        f"(format: tests/permissions/test_url_matrix.py docstring): {missing}"
    )


def test_every_entry_names_a_url_that_exists() -> None:
    names = {r.name for r in all_routes()}
    stale = sorted(f"{name} ({module})" for name, (module, _e) in EXPECTATIONS.items() if name not in names)
    assert not stale, f"Entries for URL names that no longer exist (remove them): {stale}"


def test_no_entry_is_also_exempt() -> None:
    both = sorted(name for name in EXPECTATIONS if exemption_for(name))
    assert not both, f"URL names both exempted and in the matrix (choose one): {both}"


def test_the_walker_sees_every_kind_of_pattern() -> None:
    """Guards the guard: namespaced, nested and root-level names are all found."""
    names = {r.name for r in all_routes()}
    assert {"office:home", "marketing:home", "login", "set_language", "admin:index"} <= names


# --- the matrix -----------------------------------------------------------------------------


def _location_matches(expected: Redirect, response: Any, requested: str) -> bool:
    if response.status_code != expected.status:
        return False
    location = urlsplit(response["Location"])
    if location.scheme or location.netloc:
        return False  # every redirect in this site stays relative to our host
    target = expected.to if expected.to.startswith("/") else reverse(expected.to)
    if location.path != target:
        return False
    if expected.login:
        return parse_qs(location.query).get("next") == [requested]
    return True


def _matches(expected: Outcome, response: Any, requested: str) -> bool:
    if isinstance(expected, Redirect):
        return _location_matches(expected, response, requested)
    return response.status_code == expected


def _describe(response: Any) -> str:
    if response is None:
        return "no response"
    if 300 <= response.status_code < 400:
        return f"{response.status_code}->{response.get('Location')}"
    return str(response.status_code)


# Two clients for the whole module: building a client's handler loads the middleware, and
# WhiteNoise indexes STATIC_ROOT on load (~0.4 s). Cookies are cleared before every request.
_CLIENTS = {False: Client(), True: Client(enforce_csrf_checks=True)}


def _request(
    method: str, url: str, user: Any, data: dict[str, Any] | None, *, csrf: bool = False
) -> tuple[Any, str | None, list[str]]:
    """One request in a rolled-back savepoint: (response, exception text, changed tables)."""
    client = _CLIENTS[csrf]
    client.cookies.clear()
    if user is not None:
        client.force_login(user)
    response, error, changed = None, None, []
    with transaction.atomic():
        before = db_snapshot()
        try:
            response = client.get(url) if method == "GET" else client.post(url, data or {})
        except Exception as exc:  # reported as a cell of the matrix, not as a crash of the test
            error = f"{type(exc).__name__}: {exc}"
        try:
            changed = snapshot_diff(before, db_snapshot())
        except Exception as exc:
            changed = [f"could not snapshot after the request: {exc}"]
        transaction.set_rollback(True)
    return response, error, changed


@pytest.mark.parametrize("name", sorted(EXPECTATIONS))
def test_url_matrix(name: str, demo: Any) -> None:
    module, entry = EXPECTATIONS[name]
    try:
        kwargs = dict(entry.kwargs(demo)) if entry.kwargs else {}
        path = reverse(name, kwargs=kwargs)
    except NoReverseMatch as exc:
        pytest.fail(f"{name} ({module}) does not reverse: {exc}")
    url = f"{path}?{entry.query}" if entry.query else path
    data = dict(entry.data(demo)) if entry.data else {}
    users = {role: (demo.users[username] if username else None) for role, username in ROLE_USERS.items()}

    problems: list[str] = []
    for method, table in (("GET", entry.get), ("POST", entry.post)):
        if table is None:
            continue
        for role in ROLES:
            expected = table[role]
            response, error, changed = _request(method, url, users[role], data)
            if error or not _matches(expected, response, url):
                problems.append(f"{method} as {role}: expected {expected}, got {error or _describe(response)}")
            if changed and (is_denied(expected) or (method == "GET" and not entry.get_writes)):
                problems.append(f"{method} as {role} ({expected}) changed the database: {'; '.join(changed)}")

    # Without a CSRF token every POST is refused before the view runs, whoever sends it.
    if entry.post is not None and name not in CSRF_EXEMPT_VIEWS:
        for role in ROLES:
            response, error, changed = _request("POST", url, users[role], data, csrf=True)
            if error or response is None or response.status_code != 403:
                problems.append(f"POST without CSRF token as {role}: expected 403, got {error or _describe(response)}")
            if changed:
                problems.append(f"POST without CSRF token as {role} changed the database: {'; '.join(changed)}")

    note = f" [{entry.note}]" if entry.note else ""
    assert not problems, f"{name} -> {url} ({module}){note}:\n  " + "\n  ".join(problems)


# --- CSRF exemptions ------------------------------------------------------------------------


def test_csrf_exempt_views_are_exactly_the_allowlist() -> None:
    exempt = {r.name for r in all_routes() if getattr(r.callback, "csrf_exempt", False)}
    assert exempt == set(CSRF_EXEMPT_VIEWS), (
        f"csrf_exempt views {sorted(exempt)} differ from tests/permissions/exemptions.py CSRF_EXEMPT_VIEWS "
        f"{sorted(CSRF_EXEMPT_VIEWS)}: only signed provider webhooks may skip the CSRF check"
    )


def test_csrf_exempt_detection_works() -> None:
    """Guards the guard: the attribute the test reads is the one csrf_exempt sets."""
    from django.http import HttpResponse
    from django.utils.decorators import method_decorator
    from django.views import View
    from django.views.decorators.csrf import csrf_exempt

    @csrf_exempt
    def view(request: Any) -> HttpResponse:
        return HttpResponse()

    @method_decorator(csrf_exempt, name="dispatch")
    class Hook(View):
        pass

    assert getattr(view, "csrf_exempt", False)
    assert getattr(Hook.as_view(), "csrf_exempt", False)


def test_db_snapshot_sees_inserts_and_updates(db: Any) -> None:
    """Guards the guard: the DB oracle notices a new row and a changed row."""
    from django.contrib.auth.models import Group

    before = db_snapshot()
    group = Group.objects.create(name="matrix-oracle")
    inserted = db_snapshot()
    assert any(line.startswith("auth_group: ") for line in snapshot_diff(before, inserted))
    Group.objects.filter(pk=group.pk).update(name="matrix-oracle-2")
    assert any("auth_group" in line and "contents changed" in line for line in snapshot_diff(inserted, db_snapshot()))


def test_db_snapshot_is_stable_for_binary_columns(db: Any) -> None:
    """PostgreSQL hands bytea out as memoryview objects; reading twice must hash the same."""
    from tests.permissions.matrix import _stable

    assert repr(_stable(memoryview(b"abc"))) == repr(_stable(memoryview(b"abc"))) == "b'abc'"
    assert db_snapshot() == db_snapshot()
