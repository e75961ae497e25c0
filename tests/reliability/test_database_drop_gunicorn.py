"""PostgreSQL drops a request's connection under gunicorn (RELIABILITY.md F5, issue 17): the
production set-up (DEBUG off, one sync worker, persistent connections: DB_CONN_MAX_AGE=600,
health checks on) on this test's database. A staff member's quote is cut off between its two
writes (the order row, then the audit event) by `pg_terminate_backend` of the worker's own
session (`gunicorn_pg_drop.py` arms it inside the worker). The user gets the translated 500
page, nothing of the quote is written, and the same worker serves the next request on a new
connection, where the quote goes through.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from office.models import AuditEvent, Notification
from services.models import ServiceOrder
from tests.reliability.conftest import free_port
from tests.services.factories import order_in
from tests.test_celery_worker import database_url_for_test_db

pytestmark = pytest.mark.django_db(transaction=True)

GUNICORN = Path(sys.executable).with_name("gunicorn")
VERB = "services.order.quoted"


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base: str
    arm: Path
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture(scope="session")
def collected_static() -> None:
    """DEBUG off serves the manifest of `collectstatic` (as `make install` and a deployment
    run it); a page that names a file missing from a stale manifest answers 500."""
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=settings.BASE_DIR, check=True
    )


@pytest.fixture
def server(transactional_db: Any, collected_static: None, tmp_path: Path) -> Iterator[Server]:
    if connection.vendor != "postgresql":
        pytest.skip("pg_terminate_backend needs PostgreSQL (run with DATABASE_URL)")
    port = free_port()
    arm = tmp_path / "arm"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "office.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,  # the test's sessions are signed with it
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "DATABASE_URL": database_url_for_test_db() or "",
        "DB_CONN_MAX_AGE": "600",  # production's: the connection outlives the request
        "CELERY_TASK_ALWAYS_EAGER": "true",  # the client's e-mail, inline: no broker needed
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PG_DROP_ARM": str(arm),
        "PG_DROP_VERB": VERB,
    }
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(  # noqa: S603
            [
                str(GUNICORN),
                "office.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--timeout",
                "60",
                "-c",
                "python:tests.reliability.gunicorn_pg_drop",
            ],  # fmt: skip
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    running = Server(process, f"http://127.0.0.1:{port}", arm, log)
    deadline = time.monotonic() + 60
    while True:
        try:
            requests.get(f"{running.base}/", timeout=5)
            break
        except requests.ConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"gunicorn did not start:\n{running.output()[-4000:]}") from None
            time.sleep(0.2)
    try:
        yield running
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _browser(user: Any) -> requests.Session:
    login = Client()
    login.force_login(user)  # a session row in the database, as a login makes
    browser = requests.Session()
    browser.cookies.set(settings.SESSION_COOKIE_NAME, login.cookies[settings.SESSION_COOKIE_NAME].value)
    return browser


def _csrf_token(page: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match, "no form on the page"
    return match.group(1)


def test_quote_cut_off_under_gunicorn_shows_the_500_page_and_the_same_worker_serves_the_next_request(
    demo: Any, server: Server
) -> None:
    order = order_in(demo, "requested")
    browser = _browser(demo.head_infodev)
    page_url = server.base + reverse("services:order_detail", args=[order.pk])
    quote_url = server.base + reverse("services:order_quote", args=[order.pk])
    page = browser.get(page_url, allow_redirects=False, timeout=30)
    assert page.status_code == 200, page.status_code
    form = {
        "amount": "880.00",
        "due_date": (timezone.localdate() + timedelta(days=10)).isoformat(),
        "note": "Quote",
        "csrfmiddlewaretoken": _csrf_token(page.text),
    }

    server.arm.write_text("")
    cut_off = browser.post(
        quote_url, data=form, headers={"Accept-Language": "zh-hans"}, allow_redirects=False, timeout=30
    )

    assert not server.arm.exists(), f"the hook never ran:\n{server.output()[-4000:]}"
    assert cut_off.status_code == 500
    assert "我们这边出了问题" in cut_off.text  # "Something went wrong on our side", translated
    killed = int(Path(f"{server.arm}.pid").read_text())
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [killed])
        assert cursor.fetchone()[0] == 0
    order.refresh_from_db()
    assert order.status == ServiceOrder.Status.REQUESTED and order.quoted_at is None
    assert not AuditEvent.objects.filter(verb=VERB, target_id=str(order.pk)).exists()
    assert not Notification.objects.filter(recipient=demo.client_a, verb=VERB).exists()

    # The same (only) worker: the next page and the quote again, on a new connection.
    assert browser.get(page_url, allow_redirects=False, timeout=30).status_code == 200
    done = browser.post(quote_url, data=form, allow_redirects=False, timeout=30)
    assert done.status_code == 302, done.text[:2000]
    order.refresh_from_db()
    assert (order.status, order.quoted_amount_minor) == (ServiceOrder.Status.QUOTED, 88_000)
    assert AuditEvent.objects.filter(verb=VERB, target_id=str(order.pk)).count() == 1
    assert Notification.objects.filter(recipient=demo.client_a, verb=VERB).count() == 1
    assert server.process.poll() is None
    assert server.output().count("Booting worker") == 1, server.output()[-4000:]  # not a restarted worker
