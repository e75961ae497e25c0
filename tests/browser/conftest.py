"""Browser fixtures: Debian's chromium driven by pytest-playwright (never a downloaded browser).

The live server listens on 127.0.0.1 so the "no request leaves 127.0.0.1" check is exact.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest) -> Any:
    """pytest-django's live server, but static files come the production way.

    pytest-django wraps the server in staticfiles' ``StaticFilesHandler``, which looks files up
    with the finders under their *source* names. With DEBUG off the settings use WhiteNoise's
    ``CompressedManifestStaticFilesStorage``, so pages link hashed names
    (``bootstrap.min.<hash>.css``) that the finders never find: every stylesheet 404s. Here
    the server gets no static wrapper, and the WhiteNoise middleware already in MIDDLEWARE
    serves the collected files from STATIC_ROOT (``manage.py collectstatic``, part of
    ``make install``), exactly as under gunicorn.
    """
    from django.conf import settings
    from pytest_django.live_server_helper import LiveServer

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.exists():
        pytest.fail(f"{manifest} is missing: run `manage.py collectstatic --noinput` (make install does)")
    addr = request.config.getvalue("liveserver") or os.environ["DJANGO_LIVE_TEST_SERVER_ADDRESS"]
    server = LiveServer(addr, start=False)
    server.thread.static_handler = lambda application: application
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    executable = shutil.which("chromium")
    if executable is None:  # a missing browser is a broken environment, not a reason to skip
        pytest.fail("chromium is not installed (apt-get install chromium); the browser tests need it")
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_ARGS}
