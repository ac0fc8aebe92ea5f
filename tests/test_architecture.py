"""The direction of imports: the contracts in pyproject.toml ([tool.importlinter]) hold, and the
validator, which re-checks a schedule from the scenario alone, shares no code with the solver."""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
from pathlib import Path

import scheduler.validator

ROOT = Path(__file__).resolve().parents[1]
VALIDATOR = Path(scheduler.validator.__file__).parent


def test_import_contracts_are_kept() -> None:
    lint_imports = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run(
        [str(lint_imports), "--config", str(ROOT / "pyproject.toml"), "--no-logo", "--no-cache"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout, done.stdout


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported_modules(path: Path, root: Path) -> set[str]:
    """Every module a file under ``root`` imports: at the top, inside functions, under
    TYPE_CHECKING, relative ones resolved, and ``importlib.import_module("...")`` /
    ``__import__("...")`` with a literal name."""
    module = _module_name(path, root)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = importlib.util.resolve_name("." * node.level + (node.module or ""),
                                                   package)
            else:
                base = node.module or ""
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
        elif (isinstance(node, ast.Call) and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
              and ((isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
                   or (isinstance(node.func, ast.Name) and node.func.id == "__import__"))):
            found.add(node.args[0].value)
    return found


def _validator_imports() -> dict[str, set[str]]:
    files = sorted(VALIDATOR.rglob("*.py"))
    assert len(files) > 3, "the validator's modules were not found"
    root = VALIDATOR.parent.parent
    return {_module_name(f, root): {m for m in _imported_modules(f, root)
                                    if m.split(".")[0] == "scheduler"}
            for f in files}


def test_validator_imports_nothing_from_the_solver() -> None:
    offending = {module: sorted(m for m in ours if m == "scheduler.solver"
                                or m.startswith("scheduler.solver."))
                 for module, ours in _validator_imports().items()}
    assert not {m: names for m, names in offending.items() if names}


def test_validator_imports_only_the_domain_and_itself() -> None:
    allowed = ("scheduler.domain", "scheduler.validator")
    offending = {module: sorted(m for m in ours
                                if not any(m == a or m.startswith(a + ".") for a in allowed))
                 for module, ours in _validator_imports().items()}
    assert not {m: names for m, names in offending.items() if names}


def test_the_import_walk_sees_an_import_of_the_solver(tmp_path: Path) -> None:
    """The walk catches the imports it is there for: a check that cannot fail proves nothing."""
    path = tmp_path / "scheduler" / "validator" / "probe.py"
    path.parent.mkdir(parents=True)
    path.write_text("import scheduler.solver.engine\n"
                    "def f():\n"
                    "    from ..solver import placement\n"
                    "    return importlib.import_module('scheduler.solver.model')\n",
                    encoding="utf-8")
    found = _imported_modules(path, tmp_path)
    assert {"scheduler.solver.engine", "scheduler.solver", "scheduler.solver.placement",
            "scheduler.solver.model"} <= found
