"""`manage.py check --deploy --fail-level WARNING` is clean with production settings (H6).

Runs in a subprocess with a clean environment (not this test run's pytest-env values, which
switch HTTPS redirects and secure cookies off), as a production host would set it.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)


def _production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "office.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "ALLOWED_HOSTS": "intranet.office.example",
        "CSRF_TRUSTED_ORIGINS": "https://intranet.office.example",
        "SITE_URL": "https://intranet.office.example",
        "EMAIL_URL": "smtp://mail.office.example:587",
    }
    env.update(overrides)
    return env


def _check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path: Path) -> None:
    result = _check_deploy(_production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


def test_check_deploy_fails_when_debug_is_on(tmp_path: Path) -> None:
    """Control: the same command does fail on a production mistake, so the test above means something."""
    result = _check_deploy(_production_env(tmp_path, DJANGO_DEBUG="true"))
    assert result.returncode != 0
    assert "security.W018" in result.stdout + result.stderr
