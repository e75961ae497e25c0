"""Loaded only by the fault-injection tests' worker (`-I tests.reliability.import_pause`), never
by the application: with IMPORT_PAUSE_DIR set, a MARC import stops after its first window of
records has committed, writes `paused` (the pid of the process running it) in that folder and
sleeps, so the test can kill the worker right there. Once the test writes `released` there,
imports run straight through."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cataloging.importer import bulk

PAUSE_DIR = os.environ.get("IMPORT_PAUSE_DIR", "")
PAUSE_AT = 50  # records reported: the first window (up to bulk.BATCH records) has committed
PAUSE_SECONDS = 120  # the test kills the worker long before


def _pausing(progress: Callable[[int, int], None] | None, directory: Path) -> Callable[[int, int], None]:
    def paused(done: int, total: int) -> None:
        if progress is not None:
            progress(done, total)
        if done == PAUSE_AT and not (directory / "released").exists():
            (directory / "paused").write_text(str(os.getpid()))
            time.sleep(PAUSE_SECONDS)

    return paused


if PAUSE_DIR:
    _original = bulk.marc_import

    def marc_import(*, progress: Callable[[int, int], None] | None = None, **kwargs: Any) -> Any:
        return _original(progress=_pausing(progress, Path(PAUSE_DIR)), **kwargs)

    bulk.marc_import = marc_import  # type: ignore[assignment]
