"""The payable contract's case type and the per-app builder files.

A new payable purpose declares its contract builder in ``tests/payments/contract_<app>.py``
as ``BUILDERS = {"<purpose>": builder}``; ``builder(demo) -> Case`` returns an open target of
the purpose (see ``test_payable_contract.py`` for the cases every purpose goes through).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class Case:
    """An open target of one purpose: `start()` opens its payment as its payer would,
    `close()` (None: the purpose has no way to close an unpaid target) makes it unpayable."""

    purpose_id: int
    start: Callable[[], Any]
    close: Callable[[], Any] | None


def app_builders() -> dict[str, Callable[[Any], Case]]:
    builders: dict[str, Callable[[Any], Case]] = {}
    for info in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if info.name.startswith("contract_"):
            module = importlib.import_module(f"tests.payments.{info.name}")
            builders.update(module.BUILDERS)
    return builders
