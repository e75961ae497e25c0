"""Strategies and oracles shared by the property tests.

Strategies produce what a browser, a script or a harvester may send: any Unicode text
(control characters and NUL included, surrogates excluded: they cannot be encoded in a URL or
a form body), numbers far outside any sensible range, raw `%` sequences that decode to
nothing or to invalid UTF-8, very long values, and dates from year 1 to 9999 in the formats a
date input accepts.

Oracles: `assert_not_5xx`, and `example()`, which runs one example in a savepoint that is
rolled back and tells whether the database changed (`Changes`).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.contrib.messages import constants as message_levels
from django.db import connection, transaction
from django.forms import BaseForm
from django.test.utils import ContextList
from hypothesis import strategies as st

# --- text ------------------------------------------------------------------------------------------

# Every code point but the surrogates; NUL and the other control characters are in.
CHARACTERS = st.characters(exclude_categories=("Cs",))
CONTROL = st.characters(categories=("Cc", "Cf", "Zl", "Zp"))

any_text = st.text(CHARACTERS, max_size=40)
control_text = st.text(st.one_of(CONTROL, CHARACTERS), min_size=1, max_size=12)
# Very long values without asking Hypothesis for thousands of draws: a short text repeated.
long_text = st.builds(lambda s, n: (s * n)[:n], st.text(CHARACTERS, min_size=1, max_size=4), st.integers(300, 12_000))

text_values = st.one_of(any_text, control_text, long_text, st.sampled_from(["", " ", "\x00", "\u2028", "\ufeff"]))

# --- numbers ---------------------------------------------------------------------------------------

# Digits that str.isdigit() accepts but int() does not (superscripts, circled digits), and
# digits of other scripts, which int() accepts.
odd_digits = st.text(st.characters(categories=("Nd", "No")), min_size=1, max_size=6)

huge_integers = st.one_of(
    st.integers(),
    st.integers(min_value=2**31 - 2, max_value=2**31 + 2),
    st.integers(min_value=2**63 - 2, max_value=2**63 + 2),
    st.integers(min_value=10**18, max_value=10**400),
).flatmap(lambda n: st.sampled_from([n, -n]))

# Numbers that broke parsers before: isdigit() but not int() ("²"), past bigint, past
# int()'s 4,300-digit limit, signs, exponents, not-a-numbers.
NASTY_NUMBERS = [
    "²",
    "①",
    "٣",
    "-1",
    "0",
    "-0",
    "00",
    "2147483648",
    "9223372036854775808",
    "99999999999999999999999",
    "9" * 5000,
    "1.5",
    "1e309",
    "NaN",
    "Infinity",
    "0x10",
    "1_000",
    " 7 ",
]

number_text = st.one_of(
    st.sampled_from(NASTY_NUMBERS),
    huge_integers.map(str),
    odd_digits,
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)

# --- money -----------------------------------------------------------------------------------------

money_text = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.decimals(min_value=Decimal("-1e20"), max_value=Decimal("1e20"), places=2).map(str),
    st.decimals(places=12, min_value=-1000, max_value=1000).map(str),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.builds(lambda m, e: f"{m}e{e}", st.integers(-99, 99), st.integers(-(10**6), 10**6)),
    st.builds(lambda n: f"{n:,}.{'9' * 30}", st.integers(0, 10**12)),
    st.sampled_from(
        [
            "92233720368547758.07",
            "92233720368547758.08",
            "-92233720368547758.08",
            "100000000",
            "100000000.01",
            "¥1,234.50",
            "$-5",
            "1,2,3",
            "1.",
            ".5",
            "0.000",
            "1e-2",
            "1E+8",
            "sNaN",
            "-Infinity",
            "１２３",
            "٣.٥",
        ]
    ),
    number_text,
    text_values,
)

# --- dates -----------------------------------------------------------------------------------------

any_date = st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31))
any_datetime = st.datetimes(min_value=datetime.datetime(1, 1, 1), max_value=datetime.datetime(9999, 12, 31, 23, 59))

date_text = st.one_of(
    any_date.map(datetime.date.isoformat),
    any_date.map(lambda d: f"{d.year}-{d.month}-{d.day}"),
    any_date.map(lambda d: f"{d.month:02}/{d.day:02}/{d.year % 100:02}"),
    st.sampled_from(["9999-12-31", "0001-01-01", "0000-00-00", "2024-02-30", "2024-13-01", "10000-01-01"]),
    text_values,
)
datetime_text = st.one_of(
    any_datetime.map(lambda d: d.strftime("%Y-%m-%dT%H:%M")),
    any_datetime.map(lambda d: d.isoformat(sep=" ")),
    st.sampled_from(["9999-12-31T23:59", "0001-01-01T00:00", "2024-03-10T02:30", "2024-02-30T10:00"]),
    date_text,
)

# --- query strings ---------------------------------------------------------------------------------

# Raw sequences put into the query string as they are: a lone or broken escape, escapes of
# invalid UTF-8 (an overlong NUL, a lone continuation byte), CR/LF, a plus.
RAW_SEQUENCES = ["%", "%%", "%zz", "%0", "%00", "%C0%80", "%FF%FE", "%E4%B8", "%u4e2d", "%2", "%0D%0A", "+", "&&", "=="]

raw_value = st.lists(
    st.one_of(st.sampled_from(RAW_SEQUENCES), st.text("ab19", max_size=2)), min_size=1, max_size=4
).map("".join)


def encoded(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Values of `strategy` percent-encoded as UTF-8, as a browser sends them."""
    return strategy.map(lambda value: quote(value.encode(), safe=""))


def parameter_value(special: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[str]:
    """One encoded parameter value: the parameter's own kind of value (`special`) half the
    time, else any text, a number or raw escapes."""
    generic = st.one_of(encoded(text_values), encoded(number_text), raw_value)
    if special is None:
        return generic
    return st.one_of(encoded(special), generic)


def query_string(
    parameters: dict[str, st.SearchStrategy[str] | None], bases: list[dict[str, str]] | None = None
) -> st.SearchStrategy[str]:
    """A query string that starts from one of the valid requests `bases` (so the view gets
    past its first checks) and changes a few of its parameters, adds others, repeats one now
    and then, or adds a stray name. `parameters` maps each name to its own strategy or None."""
    bases = bases or [{}]
    names = sorted(set(parameters).union(*bases))
    stray = st.sampled_from(["x", "%00", "", "a%5B%5D", "%C0%80"])

    @st.composite
    def build(draw: Any) -> str:
        base = draw(st.sampled_from(bases))
        values = {name: [quote(value, safe="")] for name, value in base.items()}
        if names:
            for name in draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True)):
                value = draw(parameter_value(parameters.get(name)))
                if name in values and draw(st.integers(0, 5)) == 0:
                    values[name].append(value)  # repeated
                elif draw(st.integers(0, 9)) == 0:
                    values.pop(name, None)  # left out
                else:
                    values[name] = [value]
        if draw(st.integers(0, 7)) == 0:
            values.setdefault(draw(stray), []).append(draw(parameter_value()))
        return "&".join(f"{name}={value}" for name, items in values.items() for value in items)

    return build()


# The boundary sweep: every parameter of every public page gets each of these (encoded for
# a query string), on top of a valid request. Hypothesis explores around them; this list makes
# sure the values that broke parsers before are tried every run.
SWEEP = [
    *(quote(v, safe="") for v in ["²", "-1", "0", "99999999999999999999999", "9" * 5000, "1e309", "NaN"]),
    *(quote(v.encode(), safe="") for v in ["x" * 5000, "\x01\x7f\u2028", "'\"<>&;--", "９９", "\x00"]),
    *["%", "%zz", "%C0%80", "%FF%FE", "%E4%B8"],
]


# --- oracles ---------------------------------------------------------------------------------------


def assert_not_5xx(response: Any, what: str) -> None:
    assert response.status_code < 500, f"{what} answered {response.status_code}"


WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE)\s+"?(\w+)"?', re.IGNORECASE)
UNTRACKED = {"django_session"}  # a log-in or a message touches the session, never the data


@contextmanager
def statements() -> Iterator[list[str]]:
    """The SQL the block sends. An execute wrapper, not CaptureQueriesContext: that one reads a
    log capped at 9,000 queries and returns nothing once a long test has filled it."""
    sent: list[str] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        sent.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield sent


def written_tables(sent: list[str]) -> set[str]:
    return {m[1] for sql in sent if (m := WRITE.match(sql))} - UNTRACKED


@contextmanager
def read_only(what: str) -> Iterator[None]:
    """The block sends no write to the database but to the sessions table, and whatever it
    does is rolled back (a savepoint), so the next example starts from the same rows."""
    with transaction.atomic(), statements() as sent:
        yield
        writes = [sql[:120] for sql in sent if WRITE.match(sql) and written_tables([sql])]
        transaction.set_rollback(True)
    assert not writes, f"{what} wrote to the database: {writes}"


def table_counts(tables: set[str] | None = None) -> dict[str, int]:
    """The row count of each of `tables` (default: every table but the sessions), in one query."""
    with connection.cursor() as cursor:
        if tables is None:
            tables = set(connection.introspection.table_names(cursor)) - UNTRACKED
        names = sorted(tables)
        if not names:
            return {}
        quoted = [connection.ops.quote_name(t) for t in names]
        cursor.execute("SELECT " + ", ".join(f"(SELECT count(*) FROM {q})" for q in quoted))  # noqa: S608
        return dict(zip(names, cursor.fetchone(), strict=True))


@dataclass
class Changes:
    """What one example changed: tables whose row count moved, and watched rows that changed."""

    counts: dict[str, tuple[int, int]] = field(default_factory=dict)
    rows: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.counts or self.rows)


@contextmanager
def example(watch: dict[str, Any] | None = None) -> Iterator[Changes]:
    """Run one example in a savepoint that is rolled back afterwards. The yielded `Changes`
    is filled in when the block has ended: for each table the block wrote to (INSERT, UPDATE,
    DELETE), its row count as the block left it against its count after the rollback, which
    is the count before the block; likewise the rows of `watch` (label -> queryset whose
    `values()` must not change on a refusal: an edit adds no row). Reading only what was
    written keeps an example cheap; a block that wrote nothing changed nothing."""
    changes = Changes()
    watch = watch or {}
    with transaction.atomic():
        with statements() as sent:
            yield changes
        written = written_tables(sent)
        after = table_counts(written)
        watched = {label: qs for label, qs in watch.items() if qs.model._meta.db_table in written}
        rows_after = {label: _rows(qs) for label, qs in watched.items()}
        transaction.set_rollback(True)
    before = table_counts(written)
    changes.counts = {t: (before[t], after[t]) for t in written if before[t] != after[t]}
    for label, qs in watched.items():
        if (rows_before := _rows(qs)) != rows_after[label]:
            changes.rows[label] = (rows_before, rows_after[label])


def _rows(qs: Any) -> list[dict[str, Any]]:
    return [{k: v for k, v in row.items() if k != "updated_at"} for row in qs.all().order_by("pk").values()]


def error_messages(response: Any) -> list[str]:
    """The error messages the request queued (a redirect carries them to the next page)."""
    storage = getattr(response.wsgi_request, "_messages", None)
    queued = getattr(storage, "_queued_messages", [])
    return [str(m) for m in queued if m.level >= message_levels.WARNING]


def form_errors(response: Any) -> dict[str, Any]:
    """The errors of the bound forms the page was rendered with (empty when none had any)."""
    contexts = response.context
    if contexts is None:
        return {}
    if not isinstance(contexts, ContextList):
        contexts = [contexts]
    errors: dict[str, Any] = {}
    for context in contexts:
        for layer in context.dicts:
            for item in layer.values():
                if isinstance(item, BaseForm) and item.is_bound and item.errors:
                    errors.update(item.errors)
    return errors


def is_refusal(response: Any) -> bool:
    """The request was refused: an error status, a form with errors, or an error message."""
    return response.status_code >= 400 or bool(form_errors(response)) or bool(error_messages(response))
