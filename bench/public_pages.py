"""Public pages against a bare Django page (issue 14, item 8): each page's throughput as a share
of the bare page's, measured in turns in the same run. Target: ≥ 30 %.

    .venv/bin/python bench/public_pages.py          # BENCH_DB=intranet_public_bench, port 8194

Starts gunicorn the way production runs it (2 sync workers, DEBUG=false, persistent database
connections, the Redis cache, whitenoise's manifest: needs `make install` for collectstatic) on
127.0.0.1 against its own PostgreSQL database (created, migrated and seeded with seed_demo if
empty). The settings are office.settings unchanged; the URLconf adds /bench/bare/, a view that
returns a small constant page through the whole middleware stack (bench/public_pages_urls.py).

For each public page, BENCH_ROUNDS (3) rounds of: wrk on the bare page for BENCH_SECONDS (8),
then wrk on the page for as long; the page's share is its requests over the bare page's in
the same rounds, so a change in the machine's load hits both. Requests carry a browser's
User-Agent (wrk sends none, and the analytics would take it for a bot and count nothing): every
page view is counted in the database as a visitor's would be.

Pages (anonymous, served from the cache after the first request, marketing/cache.py): the
English and Chinese home, the showcase list, a resource's showcase page, a service's page,
the subject navigation (CLC class K), the A–Z index, the public search (one query, repeated).
Extra rows, not targets: the search with a new query every request (never from the cache),
and the union catalog's public search page (not a marketing page) for comparison.

Environment: BENCH_DB, BENCH_PORT (8194), BENCH_SECONDS, BENCH_ROUNDS, BENCH_CONNECTIONS (8),
BENCH_REDIS_URL (redis://127.0.0.1:6379/8). Needs wrk (apt install wrk).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB = os.environ.get("BENCH_DB", "intranet_public_bench")
PORT = int(os.environ.get("BENCH_PORT", "8194"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "8"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")
BASE = f"http://127.0.0.1:{PORT}"
AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"
BARE = "/bench/bare/"
TARGET = 30.0

ENV = dict(
    os.environ,
    DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DB}",
    REDIS_URL=REDIS_URL,
    DJANGO_SECRET_KEY="bench-secret-key-bench-secret-key-bench-secret-key-0123456789",
    DJANGO_DEBUG="false",
    SECURE_SSL_REDIRECT="false",
    SECURE_COOKIES="false",
    ALLOWED_HOSTS="127.0.0.1",
    DB_CONN_MAX_AGE="600",
    CELERY_TASK_ALWAYS_EAGER="true",
)


def prepare() -> dict[str, str]:
    """The bench database, migrated and seeded; returns the paths of the pages to measure."""
    exists = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname='{DB}'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not exists:
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"CREATE DATABASE {DB}"], check=True)
    os.environ.update({k: ENV[k] for k in ("DATABASE_URL", "REDIS_URL", "CELERY_TASK_ALWAYS_EAGER")})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "office.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from marketing.models import Resource
    from office.models import Organization
    from services.models import Offering

    call_command("migrate", verbosity=0)
    if not Organization.objects.exists():
        call_command("seed_demo", verbosity=0)
    resource = Resource.objects.published().order_by("pk").first()
    offering = Offering.objects.filter(is_active=True).order_by("pk").first()
    query = urllib.parse.quote("检索")
    return {
        "home (English)": "/en/",
        "home (Chinese)": "/zh-hans/",
        "showcase list": "/en/showcase/",
        "showcase page (resource)": f"/en/resources/{resource.slug}/",
        "showcase page (service)": f"/en/offerings/{offering.code}/",
        "subject navigation (CLC K)": "/en/subjects/?clc=K",
        "A–Z index": "/en/a-z/",
        "search (one query)": f"/zh-hans/search/?q={query}",
    }


def fetch(path: str) -> int:
    request = urllib.request.Request(BASE + path, headers={"User-Agent": AGENT})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (127.0.0.1 only)
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def wrk(path: str, script: str = "") -> dict[str, float | str]:
    """Requests/s, p50 and p99 (ms) and non-2xx count of one wrk run on `path`."""
    args = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", "-H", f"User-Agent: {AGENT}"]
    if script:
        args += ["-s", script]
    out = subprocess.run([*args, BASE + path], capture_output=True, text=True, check=True).stdout

    def grab(pattern: str) -> str:
        found = re.search(pattern, out, re.MULTILINE)
        return found.group(1) if found else ""

    def ms(text: str) -> float:
        number, unit = re.match(r"([\d.]+)(\w+)", text).groups()  # type: ignore[union-attr]
        return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]

    return {
        "rps": float(grab(r"Requests/sec:\s+([\d.]+)")),
        "p50": ms(grab(r"^\s+50%\s+(\S+)")),
        "p99": ms(grab(r"^\s+99%\s+(\S+)")),
        "errors": grab(r"Non-2xx or 3xx responses:\s+(\d+)") or "0",
    }


def turns(path: str, script: str = "") -> dict[str, float | str]:
    """BENCH_ROUNDS rounds of bare page then `path`; the page's share of the bare throughput."""
    bare, page = [], []
    for _ in range(ROUNDS):
        bare.append(wrk(BARE))
        page.append(wrk(path, script))
    bare_rps = sum(float(r["rps"]) for r in bare) / ROUNDS
    page_rps = sum(float(r["rps"]) for r in page) / ROUNDS
    return {
        "bare": bare_rps,
        "rps": page_rps,
        "share": 100 * page_rps / bare_rps,
        "p50": sorted(float(r["p50"]) for r in page)[ROUNDS // 2],
        "p99": max(float(r["p99"]) for r in page),
        "errors": sum(int(r["errors"]) for r in page),
    }


NEW_QUERY_SCRIPT = """
counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, "/en/search/?q=bench" .. counter .. "x" .. math.random(1, 1000000000))
end
"""


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt install wrk)")
    pages = prepare()
    env = {**ENV, "DJANGO_SETTINGS_MODULE": "public_pages_settings"}
    log = open("/tmp/bench-public-pages-gunicorn.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "office.wsgi", "--bind", f"127.0.0.1:{PORT}", "--workers", "2"]
        + ["--worker-class", "sync", "--log-level", "warning", "--timeout", "60"]
        + ["--pythonpath", str(ROOT / "bench")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    rows = []
    script = ""
    try:
        for _ in range(150):
            try:
                fetch(BARE)
                break
            except OSError:
                time.sleep(0.2)
        for path in [BARE, *pages.values()]:
            status = fetch(path)
            if status != 200:  # e.g. no collectstatic: measure nothing rather than 500s
                raise SystemExit(f"{path} answered {status}; see /tmp/bench-public-pages-gunicorn.log")
        for path in [BARE, *pages.values()]:  # warm-up: templates compiled, connections open
            for _ in range(5):
                fetch(path)
        started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        load_before = os.getloadavg()
        for label, path in pages.items():
            rows.append((label, path, turns(path), True))
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
            handle.write(NEW_QUERY_SCRIPT)
            script = handle.name
        fresh = turns("/en/search/", script)
        rows.append(("search, a new query each time (not cached)", "/en/search/?q=…", fresh, False))
        rows.append(("union catalog search page (not a marketing page)", "/catalog/public/?q=history",
                     turns("/catalog/public/?q=history"), False))  # fmt: skip
        load_after = os.getloadavg()
    finally:
        server.terminate()
        server.wait(timeout=30)
        if script:
            os.unlink(script)
    print(f"Run {started}; load average before {load_before[0]:.2f}, after {load_after[0]:.2f} (1 min); "
          f"wrk -t2 -c{CONNECTIONS} -d{SECONDS}s × {ROUNDS} rounds in turns with the bare page.\n")  # fmt: skip
    print("| page | path | bare page req/s (same rounds) | page req/s | share of bare | p50 ms | p99 ms | non-2xx "
          "| ≥ 30 % |")  # fmt: skip
    print("|---|---|---:|---:|---:|---:|---:|---:|---|")
    for label, path, r, target in rows:
        verdict = ("yes" if float(r["share"]) >= TARGET else "**no**") if target else "(not a target)"
        print(
            f"| {label} | `{path}` | {r['bare']:.0f} | {r['rps']:.0f} | {r['share']:.0f} % | {r['p50']:.1f} "
            f"| {r['p99']:.1f} | {r['errors']} | {verdict} |"
        )


if __name__ == "__main__":
    main()
