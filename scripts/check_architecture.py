#!/usr/bin/env python3
"""Check the code's shape (issue 12); the test suite runs it (tests/test_architecture.py).

Reports, and exits 1 on:
* an import cycle between the project's modules, counting only imports that run when a
  module is imported (module level, outside `if TYPE_CHECKING:`); importing `a.b.c` is an
  edge to `a.b.c` only, not to the packages above it;
* a write module (an app's `actions.py` or a module of its `actions/` package, the backups
  package) longer than MAX_WRITE_MODULE_LINES lines;
* a function in a write module longer than MAX_FUNCTION_LINES lines.

    python scripts/check_architecture.py [--root PATH]
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterator
from pathlib import Path

MAX_WRITE_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60
SKIP_DIRS = {".venv", ".venv-localstripe", "node_modules", "var", "migrations", ".git", "static", "templates"}
# The project's own top-level packages (tests and benchmarks are not part of the layering).
APPS = {"office", "payments", "procurement", "cataloging", "services", "sharing", "marketing"}


def modules(root: Path) -> dict[str, Path]:
    """Dotted name -> file, for every module of the project's apps."""
    found: dict[str, Path] = {}
    for app in sorted(APPS):
        for path in sorted((root / app).rglob("*.py")):
            if SKIP_DIRS.intersection(path.relative_to(root).parts):
                continue
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _runtime_imports(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    """Import statements run at import time: module level, in try/if blocks, not in
    functions or classes' methods, not under `if TYPE_CHECKING:`."""
    stack: list[ast.stmt] = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If):
            test = node.test
            if (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
                isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
            ):
                stack.extend(node.orelse)
                continue
            stack.extend(node.body + node.orelse)
        elif isinstance(node, ast.Try):
            stack.extend(node.body + node.orelse + node.finalbody)
            for handler in node.handlers:
                stack.extend(handler.body)
        elif isinstance(node, ast.ClassDef):
            stack.extend(stmt for stmt in node.body if not isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef))


def _resolve(name: str, known: dict[str, Path]) -> str | None:
    """The longest known module that `name` (a module or a name in one) refers to."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in known:
            return candidate
        parts.pop()
    return None


def import_graph(known: dict[str, Path]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {name: set() for name in known}
    for name, path in known.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in _runtime_imports(tree):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join([*anchor, base] if base else anchor)
                targets = [f"{base}.{alias.name}" for alias in node.names]
            for target in targets:
                resolved = _resolve(target, known)
                if resolved and resolved != name:
                    graph[name].add(resolved)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def is_write_module(name: str) -> bool:
    parts = name.split(".")
    return "actions" in parts or name.startswith("office.backups")


def long_functions(path: Path) -> Iterator[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            length = (node.end_lineno or node.lineno) - first + 1
            if length > MAX_FUNCTION_LINES:
                yield node.name, length


def problems(root: Path) -> list[str]:
    known = modules(root)
    found = [f"import cycle: {' <-> '.join(component)}" for component in cycles(import_graph(known))]
    for name, path in sorted(known.items()):
        if not is_write_module(name):
            continue
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_WRITE_MODULE_LINES:
            found.append(f"write module too long: {name} has {lines} lines (at most {MAX_WRITE_MODULE_LINES})")
        for function, length in long_functions(path):
            found.append(f"function too long: {name}.{function} has {length} lines (at most {MAX_FUNCTION_LINES})")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1])
    args = parser.parse_args()
    found = problems(args.root)
    for line in found:
        print(line)
    if not found:
        print("architecture: no import cycle, no write module or function too long")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
