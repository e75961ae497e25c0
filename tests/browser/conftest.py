"""Browser fixtures: Debian's chromium driven by pytest-playwright (never a downloaded browser).

The live server listens on 127.0.0.1 so the "no request leaves 127.0.0.1" check is exact.
Static files: pytest-django's live_server serves them through staticfiles' finders; that works
because tests/conftest.py switches the tests to plain StaticFilesStorage (with the production
manifest storage pages link hashed names the finders cannot find, and every stylesheet 404s).
The journeys check that Bootstrap's CSS actually applies.
"""

from __future__ import annotations

import os
import shutil
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
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    executable = shutil.which("chromium")
    if executable is None:  # a missing browser is a broken environment, not a reason to skip
        pytest.fail("chromium is not installed (apt-get install chromium); the browser tests need it")
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_ARGS}
