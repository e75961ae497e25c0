"""Hooks through which later areas add demo content to `seed_demo` without office importing them.

An app registers a callable `hook(stdout)` in its AppConfig.ready(); each hook must be
idempotent like the command itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_hooks: list[Callable[[Any], None]] = []


def register(hook: Callable[[Any], None]) -> Callable[[Any], None]:
    if hook not in _hooks:
        _hooks.append(hook)
    return hook


def hooks() -> list[Callable[[Any], None]]:
    return list(_hooks)
