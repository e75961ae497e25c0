"""Building blocks of the permission matrix (see ``test_url_matrix.py`` for the format).

Import from here in ``expectations_<app>.py``::

    from tests.permissions.matrix import LOGIN, Entry, Redirect, everyone, expect
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

# The six columns of the matrix and the demo user behind each (None = anonymous).
ROLE_USERS: dict[str, str | None] = {
    "anon": None,
    "client": "client_a",
    "staff": "staff_infodev",
    "head": "head_infodev",
    "director": "director",
    "other_office": "staff_east",
}
ROLES = tuple(ROLE_USERS)


@dataclass(frozen=True)
class Redirect:
    """A 302 whose Location path is ``to`` (a URL name such as ``"office:home"`` or a path starting
    with ``/``). With ``login=True`` it is the login page with ``?next=`` (use ``LOGIN``)."""

    to: str
    login: bool = False
    status: int = 302

    def __str__(self) -> str:
        return "LOGIN" if self.login else f"{self.status}->{self.to}"


LOGIN = Redirect("login", login=True)

Outcome = int | Redirect
DENIED_CODES = frozenset({400, 401, 403, 404, 405, 429})


def is_denied(outcome: Outcome) -> bool:
    """A refusal: the request must leave the database exactly as it was."""
    return outcome == LOGIN if isinstance(outcome, Redirect) else outcome in DENIED_CODES


def expect(*, anon: Outcome, client: Outcome, staff: Outcome, head: Outcome, director: Outcome,
           other_office: Outcome) -> dict[str, Outcome]:  # fmt: skip
    """One outcome per role; every role is a required keyword, so none can be forgotten."""
    return {
        "anon": anon,
        "client": client,
        "staff": staff,
        "head": head,
        "director": director,
        "other_office": other_office,
    }


def everyone(outcome: Outcome, **overrides: Outcome) -> dict[str, Outcome]:
    """The same outcome for every role, except the roles named in ``overrides``."""
    unknown = set(overrides) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}; roles are {ROLES}")
    return {role: overrides.get(role, outcome) for role in ROLES}


def logged_in(outcome: Outcome, **overrides: Outcome) -> dict[str, Outcome]:
    """Anonymous → login page; every logged-in role gets ``outcome`` unless overridden."""
    return everyone(outcome, **{"anon": LOGIN, **overrides})


KwargsFactory = Callable[[Any], Mapping[str, Any]]
DataFactory = Callable[[Any], Mapping[str, Any]]


@dataclass(frozen=True)
class Entry:
    """Expected outcomes of one named URL pattern.

    name      "namespace:name" as used by ``reverse()``.
    get       role -> outcome for GET (required: use 405 if the view refuses GET).
    post      role -> outcome for POST, or None when the URL takes no POST worth checking here.
    kwargs    callable(demo) -> URL kwargs; it may look up or create objects (runs once per URL).
    data      callable(demo) -> POST body (default: empty form).
    query     query string appended to the URL, without "?".
    get_writes  reason why a GET may write to the database (default: GET must write nothing).
    note      free text shown in failure messages.
    """

    name: str
    get: Mapping[str, Outcome]
    post: Mapping[str, Outcome] | None = None
    kwargs: KwargsFactory | None = None
    data: DataFactory | None = None
    query: str = ""
    get_writes: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        for method, table in (("get", self.get), ("post", self.post)):
            if table is None:
                continue
            missing, unknown = set(ROLES) - set(table), set(table) - set(ROLES)
            if missing or unknown:
                raise ValueError(
                    f"{self.name} {method}: missing roles {sorted(missing)}, unknown roles {sorted(unknown)}"
                )


# --- database oracle ------------------------------------------------------------------------

# Tables a request may legitimately touch without "changing data": sessions (login, logout,
# language), and axes' attempt log (off in these tests anyway).
SNAPSHOT_IGNORED_TABLES = frozenset(
    {"django_session", "axes_accessattempt", "axes_accesslog", "axes_accessfailurelog", "axes_accessattemptexpiration"}
)


def _stable(value: Any) -> Any:
    """A value whose repr depends only on the data (PostgreSQL returns bytea as a memoryview,
    whose repr is its memory address)."""
    return bytes(value) if isinstance(value, memoryview) else value


def db_snapshot(ignore: frozenset[str] = SNAPSHOT_IGNORED_TABLES) -> dict[str, tuple[int, str]]:
    """Row count and a hash of every row, per table, of the default database."""
    import hashlib

    from django.db import connection

    snapshot: dict[str, tuple[int, str]] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            if table in ignore:
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows = sorted(repr(tuple(map(_stable, row))) for row in cursor.fetchall())
            snapshot[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest()[:16])
    return snapshot


def snapshot_diff(before: Mapping[str, tuple[int, str]], after: Mapping[str, tuple[int, str]]) -> list[str]:
    """Human-readable list of the tables whose rows differ ("table: 3 rows -> 4 rows")."""
    changed = []
    for table in sorted(set(before) | set(after)):
        old, new = before.get(table), after.get(table)
        if old != new:
            old_n = old[0] if old else "no table"
            new_n = new[0] if new else "no table"
            changed.append(f"{table}: {old_n} rows -> {new_n} rows" + (" (contents changed)" if old_n == new_n else ""))
    return changed
