"""Soak run (issue 17; RELIABILITY.md LD1 and LD3): mixed traffic from every demo role for a
set time against the production set-up on one machine, with Redis killed twice under it.

    .venv/bin/python bench/soak.py                  # 10 minutes
    SOAK_SECONDS=120 .venv/bin/python bench/soak.py # shorter

What runs, all on 127.0.0.1: a PostgreSQL database of its own (SOAK_DB, default
intranet_soak, dropped and created, migrated, seeded with seed_demo); a private
`redis-server` on a free port (appendonly yes, as README's production section asks);
gunicorn (2 sync workers, DEBUG=false, a secret key, ALLOWED_HOSTS=127.0.0.1, persistent
database connections), one Celery worker (prefork, 2 processes) and beat, as in production
(`deploy/Procfile`). Media, backups and logs go to SOAK_OUT (default /tmp/soak-<time>).

Traffic: one virtual user per demo role (two anonymous) with its own logged-in session (a
session row, as `bench/session_for.py` makes), each picking a weighted request of its role,
then thinking (exponential, mean SOAK_THINK seconds, default 1.5): public pages and catalog
search, staff and client home, approvals, order lists and pages, the services queue, payment
lists, and POSTs that queue work (service orders with an attachment, order messages, payment
requests, a client paying by simulated card, then polling the payment's status). A short
preflight drops any request a role may not make (403/404), so what is counted as an error
is one. At one third and two thirds of the run Redis is killed (SIGKILL) and started again
SOAK_OUTAGE seconds (default 15) later.

Reported (Markdown, printed and saved in SOAK_OUT/report.md; raw samples in samples.json):
responses by status and the error rate, 5xx inside and outside the Redis windows, p50/p95
per kind of request, requests over 2 s, resident memory (RSS) of every gunicorn and Celery
process after a warm-up and at the end, the queue draining after the traffic stops, ERROR
lines in the logs, and whether every payment paid by card was recorded as paid.
"""

from __future__ import annotations

import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg2
import redis
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SECONDS = int(os.environ.get("SOAK_SECONDS", "600"))
THINK = float(os.environ.get("SOAK_THINK", "1.5"))
DB = os.environ.get("SOAK_DB", "intranet_soak")
OUT = Path(os.environ.get("SOAK_OUT", f"/tmp/soak-{time.strftime('%Y%m%dT%H%M%S')}"))
OUTAGE_SECONDS = int(os.environ.get("SOAK_OUTAGE", "15"))  # Redis down this long, twice
SLOW = 2.0  # seconds: the bound issue 17 sets for a request while Redis is down
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


# --- the set-up -------------------------------------------------------------------------------


@dataclass
class Stack:
    env: dict[str, str]
    redis_port: int
    web_port: int
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.web_port}"

    def start(self, name: str, args: list[str]) -> None:
        log = (OUT / f"{name}.log").open("ab")
        # A process group of its own: stopping it stops its children (gunicorn and pool workers).
        self.processes[name] = subprocess.Popen(  # noqa: S603
            args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def stop(self, name: str, sig: int = signal.SIGTERM) -> None:
        process = self.processes.get(name)
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def start_redis(self) -> None:
        self.start(
            "redis",
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.redis_port),
                "--bind",
                HOST,
                "--save",
                "",
                "--appendonly",
                "yes",
                "--dir",
                str(OUT / "redis"),
            ],  # fmt: skip
        )
        client = redis.Redis(host=HOST, port=self.redis_port, socket_connect_timeout=1)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.RedisError:
                time.sleep(0.1)
        raise SystemExit("redis-server did not start")

    def kill_redis(self) -> None:
        self.stop("redis", signal.SIGKILL)


def stack_env(redis_port: int) -> dict[str, str]:
    redis_url = f"redis://{HOST}:{redis_port}/0"
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "office.settings",
        "DATABASE_URL": f"postgres://postgres@{HOST}:5432/{DB}",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        # Plain http on loopback, no TLS proxy in front: cookies without Secure, no redirect.
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "CELERY_RESULT_BACKEND": redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "MEDIA_ROOT": str(OUT / "media"),
        "BACKUP_DIR": str(OUT / "backups"),
        "EMAIL_URL": "dummymail://",
        "PAYMENTS_BACKEND": "simulated",
        "SIMULATED_WEBHOOK_SECRET": secrets.token_urlsafe(32),
        "SITE_URL": f"http://{HOST}",
        "PYTHONUNBUFFERED": "1",
    }


def prepare_database(env: dict[str, str]) -> None:
    admin = psycopg2.connect(dbname="postgres", user="postgres", host=HOST, port=5432)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{DB}"')
    admin.close()
    for command in (["migrate", "-v0"], ["seed_demo"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
        )


def start_services(stack: Stack) -> None:
    web = [str(BIN / "gunicorn"), "office.wsgi", "--bind", f"{HOST}:{stack.web_port}", "--workers", "2"]
    stack.start("gunicorn", [*web, "--timeout", "60", "--no-control-socket", "--log-level", "warning"])
    stack.start("worker", [str(BIN / "celery"), "-A", "office", "worker", "--loglevel=INFO", "--concurrency=2"])
    stack.start("beat", [str(BIN / "celery"), "-A", "office", "beat", "--loglevel=INFO"])
    for _ in range(300):
        try:
            requests.get(f"{stack.base}/health/live/", timeout=30)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


# --- memory ----------------------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def memory(stack: Stack) -> dict[str, tuple[int, int]]:
    """{label: (pid, RSS KiB)} for gunicorn's master and workers, the Celery worker's main
    process and pool processes, and beat."""
    found: dict[str, tuple[int, int]] = {}
    for name, children in (("gunicorn", "gunicorn worker"), ("worker", "celery pool"), ("beat", "")):
        process = stack.processes.get(name)
        if process is None or process.poll() is not None:
            continue
        main = {"gunicorn": "gunicorn master", "worker": "celery worker (main)", "beat": "celery beat"}[name]
        found[main] = (process.pid, _rss_kib(process.pid))
        if children:
            for number, child in enumerate(sorted(_children(process.pid)), start=1):
                found[f"{children} {number}"] = (child, _rss_kib(child))
    return found


# --- traffic -----------------------------------------------------------------------------------------


@dataclass
class Sample:
    at: float  # seconds since the traffic started
    kind: str
    status: int  # 0: no answer (timeout, refused)
    seconds: float


class Recorder:
    def __init__(self) -> None:
        self.samples: list[Sample] = []
        self.lock = threading.Lock()
        self.started = time.monotonic()
        self.card_payments: list[int] = []  # payments a client paid by card (the provider said yes)

    def request(self, session: requests.Session, kind: str, method: str, url: str, **kwargs: Any) -> Any:
        began = time.monotonic()
        try:
            response = session.request(method, url, timeout=60, allow_redirects=False, **kwargs)
            status = response.status_code
        except requests.RequestException:
            response, status = None, 0
        with self.lock:
            self.samples.append(Sample(began - self.started, kind, status, time.monotonic() - began))
        return response


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SEARCH_TERMS = ["information", "retrieval", "history", "science", "中国", "library", "data", "art", "1983", "guide"]
PDF = b"%PDF-1.4\n% soak attachment\n" + b"0" * 2048 + b"\n%%EOF\n"


@dataclass
class User:
    name: str
    session: requests.Session
    base: str
    recorder: Recorder
    ids: dict[str, Any]
    last_payment: int | None = None

    def get(self, kind: str, path: str, **kwargs: Any) -> Any:
        return self.recorder.request(self.session, kind, "GET", self.base + path, **kwargs)

    def post(self, kind: str, path: str, form_page: str, data: dict[str, Any], **kwargs: Any) -> Any:
        """POST as a browser does: the form's page first, for its CSRF token."""
        page = self.get(kind.replace("POST", "form page:"), form_page)
        match = CSRF.search(page.text) if page is not None and page.status_code == 200 else None
        if match is None:
            return None
        return self.recorder.request(
            self.session, kind, "POST", self.base + path, data={**data, "csrfmiddlewaretoken": match.group(1)}, **kwargs
        )


# Each action is one thing a person of the role does; it may make several requests.


def public_home(user: User) -> None:
    user.get("public: home page", "/")


def public_services(user: User) -> None:
    user.get("public: services page", "/services/")


def public_search(user: User) -> None:
    user.get("catalog search (public)", f"/catalog/public/?q={random.choice(SEARCH_TERMS)}")


def staff_search(user: User) -> None:
    user.get("catalog search (staff)", f"/catalog/?q={random.choice(SEARCH_TERMS)}")


def home(user: User) -> None:
    user.get("intranet home (client)" if user.name.startswith("client") else "intranet home (staff)", "/intranet/")


def approvals(user: User) -> None:
    user.get("approvals", "/procurement/approvals/")


def review_queue(user: User) -> None:
    user.get("approvals", "/catalog/review/")


def services_queue(user: User) -> None:
    user.get("orders: services queue", "/services/queue/")


def service_orders(user: User) -> None:
    user.get("orders: list", "/services/orders/")


def purchase_orders(user: User) -> None:
    user.get("orders: list", "/procurement/orders/")


def order_page(user: User) -> None:
    if user.name not in user.ids["order"]:
        return order_create(user)
    user.get("orders: order page", f"/services/orders/{user.ids['order'][user.name]}/")
    return None


def payments_list(user: User) -> None:
    user.get("payments: list", "/payments/")


def order_create(user: User) -> None:
    path = "/services/offerings/novelty-search/order/"
    data = {"topic": f"Soak order {secrets.token_hex(3)}", "keywords": "soak", "delivery_channel": "download"}
    files = {"attachments": ("requirements.pdf", PDF, "application/pdf")}
    made = user.post("POST service order (queues e-mail)", path, path, data, files=files)
    order = re.search(r"/services/orders/(\d+)/", made.headers.get("Location", "")) if made is not None else None
    if order is not None:
        user.ids["order"].setdefault(user.name, int(order.group(1)))


def order_message(user: User) -> None:
    if user.name not in user.ids["order"]:
        return order_create(user)
    path = f"/services/orders/{user.ids['order'][user.name]}/"
    user.post("POST order message (queues e-mail)", f"{path}messages/", path, {"body": "Any news? 有进展吗？"})
    return None


def payment_request(user: User) -> None:
    payer = random.choice(["client_a", "client_b"])
    data = {"payer": user.ids["user"][payer], "description": "Soak fee 测试费", "amount": "12.50"}
    user.post("POST payment request", "/payments/requests/", "/payments/requests/", data)


def pay_by_card(user: User) -> None:
    """The client pays its oldest open payment request by simulated card (the provider's event
    reaches us through the worker), then watches the payment's status as the page does."""
    mine = user.get("payments: list", "/payments/mine/")
    match = re.search(r"/payments/requests/(\d+)/pay/", mine.text) if mine is not None else None
    token = CSRF.search(mine.text) if mine is not None else None
    if match is None or token is None:
        return status_poll(user)
    start = user.recorder.request(
        user.session, "POST pay a payment request", "POST", f"{user.base}{match.group(0)}",
        data={"csrfmiddlewaretoken": token.group(1)},
    )  # fmt: skip
    checkout = re.search(r"/payments/(\d+)/checkout/", start.headers.get("Location", "")) if start is not None else None
    if checkout is None:
        return None
    payment = int(checkout.group(1))
    card = {"card_number": "4242 4242 4242 4242", "expiry": "12/34", "cvc": "123"}
    paid = user.post("POST card payment (queues the provider's event)", f"/payments/simulated/{payment}/pay/",
                     checkout.group(0), card)  # fmt: skip
    if paid is not None and paid.status_code in (200, 302):
        with user.recorder.lock:
            user.recorder.card_payments.append(payment)
    user.last_payment = payment
    for _ in range(3):
        time.sleep(1)
        status_poll(user)
    return None


def status_poll(user: User) -> None:
    if user.last_payment is not None:
        user.get("payments: status poll", f"/payments/{user.last_payment}/status/", headers={"HX-Request": "true"})


def read_all(user: User) -> None:
    user.post("POST notifications read", "/intranet/notifications/read-all/", "/intranet/notifications/", {})


Action = Callable[[User], Any]
Mix = list[tuple[Action, int]]  # what a role does, with weights
ANONYMOUS: Mix = [(public_home, 3), (public_services, 2), (public_search, 5)]
CLIENT: Mix = [
    (home, 2), (service_orders, 2), (order_page, 2), (public_search, 2),
    (order_create, 1), (order_message, 1), (pay_by_card, 2), (status_poll, 2),
]  # fmt: skip
STAFF: Mix = [(home, 3), (staff_search, 3), (purchase_orders, 1), (read_all, 1)]
HEAD: Mix = [
    (home, 2),
    (approvals, 2),
    (review_queue, 1),
    (services_queue, 2),
    (service_orders, 1),
    (staff_search, 1),
]
ROLES: dict[str, Mix] = {
    "director": [(home, 2), (approvals, 3), (payments_list, 1), (purchase_orders, 1)],
    "admin_assistant": STAFF,
    "business_assistant": [(home, 2), (payments_list, 2), (payment_request, 3)],
    "head_infodev": HEAD,
    "head_custsvc": HEAD,
    "head_techsvc": HEAD,
    "staff_infodev": [*STAFF, (services_queue, 2), (service_orders, 1)],
    "staff_custsvc": [*STAFF, (services_queue, 2)],
    "staff_techsvc": STAFF,
    "staff_nav": STAFF,
    "director_east": [(home, 2), (approvals, 2), (payments_list, 1), (staff_search, 1)],
    "staff_east": STAFF,
    "staff_riverside": STAFF,
    "staff_north": STAFF,
    "client_a": CLIENT,
    "client_b": CLIENT,
}


def django_ids(env: dict[str, str]) -> tuple[str, dict[str, str], dict[str, Any]]:
    """In this process, on the soak database: a logged-in session per role, user ids, and an
    order of each client."""
    os.environ.update(env)
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    from services.models import ServiceOrder

    sessions, users = {}, {}
    for user in get_user_model().objects.filter(username__in=list(ROLES)):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        sessions[user.username] = session.session_key
        users[user.username] = user.pk
    orders = {}
    for name in ("client_a", "client_b"):
        first = ServiceOrder.objects.filter(client__user__username=name).order_by("pk").first()
        if first is not None:
            orders[name] = first.pk
    return settings.SESSION_COOKIE_NAME, sessions, {"user": users, "order": orders}


def make_users(stack: Stack, recorder: Recorder, ids_env: dict[str, str]) -> list[tuple[User, Mix]]:
    cookie, sessions, ids = django_ids(ids_env)
    users = []
    for name, actions in [*ROLES.items(), ("anonymous-1", ANONYMOUS), ("anonymous-2", ANONYMOUS)]:
        session = requests.Session()
        if name in sessions:
            session.cookies.set(cookie, sessions[name], domain=HOST, path="/")
        session.headers["Accept-Language"] = random.choice(["en", "zh-hans"])
        users.append((User(name, session, stack.base, recorder, ids), actions))
    return users


def preflight(users: list[tuple[User, Mix]]) -> list[str]:
    """Each role makes each of its GET requests once; one its role may not make (403/404) is
    dropped from its mix. POSTs are kept (their form page is checked when they run)."""
    dropped = []
    probe = Recorder()
    for user, actions in users:
        kept = []
        for action, weight in actions:
            if action.__name__ in {"order_create", "order_message", "payment_request", "pay_by_card", "read_all"}:
                kept.append((action, weight))
                continue
            made = len(probe.samples)
            action(User(user.name, user.session, user.base, probe, user.ids))
            statuses = [s.status for s in probe.samples[made:]] or [0]
            if any(status in (403, 404) for status in statuses):
                dropped.append(f"{user.name}: {action.__name__} ({statuses[-1]})")
            else:
                kept.append((action, weight))
        actions[:] = kept
    return dropped


def drive(user: User, actions: Mix, deadline: float) -> None:
    population = [action for action, _weight in actions]
    weights = [weight for _action, weight in actions]
    while time.monotonic() < deadline:
        action = random.choices(population, weights)[0]
        try:
            action(user)
        except Exception as exc:  # noqa: BLE001 - a broken script step is reported, not fatal
            at = time.monotonic() - user.recorder.started
            with user.recorder.lock:
                user.recorder.samples.append(Sample(at, f"script error: {type(exc).__name__}", -1, 0))
        time.sleep(min(random.expovariate(1 / THINK), 10 * THINK))


# --- the run -----------------------------------------------------------------------------------------


def redis_faults(stack: Stack, recorder: Recorder, windows: list[tuple[float, float]], deadline: float) -> None:
    for fraction in (1 / 3, 2 / 3):
        at = recorder.started + SECONDS * fraction
        while time.monotonic() < at:
            time.sleep(0.2)
        if time.monotonic() >= deadline:
            return
        down = time.monotonic() - recorder.started
        stack.kill_redis()
        time.sleep(OUTAGE_SECONDS)
        stack.start_redis()
        windows.append((down, time.monotonic() - recorder.started))


def queue_length(stack: Stack) -> int | None:
    try:
        return int(redis.Redis(host=HOST, port=stack.redis_port, socket_connect_timeout=1).llen("celery"))
    except redis.RedisError:
        return None


def payments_recorded(stack: Stack, payment_ids: list[int]) -> dict[str, int]:
    from payments.models import Payment

    counts = Counter(Payment.objects.filter(pk__in=payment_ids).values_list("status", flat=True))
    return dict(counts)


def emails_owed() -> int:
    """Notifications meant for e-mail and not sent yet (the sweep sends what an outage kept)."""
    from office.models import Notification

    return Notification.objects.filter(send_email=True, emailed_at=None).exclude(recipient__email="").count()


def deferred_work() -> dict[str, int]:
    """What the web processes could not enqueue while Redis was down (office.queue logs it)."""
    text = (OUT / "gunicorn.log").read_text(errors="replace")
    found = re.findall(r"Broker unavailable; (\S+) is left|Could not enqueue (\S+)", text)
    return dict(Counter(a or b for a, b in found))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "redis").mkdir(exist_ok=True)
    redis_port, web_port = free_port(), free_port()
    env = stack_env(redis_port)
    stack = Stack(env, redis_port, web_port)
    print(f"soak: {SECONDS} s, database {DB}, output {OUT}", flush=True)
    load_before = os.getloadavg()
    try:
        stack.start_redis()  # first: the demo seed queues work after commit
        prepare_database(env)
        start_services(stack)
        recorder = Recorder()
        users = make_users(stack, recorder, env)
        dropped = preflight(users)
        time.sleep(5)  # the worker and beat connected, the first pages compiled
        result = run(stack, recorder, users)
        result["dropped"] = dropped
        result["load"] = (load_before, os.getloadavg())
        report = render(result)
        (OUT / "report.md").write_text(report)
        (OUT / "samples.json").write_text(json.dumps([s.__dict__ for s in recorder.samples]))
        print(report)
    finally:
        for name in ("beat", "worker", "gunicorn", "redis"):
            stack.stop(name)


def run(stack: Stack, recorder: Recorder, users: list[tuple[User, Mix]]) -> dict[str, Any]:
    recorder.started = time.monotonic()
    deadline = recorder.started + SECONDS
    windows: list[tuple[float, float]] = []
    threads = [threading.Thread(target=drive, args=(user, actions, deadline), daemon=True) for user, actions in users]
    threads.append(threading.Thread(target=redis_faults, args=(stack, recorder, windows, deadline), daemon=True))
    for thread in threads:
        thread.start()
    warm_up = min(60.0, SECONDS / 10)
    time.sleep(warm_up)
    memory_before = memory(stack)
    for thread in threads:
        thread.join(timeout=max(1.0, deadline - time.monotonic() + 90))
    memory_after = memory(stack)
    at_stop = queue_length(stack)
    drained_after = None
    for waited in range(121):
        if queue_length(stack) == 0:
            drained_after = waited
            break
        time.sleep(1)
    return {
        "windows": windows,
        "warm_up": warm_up,
        "memory_before": memory_before,
        "memory_after": memory_after,
        "queue_at_stop": at_stop,
        "drained_after": drained_after,
        "payments": payments_recorded(stack, recorder.card_payments),
        "deferred": deferred_work(),
        "emails_owed": emails_owed(),
        "card_payments": len(recorder.card_payments),
        "alive": {name: process.poll() is None for name, process in stack.processes.items()},
        "log_errors": {name: _log_errors(name) for name in ("gunicorn", "worker", "beat")},
        "samples": recorder.samples,
    }


def _log_errors(name: str) -> dict[str, int]:
    """ERROR and CRITICAL lines of a log, by message (numbers and addresses folded)."""
    text = (OUT / f"{name}.log").read_text(errors="replace")
    found: Counter[str] = Counter()
    for line in text.splitlines():
        match = re.search(r"\b(ERROR|CRITICAL)\b\S*\s*(.*)", line)
        if match:
            message = re.sub(r"\d+", "N", match.group(2))[:110]
            found[f"{match.group(1)} {message}"] += 1
    return dict(found)


# --- the report ----------------------------------------------------------------------------------------


def _pick(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def render(result: dict[str, Any]) -> str:
    samples: list[Sample] = result["samples"]
    windows: list[tuple[float, float]] = result["windows"]

    def in_window(sample: Sample) -> bool:
        return any(start <= sample.at <= end + 2 for start, end in windows)

    lines = [f"Run: {SECONDS} s of traffic, {len(samples)} requests ({len(samples) / SECONDS:.1f}/s), "
             f"think time {THINK} s; load average before {result['load'][0][0]:.2f}, "
             f"after {result['load'][1][0]:.2f} (1 min)."]  # fmt: skip
    lines.append("Redis killed (SIGKILL) and started again: " + ", ".join(f"{a:.0f}–{b:.0f} s" for a, b in windows))
    if result["dropped"]:
        lines.append("Left out after the preflight (the role may not): " + "; ".join(result["dropped"]))
    statuses = Counter(s.status for s in samples)
    errors = [s for s in samples if s.status >= 500 or s.status <= 0]
    lines += ["", "| status | responses | share |", "|---|---|---|"]
    for status, count in sorted(statuses.items()):
        label = {0: "no answer (timeout/refused)", -1: "script error"}.get(status, str(status))
        lines.append(f"| {label} | {count} | {count * 100 / len(samples):.2f} % |")
    inside = [s for s in errors if in_window(s)]
    lines.append("")
    lines.append(f"Errors (5xx or no answer): {len(errors)} of {len(samples)} "
                 f"({len(errors) * 100 / len(samples):.3f} %); inside the Redis windows: {len(inside)}, "
                 f"outside: {len(errors) - len(inside)}.")  # fmt: skip
    slow = [s for s in samples if s.seconds >= SLOW]
    lines.append(f"Requests over {SLOW:.0f} s: {len(slow)} (inside the Redis windows: {sum(map(in_window, slow))}).")
    by_kind: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        by_kind[sample.kind].append(sample)
    lines += ["", "| kind of request | n | errors | p50 ms | p95 ms | max ms |", "|---|---|---|---|---|---|"]
    for kind in sorted(by_kind):
        ordered = sorted(s.seconds for s in by_kind[kind])
        bad = sum(1 for s in by_kind[kind] if s.status >= 500 or s.status <= 0)
        p50, p95 = _pick(ordered, 0.5) * 1000, _pick(ordered, 0.95) * 1000
        lines.append(f"| {kind} | {len(ordered)} | {bad} | {p50:.0f} | {p95:.0f} | {ordered[-1] * 1000:.0f} |")
    lines += [
        "",
        f"| process | RSS after warm-up ({result['warm_up']:.0f} s), MiB | RSS at the end, MiB | change |",
        "|---|---|---|---|",
    ]
    before, after = result["memory_before"], result["memory_after"]
    for label in sorted(set(before) | set(after)):
        b_pid, b_kib = before.get(label, (0, 0))
        a_pid, a_kib = after.get(label, (0, 0))
        change = f"{(a_kib - b_kib) * 100 / b_kib:+.1f} %" if b_kib and a_kib else "–"
        note = " (new process)" if b_pid and a_pid and a_pid != b_pid else ""
        lines.append(f"| {label} | {b_kib / 1024:.1f} | {a_kib / 1024:.1f} | {change}{note} |")
    lines.append("")
    drained = result["drained_after"]
    lines.append(f"Celery queue at the end of traffic: {result['queue_at_stop']} messages; empty "
                 + (f"{drained} s later." if drained is not None else "not within 120 s."))  # fmt: skip
    lines.append(f"Payments paid by card: {result['card_payments']}; their status at the end: {result['payments']}.")
    lines.append(
        f"Work the web processes could not enqueue while Redis was down (left to the sweeps): "
        f"{result['deferred'] or 'none'}; notifications still owed an e-mail at the end: "
        f"{result['emails_owed']} (the sweep runs every 5 min and leaves each 2 min to its own task)."
    )
    lines.append(f"Processes alive at the end: {result['alive']}.")
    for name, found in result["log_errors"].items():
        lines.append(f"ERROR/CRITICAL lines in the {name} log: " + ("none." if not found else ""))
        lines += [f"- {count} × `{message}`" for message, count in sorted(found.items(), key=lambda i: -i[1])]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
