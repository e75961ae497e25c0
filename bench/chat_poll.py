"""What a hundred idle chat widgets cost (issue 14, item 5): htmx polling with ETag/304.

    .venv/bin/python bench/chat_poll.py            # BENCH_DB=intranet_chat_bench, port 8193

Starts gunicorn the way production runs it (2 sync workers, DEBUG=false, persistent database
connections) on 127.0.0.1 against its own PostgreSQL database (created and migrated if
missing), with one open chat. Then, for BENCH_SECONDS (20) each:

1. baseline: BENCH_CLIENTS (4) clients fetch a normal page (BENCH_PAGE, the chat page
   /support/chat/ as an anonymous visitor: base template, navigation, the start form) as
   fast as they can: requests per second;
2. the same, while BENCH_WIDGETS (100) widgets poll the chat's log every BENCH_INTERVAL (3) s
   as the widget does (If-None-Match with the log's ETag; nothing new, so 304s).

Reports both rates, the share of the baseline left, and the polls' status codes and latency,
as Markdown for docs/benchmarks.md.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = os.environ.get("BENCH_DB", "intranet_chat_bench")
PORT = int(os.environ.get("BENCH_PORT", "8193"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "20"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "4"))
WIDGETS = int(os.environ.get("BENCH_WIDGETS", "100"))
INTERVAL = float(os.environ.get("BENCH_INTERVAL", "3"))
PAGE = os.environ.get("BENCH_PAGE", "/support/chat/")
BASE = f"http://127.0.0.1:{PORT}"
os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "office.settings")


def prepare() -> str:
    """The bench database, migrated, with one open chat; returns the chat's token."""
    exists = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname='{DB}'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not exists:
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"CREATE DATABASE {DB}"], check=True)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True)
    import django

    django.setup()
    from marketing.support.models import ChatMessage, Conversation

    chat = Conversation.objects.filter(name="Bench visitor").first()
    if chat is None:
        chat = Conversation.objects.create(name="Bench visitor", email="bench@example.org", last_message_seq=1)
        ChatMessage.objects.create(conversation=chat, seq=1, side="visitor", text="Hello from the bench")
    return chat.token


def fetch(path: str, headers: dict[str, str] | None = None) -> tuple[int, str, float]:
    request = urllib.request.Request(BASE + path, headers=headers or {})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (127.0.0.1 only)
            response.read()
            return response.status, response.headers.get("ETag", ""), time.perf_counter() - started
    except urllib.error.HTTPError as exc:  # a 304 arrives as an HTTPError
        exc.read()
        return exc.code, exc.headers.get("ETag", ""), time.perf_counter() - started


def page_rate(seconds: float) -> tuple[float, list[float], int]:
    """Requests per second of BENCH_CLIENTS clients fetching the normal page back to back."""
    stop = time.monotonic() + seconds
    samples: list[float] = []
    errors = 0
    lock = threading.Lock()

    def client() -> None:
        nonlocal errors
        while time.monotonic() < stop:
            status, _etag, elapsed = fetch(PAGE)
            with lock:
                samples.append(elapsed)
                errors += status != 200

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(samples) / (time.monotonic() - started), samples, errors


class Widgets:
    """BENCH_WIDGETS idle widgets, each polling every BENCH_INTERVAL s with its ETag."""

    def __init__(self, token: str) -> None:
        self.path = f"/support/chat/{token}/poll/"
        self.stop = threading.Event()
        self.codes: dict[int, int] = {}
        self.latencies: list[float] = []
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.widget, daemon=True) for _ in range(WIDGETS)]

    def widget(self) -> None:
        _status, etag, _elapsed = fetch(self.path)
        self.stop.wait(random.uniform(0, INTERVAL))  # widgets opened at different moments
        while not self.stop.is_set():
            status, new_etag, elapsed = fetch(self.path, {"If-None-Match": etag})
            etag = new_etag or etag
            with self.lock:
                self.codes[status] = self.codes.get(status, 0) + 1
                self.latencies.append(elapsed)
            self.stop.wait(INTERVAL)

    def start(self) -> None:
        for thread in self.threads:
            thread.start()
        time.sleep(INTERVAL + 1)  # every widget has polled at least once
        with self.lock:
            self.codes.clear()
            self.latencies.clear()

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=40)


def worker_cpu(master: int) -> float:
    """CPU seconds (user + system) used so far by the gunicorn master's worker processes."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:  # ppid
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))] * 1000 if ordered else 0.0


def main() -> None:
    token = prepare()
    env = dict(
        os.environ,
        DJANGO_SECRET_KEY="bench-secret-key-bench-secret-key-bench-secret-key-0123456789",
        DJANGO_DEBUG="false",
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        ALLOWED_HOSTS="127.0.0.1",
        DB_CONN_MAX_AGE="600",
    )
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "office.wsgi", "--bind", f"127.0.0.1:{PORT}", "--workers", "2"]
        + ["--worker-class", "sync", "--log-level", "warning", "--timeout", "60"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open("/tmp/bench-chat-poll-gunicorn.log", "w"),  # noqa: SIM115
    )
    try:
        for _ in range(150):
            try:
                fetch("/health/live/")
                break
            except OSError:
                time.sleep(0.2)
        status, _etag, _elapsed = fetch(PAGE)
        if status != 200:  # e.g. no collectstatic (manifest storage): measure nothing rather than 500s
            raise SystemExit(f"{PAGE} answered {status}; see /tmp/bench-chat-poll-gunicorn.log (make install?)")
        page_rate(3)  # warm-up: templates compiled, connections open
        cpu = worker_cpu(server.pid)
        base_rate, base_samples, base_errors = page_rate(SECONDS)
        cpu_per_page = (worker_cpu(server.pid) - cpu) / max(1, len(base_samples))
        widgets = Widgets(token)
        widgets.start()
        cpu = worker_cpu(server.pid)
        time.sleep(SECONDS)  # the widgets alone: what an idle poll costs the workers
        cpu_idle = worker_cpu(server.pid) - cpu
        with widgets.lock:
            idle_latencies = list(widgets.latencies)
            widgets.codes.clear()
            widgets.latencies.clear()
        idle_polls = len(idle_latencies)
        busy_rate, busy_samples, busy_errors = page_rate(SECONDS)
        with widgets.lock:
            codes, latencies = dict(widgets.codes), list(widgets.latencies)
        widgets.finish()
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"| run | page req/s | page p50 ms | page p95 ms | errors | {WIDGETS} widgets' polls |")
    print("|---|---:|---:|---:|---:|---|")
    base = f"{base_rate:.1f} | {pct(base_samples, 0.5):.1f} | {pct(base_samples, 0.95):.1f} | {base_errors}"
    print(f"| no widgets | {base} | – |")
    polls = ", ".join(f"{n} × {code}" for code, n in sorted(codes.items()))
    print(
        f"| {WIDGETS} idle widgets | {busy_rate:.1f} | {pct(busy_samples, 0.5):.1f} | {pct(busy_samples, 0.95):.1f} "
        f"| {busy_errors} | {polls}; p50 {pct(latencies, 0.5):.1f} ms, p95 {pct(latencies, 0.95):.1f} ms |"
    )
    cpu_per_poll = cpu_idle / max(1, idle_polls)
    print(
        f"\nWorker CPU: {cpu_per_page * 1000:.1f} ms per page, {cpu_per_poll * 1000:.1f} ms per 304 poll; "
        f"the {WIDGETS} idle widgets alone kept the workers {100 * cpu_idle / SECONDS:.0f} % of one core busy "
        f"({idle_polls / SECONDS:.1f} polls/s; p50 {pct(idle_latencies, 0.5):.1f} ms, "
        f"p95 {pct(idle_latencies, 0.95):.1f} ms)."
    )
    left = 100 * busy_rate / base_rate
    print(f"\nThroughput left for the page: {left:.0f} % ({len(latencies) / SECONDS:.1f} polls/s beside it;")
    print(f"page {PAGE}, {CLIENTS} clients, {SECONDS:.0f} s per phase).")


if __name__ == "__main__":
    main()
