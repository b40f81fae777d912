"""The package's layout keeps its promises: no import cycles, readers never judge.

The import graph is read from the source (module-level, lazy and TYPE_CHECKING
imports alike), so a cycle hidden behind a function-level import is found too.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import gate
from tests.childenv import child_env

PACKAGE = Path(gate.__file__).parent


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "_templates" in path.parts:
            continue
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _imports(path: Path, name: str, modules: dict[str, Path]) -> set[str]:
    """The gate modules `path` imports, each resolved to the module itself."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                targets.add(submodule if submodule in modules else base)
    return {t for t in targets if t in modules and t != name}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(path, name, modules) for name, path in modules.items()}


def test_the_graph_is_read() -> None:
    graph = _graph()
    assert "gate.checks.coverage.diff" in graph["gate.checks.coverage.check"]
    assert "gate.readers.xmlsafe" in graph["gate.readers.coverage.cobertura"]


def test_no_module_imports_itself_through_others() -> None:
    graph = _graph()
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    cycles: list[list[str]] = []

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for target in sorted(graph[name]):
            if state.get(target) == 1:
                cycles.append(path[path.index(target):] + [target])
            elif target not in state:
                visit(target, [*path, target])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


def test_readers_never_know_a_verdict() -> None:
    """A reader returns data: it imports no family, no renderer, no check result."""
    for path in (PACKAGE / "readers").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith(("gate.checks", "gate.report", "gate.runner")), \
                    path
                if node.module == "gate.model":
                    names = {alias.name for alias in node.names}
                    assert not names & {"CheckResult", "Status", "Finding", "Report"}, path


def test_help_loads_no_reader_and_no_check() -> None:
    """`gate --help` imports the families' declarations only (start-up stays fast)."""
    code = ("import sys, gate.cli; gate.cli.build_parser(); "
            "print('\\n'.join(m for m in sys.modules if m.startswith('gate')))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=child_env(), check=True).stdout.split()
    heavy = [m for m in loaded
             if m.startswith("gate.readers") or m.endswith((".check", ".probes", ".diff"))]
    assert heavy == []
    assert "gate.checks.coverage" in loaded and "gate.checks.tests" in loaded
