"""The README's "How it works" tree names every package and module of the code, so a newcomer's
map of the code is never stale."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "scheduler"


def _tree() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## How it works", 1)[1]
    return section.split("```", 2)[1]


def _listed() -> set[str]:
    """Dotted names from the tree's indentation: 'solver/' then '  engine' → solver.engine."""
    out: set[str] = set()
    stack: list[tuple[int, str]] = []
    for line in _tree().splitlines()[1:]:  # the first line is src/scheduler/
        # A name is followed by the column gap (two spaces or more); a description's
        # continuation line is prose.
        match = re.match(r"^( *)([A-Za-z_][A-Za-z0-9_]*)(/|\.py)?( {2,}|$)", line)
        if not match or len(match.group(1)) % 2:
            continue  # a continuation line of a description
        depth = len(match.group(1)) // 2
        name = match.group(2)
        stack = [(d, n) for d, n in stack if d < depth]
        out.add(".".join([n for _, n in stack] + [name]))
        if match.group(3) == "/":
            stack.append((depth, name))
    return out


def _on_disk() -> set[str]:
    out: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__init__" or "migrations" in parts or parts[0] == "api":
            continue  # api/ is summed up in one line
        if "rules" in parts[:-1]:
            continue  # solver/rules/ is listed as the registry, one module per family
        out.add(".".join(parts))
    return out


def test_every_module_is_in_the_readme_tree() -> None:
    missing = _on_disk() - _listed()
    assert not missing, f"add to README's 'How it works': {sorted(missing)}"


def test_the_tree_names_no_module_that_is_gone() -> None:
    packages = {p.relative_to(PACKAGE).as_posix().replace("/", ".")
                for p in PACKAGE.rglob("*") if p.is_dir() and p.name != "__pycache__"}
    stale = {name for name in _listed()
             if name not in _on_disk() and name not in packages
             and name not in {"cli", "__main__"} and not name.startswith(("api", "solver.rules"))}
    assert not stale, f"README's 'How it works' names modules that do not exist: {sorted(stale)}"
