"""Union catalog at scale (issue 4, item 7): import rate and search latency on PostgreSQL.

    bench/catalog_bench.sh                      # everything, one million records
    .venv/bin/python bench/catalog_bench.py load --count 1000000
    .venv/bin/python bench/catalog_bench.py query [--rounds 2]
    .venv/bin/python bench/catalog_bench.py http  [--port 8191] [--ranking window] [--only keyword]
    .venv/bin/python bench/catalog_bench.py exact

`load` migrates the bench database (BENCH_DB, default intranet_bench; seed_demo for the
offices), generates the synthetic file with bench/catalog_data.py if it is missing, and
imports it through `manage.py import_marc --share` (the real import path), timing it; then
gives about 60 % of the records holdings in one to four offices (plain SQL, not
timed) so the office facet has something to count, and ANALYZEs.
`query` measures, in process through cataloging.search (what the views call), p50/p95/p99
over a fixed query set: ranked keyword search (first page), title, author, ISBN-13 and
ISBN-10 lookup, classification filter, facet counts for keyword results, and the page count.
`http` starts gunicorn (2 workers, production settings) on 127.0.0.1 and times the full
public search page (results, count and facets) over HTTP for the keyword query set.
`exact` checks whether the first page of each keyword query is the best 20 of ALL its matches,
with the RUM index and with the bounded window (issue 18, item 6); `--ranking window` makes
query/sql/http use the window even where the RUM index exists (`http` bypasses the anonymous
page cache with a `bench=1` parameter, but for its cache-hit case).
Results are printed as Markdown tables for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
DB = os.environ.get("BENCH_DB", "intranet_bench")
os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "office.settings")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
DATA_DIR = Path(os.environ.get("BENCH_DATA", "/work/bench-data"))
PAGE_SIZE = 20


def percentiles(samples: list[float]) -> tuple[float, float, float, float]:
    ordered = sorted(samples)

    def pick(q: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]

    return pick(0.5), pick(0.95), pick(0.99), ordered[-1]


def row(label: str, samples: list[float], note: str = "") -> str:
    p50, p95, p99, worst = percentiles(samples)
    ms = [f"{v * 1000:.1f}" for v in (p50, p95, p99, worst)]
    return f"| {label} | {len(samples)} | {' | '.join(ms)} | {note} |"


def setup_django(ranking: str = "auto") -> None:
    import django

    django.setup()
    if ranking == "window":
        force_window()


def force_window() -> None:
    """The bounded-window ranking even where the RUM index exists (to measure the fallback)."""
    from cataloging import search

    search.rum_available = lambda: False


_window_app = None


def window_app(environ, start_response):  # noqa: ANN001, ANN201
    """The site's WSGI application on the window ranking: `gunicorn catalog_bench:window_app`."""
    global _window_app
    if _window_app is None:
        from django.core.wsgi import get_wsgi_application

        _window_app = get_wsgi_application()
        force_window()
    return _window_app(environ, start_response)


def ensure_database() -> None:
    exists = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname='{DB}'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not exists:
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", f"CREATE DATABASE {DB}"], check=True)


# --- load -------------------------------------------------------------------------------------


def load(args: argparse.Namespace) -> None:
    ensure_database()
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from office.models import Organization

    call_command("migrate", verbosity=0)
    if not Organization.objects.exists():
        call_command("seed_demo", verbosity=0)
    path = Path(args.file or DATA_DIR / f"catalog-{args.count}.mrc")
    if not path.exists():
        import catalog_data

        path.parent.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        with open(path, "wb") as out:
            catalog_data.generate(args.count, args.seed, out)
        print(f"generated {args.count} records in {time.monotonic() - started:.0f} s: {path}", file=sys.stderr)
    records = path.read_bytes().count(b"\x1d")
    print(f"importing {records} records from {path} ({path.stat().st_size / 1e6:.0f} MB)", file=sys.stderr)
    started, cpu = time.monotonic(), time.process_time()
    call_command("import_marc", str(path), org=args.org, share=True, stdout=sys.stderr)
    elapsed, cpu = time.monotonic() - started, time.process_time() - cpu
    print(
        f"| import_marc --share | {records} | {elapsed:.0f} s | {records / elapsed:.0f} records/s"
        f" | import process CPU {cpu:.0f} s ({cpu / records * 1000:.2f} ms/record) |"
    )
    with connection.cursor() as cursor:
        add_holdings(cursor)
        # What autovacuum does soon after a bulk load; the visibility map lets counts skip the heap.
        for table in ("cataloging_bibrecord", "cataloging_recordidentifier", "cataloging_holding"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def add_holdings(cursor) -> None:  # noqa: ANN001
    """About 60 % of the records held by one to four offices, deterministically by id."""
    cursor.execute("SELECT id FROM office_organization ORDER BY id")
    offices = [r[0] for r in cursor.fetchall()]
    for n, office in enumerate(offices):
        cursor.execute(
            """
            INSERT INTO cataloging_holding (created_at, updated_at, record_id, organization_id, call_number,
                                            location, copies, lendable, note)
            SELECT now(), now(), r.id, %s, r.clc, 'Stacks', 1 + r.id %% 3, true, ''
            FROM cataloging_bibrecord r
            WHERE r.control_number LIKE 'BENCH%%' AND (r.id * 7 + %s) %% 10 < %s
            ON CONFLICT DO NOTHING
            """,
            [office, n, 3 if n == 0 else 1],
        )


# --- query ------------------------------------------------------------------------------------


def query_set(seed: int) -> dict[str, list[str]]:
    """The fixed query set: vocabulary terms from catalog_data plus titles, authors and ISBNs
    of a deterministic sample of the loaded records."""
    import catalog_data
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT title, authors, isbn FROM cataloging_bibrecord WHERE control_number LIKE 'BENCH%%' "
            "ORDER BY md5(id::text || %s) LIMIT 400",
            [str(seed)],
        )
        rows = cursor.fetchall()
    samples = {
        "title": [t.split(" : ")[0] for t, _a, _i in rows if t],
        "author": [a.split("\n")[0] for _t, a, _i in rows if a],
        "isbn13": [i for _t, _a, i in rows if i],
    }
    samples["isbn10"] = [catalog_data.isbn10_of(i) for i in samples["isbn13"]]
    return catalog_data.query_set(samples, seed)


def timed(fn) -> float:  # noqa: ANN001
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def query(args: argparse.Namespace) -> None:
    setup_django(args.ranking)
    from cataloging import search, selectors
    from cataloging.models import BibRecord

    queries = query_set(args.seed)
    Path(DATA_DIR / "queries.json").write_text(json.dumps(queries, ensure_ascii=False, indent=1), encoding="utf-8")
    base = selectors.record_list(user=None, shared_only=True)
    total = BibRecord.objects.count()

    def first_page(**params: str):  # noqa: ANN202
        return lambda: list(search.apply(base, search.SearchParams(**params))[:PAGE_SIZE])

    cases = [
        ("keyword, ranked (first page)", [first_page(q=q) for q in queries["keyword"]]),
        ("title (first page)", [first_page(title=q) for q in queries["title"]]),
        ("author (first page)", [first_page(author=q) for q in queries["author"]]),
        ("ISBN-13 lookup", [first_page(isbn=q) for q in queries["isbn13"]]),
        ("ISBN-10 lookup", [first_page(isbn=q) for q in queries["isbn10"]]),
        ("classification filter (first page)", [first_page(clc=q) for q in queries["clc"]]),
        (
            "keyword window look-up and count",
            [lambda q=q: search.apply(base, search.SearchParams(q=q)).count() for q in queries["keyword"]],
        ),
        (
            "facet counts for keyword results",
            [lambda q=q: search.facets(search.apply(base, search.SearchParams(q=q))) for q in queries["keyword"]],
        ),
    ]
    print(f"{total} records; query set of {len(queries['keyword'])} keywords (seed {args.seed})\n")
    print("| query | n | p50 ms | p95 ms | p99 ms | max ms | |")
    print("|---|---|---|---|---|---|---|")
    for label, calls in cases:
        if args.only and args.only not in label:
            continue
        for _round in range(args.rounds - 1):  # warm-up rounds, not reported
            for call in calls:
                call()
        samples = [timed(call) for call in calls]
        print(row(label, samples), flush=True)


def sql(args: argparse.Namespace) -> None:
    """Server-side execution time (EXPLAIN ANALYZE) of each search's main query: what the
    database spends, without Python, the ORM or the prefetch; less sensitive to a busy
    machine's CPU scheduling of the (niced) benchmark process."""
    setup_django(args.ranking)
    from django.core.exceptions import EmptyResultSet
    from django.db import connection

    from cataloging import search, selectors

    queries = query_set(args.seed)
    base = selectors.record_list(user=None, shared_only=True)

    def execution_ms(qs) -> float:  # noqa: ANN001
        statement, params = qs.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE) " + statement, params)
            last = cursor.fetchall()[-1][0]
        return float(last.split(":")[1].split()[0]) / 1000

    def page(**params: str):  # noqa: ANN202
        return search.apply(base, search.SearchParams(**params))[:PAGE_SIZE]

    cases = [
        (
            "keyword window look-up (≤ 2,001 ids: RUM, best first; GIN, first found)",
            [
                search.window_lookup(base, tsquery)
                for q in queries["keyword"]
                if (tsquery := search.ranked_tsquery(q)) is not None
            ],
        ),
        ("keyword, ranked (first page of the window)", [page(q=q) for q in queries["keyword"]]),
        ("title (first page)", [page(title=q) for q in queries["title"]]),
        ("author (first page)", [page(author=q) for q in queries["author"]]),
        ("ISBN-13 lookup", [page(isbn=q) for q in queries["isbn13"]]),
        ("ISBN-10 lookup", [page(isbn=q) for q in queries["isbn10"]]),
        ("classification filter (first page)", [page(clc=q) for q in queries["clc"]]),
    ]
    print("| query (EXPLAIN ANALYZE execution time) | n | p50 ms | p95 ms | p99 ms | max ms | |")
    print("|---|---|---|---|---|---|---|")
    for label, querysets in cases:
        if args.only and args.only not in label:
            continue
        # A keyword that matched nothing leaves its page no query to run (pk IN ()).
        runnable = []
        for qs in querysets:
            try:
                qs.query.sql_with_params()
            except EmptyResultSet:
                continue
            runnable.append(qs)
        for qs in runnable[:10]:
            execution_ms(qs)
        print(row(label, [execution_ms(qs) for qs in runnable]), flush=True)


# --- exact ----------------------------------------------------------------------------------


EXACT_SQL = """
    SELECT id, {score} AS score FROM cataloging_bibrecord
    WHERE status = 'approved' AND search_vector @@ plainto_tsquery('simple'::regconfig, %s)
    ORDER BY score DESC, id LIMIT {k}
"""


def exact(args: argparse.Namespace) -> None:
    """Are the first PAGE_SIZE results of each keyword query the best PAGE_SIZE of ALL its
    matches, with the RUM index and with the bounded window? The exact ranking is computed once
    per query by a slow query that scores every match from the table (ts_rank, and RUM's own
    score where the extension is installed); "same ids" compares the lists record by record,
    "same scores" the scores in order (records that tie may legitimately come in either order)."""
    setup_django()
    from django.db import connection

    from cataloging import search, selectors
    from cataloging.marc import cjk_bigrams

    queries = query_set(args.seed)["keyword"]
    base = selectors.record_list(user=None, shared_only=True)
    scores = {"ts_rank": "ts_rank(search_vector, plainto_tsquery('simple'::regconfig, %s))"}
    if _has_rum(connection):
        scores["rum_ts_score"] = "rum_ts_score(search_vector, plainto_tsquery('simple'::regconfig, %s))"
    detected = search.rum_available
    paths = {"RUM index (best of all matches)": detected, "window (first 2,000 found)": lambda: False}
    if not detected():
        del paths["RUM index (best of all matches)"]
    tally = {(path, name): [0, 0] for path in paths for name in scores}
    ranked, started = 0, time.monotonic()
    for q in queries:
        if search.ranked_tsquery(q) is None:
            continue
        ranked += 1
        text = cjk_bigrams(" ".join(search._terms(q)))
        exact_rows = {}
        for name, score in scores.items():
            with connection.cursor() as cursor:
                cursor.execute(EXACT_SQL.format(score=score, k="ALL"), [text, text])
                exact_rows[name] = cursor.fetchall()
        for path, available in paths.items():
            search.rum_available = available
            page = [r.pk for r in search.apply(base, search.SearchParams(q=q))[:PAGE_SIZE]]
            for name, every in exact_rows.items():
                score_of = dict(every)
                tally[path, name][0] += page == [pk for pk, _s in every[:PAGE_SIZE]]
                tally[path, name][1] += [score_of.get(pk) for pk in page] == [s for _pk, s in every[:PAGE_SIZE]]
    search.rum_available = detected
    print(f"{ranked} ranked keyword queries; exact rankings computed in {time.monotonic() - started:.0f} s\n")
    print("| first page (20) vs the exact ranking of all matches | by | same ids | same scores in order |")
    print("|---|---|---|---|")
    for (path, name), (same_ids, same_scores) in tally.items():
        print(f"| {path} | {name} | {same_ids} / {ranked} | {same_scores} / {ranked} |")


def _has_rum(connection) -> bool:  # noqa: ANN001
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'rum'")
        return cursor.fetchone() is not None


# --- http -------------------------------------------------------------------------------------


def http(args: argparse.Namespace) -> None:
    setup_django()
    queries = query_set(args.seed)
    env = dict(
        os.environ,
        DJANGO_SECRET_KEY="bench-secret-key-bench-secret-key-bench-secret-key-0123456789",
        DJANGO_DEBUG="false",
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        ALLOWED_HOSTS="127.0.0.1",
        DB_CONN_MAX_AGE="600",
    )
    app = ["office.wsgi"]
    if args.ranking == "window":
        app = ["--pythonpath", str(ROOT / "bench"), "catalog_bench:window_app"]
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), *app, "--bind", f"127.0.0.1:{args.port}", "--workers", "2"]
        + ["--log-level", "warning", "--timeout", "120"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open("/tmp/bench-catalog-gunicorn.log", "w"),  # noqa: SIM115
    )
    try:
        base = f"http://127.0.0.1:{args.port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/health/live/", timeout=2).read()  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)

        def get(params: dict[str, str]) -> float:
            url = f"{base}/catalog/public/?{urllib.parse.urlencode(params)}"
            started = time.perf_counter()
            with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310
                body = response.read()
                assert response.status == 200 and b"result-count" in body, url
            return time.perf_counter() - started

        # `bench=1` is not a search parameter, so the page is rendered (cataloging/public_cache.py
        # caches the anonymous page per query); the last case asks the cache.
        fresh = {"bench": "1"}
        cases = [
            ("search page: keyword + facets", [{"q": q, **fresh} for q in queries["keyword"]]),
            ("search page: keyword, newest first", [{"q": q, "sort": "newest", **fresh} for q in queries["keyword"]]),
            (
                "search page: keyword + year facet",
                [{"q": q, "year": "2015", **fresh} for q in queries["keyword"][:40]],
            ),
            ("search page: title", [{"title": q, **fresh} for q in queries["title"]]),
            ("search page: ISBN", [{"isbn": q, **fresh} for q in queries["isbn13"][:50]]),
            ("search page: class browse", [{"clc": q, **fresh} for q in queries["clc"]]),
            ("search page: keyword, anonymous cache hit", [{"q": q} for q in queries["keyword"]]),
        ]
        print("| page (GET /catalog/public/) | n | p50 ms | p95 ms | p99 ms | max ms | |")
        print("|---|---|---|---|---|---|---|")
        for label, param_list in cases:
            if args.only and args.only not in label:
                continue
            if "cache hit" in label:  # every page once to fill the cache
                for params in param_list:
                    get(params)
            for params in param_list[: args.warmup]:
                get(params)
            samples = [get(params) for params in param_list]
            print(row(label, samples), flush=True)
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=4)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("load")
    p.add_argument("--count", type=int, default=1_000_000)
    p.add_argument("--file", default="")
    p.add_argument("--org", default="home")
    p = sub.add_parser("query")
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--only", default="")
    p = sub.add_parser("sql")
    p.add_argument("--only", default="")
    p = sub.add_parser("http")
    p.add_argument("--port", type=int, default=8191)
    p.add_argument("--warmup", type=int, default=10)
    p.add_argument("--only", default="")
    sub.add_parser("exact")
    for name in ("query", "sql", "http"):
        sub.choices[name].add_argument(
            "--ranking", choices=("auto", "window"), default="auto", help="window: the fallback even with RUM"
        )
    args = parser.parse_args()
    random.seed(args.seed)
    {"load": load, "query": query, "sql": sql, "http": http, "exact": exact}[args.command](args)


if __name__ == "__main__":
    main()
