"""zizmor, check-jsonschema and actionlint find nothing in the workflows, as shipped and as adapted."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gate.cli import main
from tests.childenv import child_env
from tests.conftest import ROOT, write_package

pytestmark = pytest.mark.integration

SHIPPED = sorted((ROOT / "templates" / "github" / "workflows").glob("*.yml"))
OWN = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))


def tool(name: str) -> str:
    """A linter from the `lint` dependency group, next to this Python or on PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.is_file() else shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: it is in the `lint` dependency group "
                    "(pip install --group lint, or uv sync --group lint)")
    return found


def actionlint() -> str:
    """actionlint: ACTIONLINT (as the lint session takes it; .ci/run sets it), PATH's, or the
    shared wrapper beside the checkout on the kit's own machines (it installs itself)."""
    if os.environ.get("ACTIONLINT"):
        return os.environ["ACTIONLINT"]
    if shutil.which("actionlint"):
        return str(shutil.which("actionlint"))
    for base in (ROOT.parent, ROOT.parent.parent):
        wrapper = base / "shared" / "tools" / "actionlint"
        if wrapper.is_file():
            return str(wrapper)
    message = "actionlint is not installed (ACTIONLINT, or actionlint on PATH)"
    if os.environ.get("GATE_REQUIRE_ACTIONLINT") == "1":  # .ci/run: it must run there
        pytest.fail(f"{message}; GATE_REQUIRE_ACTIONLINT is set")
    pytest.skip(message)


def lint(*command: str | Path) -> str:
    done = subprocess.run([str(c) for c in command], capture_output=True, text=True,
                          env=child_env(),
                          timeout=300, check=False)
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"{command[0]} exit {done.returncode}:\n{output}"
    return output


@pytest.fixture(scope="module")
def adapted(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The workflows as `gate init` writes them for a project in a subfolder."""
    repo = tmp_path_factory.mktemp("repo")
    write_package(repo, {"services/api/pyproject.toml": """
        [project]
        name = "api"
        requires-python = ">=3.9"
    """})
    assert main(["init", str(repo), "--only", "workflows"]) == 0
    return sorted((repo / ".github" / "workflows").glob("*.yml"))


def test_zizmor_offline_finds_nothing(adapted: list[Path]) -> None:
    output = lint(tool("zizmor"), "--offline", "--no-config", *SHIPPED, *OWN, *adapted,
                  ROOT / "action.yml")
    assert "No findings to report" in output


def test_github_schemas_accept_them(adapted: list[Path]) -> None:
    checker = tool("check-jsonschema")
    lint(checker, "--builtin-schema", "vendor.github-workflows", *SHIPPED, *OWN, *adapted)
    lint(checker, "--builtin-schema", "vendor.github-actions", ROOT / "action.yml")


def test_actionlint_finds_nothing(adapted: list[Path]) -> None:
    files = [*SHIPPED, *OWN, *adapted]
    # One file a run, as the lint session does: the WebAssembly build of actionlint traps
    # ("unreachable") now and then when given several.
    for file in files:
        assert "0 problem(s) in 1 file(s)" in lint(actionlint(), file), file
