"""The code's shape (issue 12): scripts/check_architecture.py finds import cycles and long
write modules; run on synthetic trees here, and on the project itself."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("check_architecture", ROOT / "scripts" / "check_architecture.py")
check = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check)


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def test_a_module_level_cycle_is_reported_and_function_level_or_type_checking_imports_are_not(tmp_path):
    root = _tree(
        tmp_path,
        {
            "services/__init__.py": "",
            "services/models.py": "from services.querysets import OrderQuerySet\n",
            "services/querysets.py": "from services import models\n",
            "services/tasks.py": "from services import actions\n",
            "services/actions.py": "def later():\n    from services.tasks import t\n",
            "services/permissions.py": (
                "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from services.selectors import x\n"
            ),
            "services/selectors.py": "from services.permissions import can\n",
        },
    )
    assert check.problems(root) == ["import cycle: services.models <-> services.querysets"]


def test_relative_imports_and_packages_resolve(tmp_path):
    root = _tree(
        tmp_path,
        {
            "office/__init__.py": "",
            "office/backups/__init__.py": "from .run import backup_run\n",
            "office/backups/run.py": "from .stores import get_store\n",
            "office/backups/stores.py": "from . import run\n",
        },
    )
    assert check.problems(root) == ["import cycle: office.backups.run <-> office.backups.stores"]


def test_long_write_modules_and_functions_are_reported(tmp_path):
    body = "".join(f"    x{i} = {i}\n" for i in range(70))
    root = _tree(
        tmp_path,
        {
            "payments/__init__.py": "",
            "payments/actions/__init__.py": "",
            "payments/actions/refunds.py": "def refund():\n" + body + "\n" * 450,
            "payments/selectors.py": "def long_read():\n" + body + "\n" * 450,  # not a write module
        },
    )
    assert check.problems(root) == [
        "write module too long: payments.actions.refunds has 521 lines (at most 500)",
        "function too long: payments.actions.refunds.refund has 71 lines (at most 60)",
    ]


def test_the_project_has_no_import_cycle_and_no_long_write_module():
    assert check.problems(ROOT) == []
