"""A newcomer's first run (README: `make dev` without DATABASE_URL / REDIS_URL): the embedded
default is SQLite with no Redis, and every migration, the demo seed and the main pages must work
there. The rest of the suite runs on PostgreSQL only, so without this test a PostgreSQL-only
migration step or query went unnoticed (cataloging 0011 failed `migrate`; the identity query's
ArraySubquery failed every signed-in page)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PAGES = """
import django
django.setup()
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
pages = {
    "director": ["office:home", "office:dashboard", "procurement:request_list", "procurement:approvals",
                 "office:audit_list", "services:queue"],
    "head_infodev": ["office:home", "office:dashboard", "procurement:approvals", "services:queue"],
    "staff_infodev": ["office:home", "procurement:request_list", "cataloging:record_search"],
    "client_a": ["office:home", "services:order_list"],
}
for username, names in pages.items():
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    for name in names:
        status = client.get(reverse(name)).status_code
        assert status == 200, (username, name, status)
        print(username, name, status)
assert Client().get(reverse("cataloging:public_search") + "?q=history").status_code == 200
print("ok")
"""


@pytest.mark.timeout(900)
def test_migrate_seed_and_the_main_pages_on_sqlite(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="office.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'first-run.sqlite3'}",
        DJANGO_DEBUG="true",
        MEDIA_ROOT=str(tmp_path / "media"),
        REQUIRE_REAL_SERVICES="",
    )

    def run(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False
        )
        assert done.returncode == 0, f"{args}: {done.stdout[-2000:]}\n{done.stderr[-4000:]}"
        return done.stdout

    run("manage.py", "migrate", "-v0")
    run("manage.py", "seed_demo")
    assert run("-c", PAGES).strip().endswith("ok")
